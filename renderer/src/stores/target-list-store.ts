// The targets campaigns can aim at (`targets/list`).
import { create } from 'zustand';
import type { CallOutput } from '../../../electron/ipc/contract';
import { api } from '../api';

interface TargetListState {
  targets: CallOutput<'targets/list'>;
  refresh(): Promise<void>;
}

export const useTargetListStore = create<TargetListState>()((set) => ({
  targets: [],
  async refresh() {
    try {
      set({ targets: await api.invoke('targets/list', {}) });
    } catch {
      // the form shows what it has
    }
  },
}));

api.onStatus((status) => {
  if (status === 'connected') void useTargetListStore.getState().refresh();
});
