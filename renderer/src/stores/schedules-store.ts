// Schedules: each with its zone, next five runs and recent runs; refreshed by `schedule/run` events.
import { create } from 'zustand';
import type { CallInput, ScheduleViewWire } from '../../../electron/ipc/contract';
import { api } from '../api';

interface SchedulesState {
  schedules: ScheduleViewWire[];
  error: string | null;
  refresh(): Promise<void>;
  add(input: CallInput<'schedules/add'>): Promise<void>;
  remove(id: number): Promise<void>;
  setEnabled(id: number, enabled: boolean): Promise<void>;
}

export const useSchedulesStore = create<SchedulesState>()((set, get) => ({
  schedules: [],
  error: null,
  async refresh() {
    try {
      set({ schedules: await api.invoke('schedules/list', {}), error: null });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  async add(input) {
    await api.invoke('schedules/add', input);
    await get().refresh();
  },
  async remove(id) {
    await api.invoke('schedules/remove', { id });
    await get().refresh();
  },
  async setEnabled(id, enabled) {
    await api.invoke('schedules/set-enabled', { id, enabled });
    await get().refresh();
  },
}));

api.on('schedule/run', () => void useSchedulesStore.getState().refresh());
api.onStatus((status) => {
  if (status === 'connected') void useSchedulesStore.getState().refresh();
});
