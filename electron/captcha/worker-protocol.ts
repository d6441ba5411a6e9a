// Messages between the captcha service (main thread) and its worker thread.
import type { ModelCard } from './model-card';

export type Provider = 'cpu' | 'cuda';

export interface InitMessage {
  type: 'init';
  models: Array<{ name: string; path: string; card: ModelCard }>;
  providers: Provider[];
  batchMax: number;
  batchWindowMs: number;
  /** Preprocess and run one at a time, no batching (the benchmark's baseline lives elsewhere; this is for tests). */
}

export interface SolveMessage {
  type: 'solve';
  id: number;
  model: string;
  bytes: Uint8Array;
  /** The characters the target's captchas use (the profile's `captcha.charset`); absent: all the model knows. */
  charset?: string;
}

export type ToWorker = InitMessage | SolveMessage;

export type FromWorker =
  | { type: 'ready'; provider: Provider; providerNote: string | null; loadMs: Record<string, number> }
  | { type: 'init-error'; message: string }
  | { type: 'result'; id: number; text: string; confidence: number; charConfidences: number[]; batch: number }
  | { type: 'error'; id: number; message: string };
