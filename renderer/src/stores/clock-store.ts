// The engine's clock as the console sees it: the current offset ± bound (server − local), samples for the chart,
// refreshed by `clock/sample` events; "sync now" probes the built-in simulator's time.
import { create } from 'zustand';
import type { ClockStatus } from '../../../electron/ipc/contract';
import { api } from '../api';

interface ClockState {
  status: ClockStatus | null;
  loading: boolean;
  error: string | null;
  refresh(): Promise<void>;
  syncNow(url: string): Promise<void>;
}

export const useClockStore = create<ClockState>()((set, get) => ({
  status: null,
  loading: false,
  error: null,
  async refresh() {
    set({ loading: true });
    try {
      set({ status: await api.invoke('clock/status', { sinceMs: Date.now() - 6 * 3_600_000 }), error: null });
    } catch (error) {
      set({ error: (error as Error).message });
    } finally {
      set({ loading: false });
    }
  },
  async syncNow(url) {
    set({ loading: true, error: null });
    try {
      await api.invoke('clock/probe', { sources: [{ kind: 'http-field', url, field: 'serverTimeMs' }], samples: 8 });
      await get().refresh();
    } catch (error) {
      set({ error: (error as Error).message, loading: false });
    }
  },
}));

/** Server − local offset now (0 until the clock has been read). */
export const currentOffsetMs = (): number => useClockStore.getState().status?.current?.offsetMs ?? 0;

let pending: ReturnType<typeof setTimeout> | null = null;
api.on('clock/sample', () => {
  // Samples come in bursts: one refresh per burst.
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    void useClockStore.getState().refresh();
  }, 300);
});
api.onStatus((status) => {
  if (status === 'connected') void useClockStore.getState().refresh();
});
