// What the preload exposes as `window.tminus`, and all the renderer may use of Electron.
import type { Reply } from './wire';

export interface PreloadApi {
  invoke(call: string, input: unknown): Promise<Reply>;
  /** Receives each frame's events of one topic; returns the unsubscribe function. */
  on(topic: string, listener: (events: unknown[]) => void): () => void;
}
