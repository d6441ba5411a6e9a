// The captcha panel's state: every model with its card and users, each target's model and kept samples, and the
// fine-tunes in progress (from `captcha/training` events).
import { create } from 'zustand';
import type { CaptchaModelViewWire, CaptchaTargetViewWire, CaptchaTrainingWire } from '../../../electron/ipc/contract';
import { api } from '../api';

interface CaptchaState {
  models: CaptchaModelViewWire[];
  targets: CaptchaTargetViewWire[];
  /** The latest progress of each target's fine-tune, by target id. */
  training: Record<string, CaptchaTrainingWire>;
  busy: boolean;
  error: string | null;
  load(): Promise<void>;
  setModel(targetId: string, model: string | null): Promise<void>;
  fineTune(targetId: string, minutes: number): Promise<void>;
}

export const useCaptchaStore = create<CaptchaState>()((set, get) => {
  const guarded = async (action: () => Promise<void>): Promise<void> => {
    set({ busy: true, error: null });
    try {
      await action();
    } catch (error) {
      set({ error: (error as Error).message });
    } finally {
      set({ busy: false });
    }
  };
  return {
    models: [],
    targets: [],
    training: {},
    busy: false,
    error: null,
    load: () =>
      guarded(async () => {
        const { models, targets } = await api.invoke('captcha/models', {});
        const training = { ...get().training };
        for (const target of targets) if (target.training) training[target.targetId] ??= target.training;
        set({ models, targets, training });
      }),
    setModel: (targetId, model) =>
      guarded(async () => {
        await api.invoke('captcha/set-model', { targetId, model });
        await get().load();
      }),
    fineTune: (targetId, minutes) =>
      guarded(async () => {
        const { started } = await api.invoke('captcha/fine-tune', { targetId, minutes });
        if (!started) set({ error: null });
      }),
  };
});

api.on('captcha/training', (events) => {
  const training = { ...useCaptchaStore.getState().training };
  for (const event of events) training[event.targetId] = event;
  useCaptchaStore.setState({ training });
  if (events.some((event) => event.state !== 'running')) void useCaptchaStore.getState().load();
});
