// `app/info`, loaded once per connection (a reconnect may be to a restarted `tminus serve`).
import { create } from 'zustand';
import type { AppInfo } from '../../../electron/ipc/contract';
import { api } from '../api';

interface AppInfoState {
  info: AppInfo | null;
  error: string | null;
  load(): Promise<void>;
}

export const useAppInfoStore = create<AppInfoState>()((set) => ({
  info: null,
  error: null,
  async load() {
    try {
      set({ info: await api.invoke('app/info', {}), error: null });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
}));

api.onStatus((status) => {
  if (status === 'connected') void useAppInfoStore.getState().load();
});
