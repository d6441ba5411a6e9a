// Notifiers (Settings) and what their last deliveries said.
import { create } from 'zustand';
import type { CallInput, CallOutput, NotifierViewWire } from '../../../electron/ipc/contract';
import { api } from '../api';

interface NotifiersState {
  notifiers: NotifierViewWire[];
  error: string | null;
  refresh(): Promise<void>;
  save(input: CallInput<'notifiers/save'>): Promise<void>;
  remove(id: number): Promise<void>;
  test(id: number): Promise<CallOutput<'notifiers/test'>>;
}

export const useNotifiersStore = create<NotifiersState>()((set, get) => ({
  notifiers: [],
  error: null,
  async refresh() {
    try {
      set({ notifiers: await api.invoke('notifiers/list', {}), error: null });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  async save(input) {
    await api.invoke('notifiers/save', input);
    await get().refresh();
  },
  async remove(id) {
    await api.invoke('notifiers/remove', { id });
    await get().refresh();
  },
  test: (id) => api.invoke('notifiers/test', { id }),
}));

api.onStatus((status) => {
  if (status === 'connected') void useNotifiersStore.getState().refresh();
});
