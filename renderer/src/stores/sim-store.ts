// The built-in simulator as the console sees it: status from `sim/status` and `sim/state` events; start and stop.
import { create } from 'zustand';
import type { SimStatus } from '../../../electron/ipc/contract';
import { api } from '../api';

interface SimState {
  status: SimStatus | null;
  /** Local time when `status.nowServerMs` was read, to run countdowns between updates. */
  receivedAtMs: number;
  busy: boolean;
  error: string | null;
  refresh(): Promise<void>;
  start(scenario?: string): Promise<void>;
  stop(): Promise<void>;
}

export const useSimStore = create<SimState>()((set) => {
  const run = async (action: () => Promise<SimStatus>): Promise<void> => {
    set({ busy: true, error: null });
    try {
      set({ status: await action(), receivedAtMs: Date.now() });
    } catch (error) {
      set({ error: (error as Error).message });
    } finally {
      set({ busy: false });
    }
  };
  return {
    status: null,
    receivedAtMs: 0,
    busy: false,
    error: null,
    refresh: () => run(() => api.invoke('sim/status', {})),
    start: (scenario = 'default') => run(() => api.invoke('sim/start', { scenario })),
    stop: () => run(() => api.invoke('sim/stop', {})),
  };
});

api.on('sim/state', (events) => {
  const latest = events.at(-1);
  if (latest) useSimStore.setState({ status: latest, receivedAtMs: Date.now() });
});
api.on('sim/stock', (events) => {
  const latest = events.at(-1);
  const status = useSimStore.getState().status;
  if (!latest || !status?.running) return;
  const remaining = new Map(latest.items.map((item) => [item.id, item.remaining]));
  useSimStore.setState({
    status: {
      ...status,
      nowServerMs: latest.nowServerMs,
      items: status.items.map((item) => ({ ...item, remaining: remaining.get(item.id) ?? item.remaining })),
    },
    receivedAtMs: Date.now(),
  });
});
api.onStatus((status) => {
  if (status === 'connected') void useSimStore.getState().refresh();
});
