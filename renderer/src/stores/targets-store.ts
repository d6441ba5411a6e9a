// The Targets page's state: the profile text being checked and what `targets/validate` said about it.
import { create } from 'zustand';
import type { CallOutput } from '../../../electron/ipc/contract';
import { api } from '../api';

type Validation = CallOutput<'targets/validate'>;

interface TargetsState {
  draft: string;
  validation: Validation | null;
  validating: boolean;
  error: string | null;
  setDraft(text: string): void;
  validate(): Promise<void>;
}

export const useTargetsStore = create<TargetsState>()((set, get) => ({
  draft: '',
  validation: null,
  validating: false,
  error: null,
  setDraft: (draft) => set({ draft, validation: null }),
  async validate() {
    set({ validating: true, error: null });
    try {
      set({ validation: await api.invoke('targets/validate', { text: get().draft, format: 'auto' }) });
    } catch (error) {
      set({ error: (error as Error).message });
    } finally {
      set({ validating: false });
    }
  },
}));
