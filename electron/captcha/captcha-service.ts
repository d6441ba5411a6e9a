// The main-thread side of captcha reading: starts the worker with the models found (shipped ones in
// resources/models, the operator's in <data dir>/models), sends it images, and restarts it if it dies — requests in
// flight then fail cleanly instead of hanging.
import { Worker } from 'node:worker_threads';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { TminusError } from '../errors';
import { allowedClasses } from './ctc-decode';
import { loadModelCard, type ModelCard } from './model-card';
import type { FromWorker, Provider, ToWorker } from './worker-protocol';

export interface CaptchaReading {
  text: string;
  confidence: number;
  charConfidences: number[];
  /** How many captchas shared this one's inference run. */
  batch: number;
}

export interface CaptchaServiceOptions {
  modelDirs: string[];
  /** Providers to try in order; CUDA first where it is installed. */
  providers?: Provider[];
  batchMax?: number;
  batchWindowMs?: number;
  timeoutMs?: number;
}

export interface CaptchaStatus {
  provider: Provider | null;
  providerNote: string | null;
  models: Array<{ name: string; path: string; accuracy: number | null }>;
  loadMs: Record<string, number>;
  restarts: number;
}

/** The bundled worker sits beside the bundle that loads it; from the sources (tests) it is the built copy in out/. */
export function workerScriptPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'captcha-worker.js'),
    join(here, '..', 'captcha-worker.js'),
    resolve(here, '../../out/main/captcha-worker.js'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new TminusError('CAPTCHA_MODEL_INVALID', 'the captcha worker is not built: run `npm run build`');
}

export function findModels(dirs: string[]): Array<{ name: string; path: string; card: ModelCard }> {
  const found = new Map<string, { name: string; path: string; card: ModelCard }>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)
      .filter((name) => name.endsWith('.onnx'))
      .sort()) {
      const path = join(dir, file);
      const card = loadModelCard(path);
      found.set(card.name, { name: card.name, path, card }); // later dirs (the operator's) override shipped ones
    }
  }
  return [...found.values()];
}

export class CaptchaService {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: CaptchaReading) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private status: CaptchaStatus = { provider: null, providerNote: null, models: [], loadMs: {}, restarts: 0 };
  private closed = false;
  private cards = new Map<string, ModelCard>();

  constructor(private readonly options: CaptchaServiceOptions) {}

  /** Starts the worker (once); resolves when every model is loaded and warmed up. */
  start(): Promise<void> {
    this.ready ??= this.spawn();
    return this.ready;
  }

  private spawn(): Promise<void> {
    const models = findModels(this.options.modelDirs);
    if (models.length === 0)
      return Promise.reject(
        new TminusError('CAPTCHA_MODEL_INVALID', `no captcha model in ${this.options.modelDirs.join(', ')}`),
      );
    const worker = new Worker(workerScriptPath());
    this.worker = worker;
    this.cards = new Map(models.map((model) => [model.name, model.card]));
    this.status.models = models.map((model) => ({
      name: model.name,
      path: model.path,
      accuracy: model.card.accuracy?.sequence ?? null,
    }));
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          this.status = {
            ...this.status,
            provider: message.provider,
            providerNote: message.providerNote,
            loadMs: message.loadMs,
          };
          resolve();
        } else if (message.type === 'init-error') {
          reject(new TminusError('CAPTCHA_MODEL_INVALID', message.message));
          void worker.terminate();
        } else {
          const waiting = this.pending.get(message.id);
          if (!waiting) return;
          this.pending.delete(message.id);
          clearTimeout(waiting.timer);
          if (message.type === 'result')
            waiting.resolve({
              text: message.text,
              confidence: message.confidence,
              charConfidences: message.charConfidences,
              batch: message.batch,
            });
          else waiting.reject(new TminusError('CAPTCHA_UNREADABLE', message.message));
        }
      });
      worker.on('error', (error) => reject(error));
      worker.on('exit', () => this.onExit(worker));
      const init: ToWorker = {
        type: 'init',
        models,
        providers: this.options.providers ?? ['cuda', 'cpu'],
        batchMax: this.options.batchMax ?? 32,
        batchWindowMs: this.options.batchWindowMs ?? 2,
      };
      worker.postMessage(init);
    });
  }

  private onExit(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(
        new TminusError('CAPTCHA_WORKER_DIED', 'the captcha worker stopped; the request was not answered'),
      );
      this.pending.delete(id);
    }
    if (this.closed) return;
    this.status.restarts += 1;
    this.ready = this.spawn(); // a dead worker is replaced at once
    this.ready.catch(() => undefined);
  }

  /** Reads one captcha; `charset`, the characters the target's captchas use, limits what the model may read. */
  async read(model: string, image: Uint8Array, charset?: string): Promise<CaptchaReading> {
    await this.start();
    const worker = this.worker;
    if (!worker) throw new TminusError('CAPTCHA_WORKER_DIED', 'the captcha worker is not running');
    if (charset !== undefined) this.checkCharset(model, charset);
    const id = this.nextId++;
    return new Promise<CaptchaReading>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new TminusError(
            'CAPTCHA_UNREADABLE',
            `no answer from the captcha worker within ${this.options.timeoutMs ?? 5_000} ms`,
          ),
        );
      }, this.options.timeoutMs ?? 5_000);
      this.pending.set(id, { resolve, reject, timer });
      const message: ToWorker = { type: 'solve', id, model, bytes: image, charset };
      worker.postMessage(message);
    });
  }

  /** Throws (naming `captcha.charset`) when the loaded model cannot read every character of `charset`. */
  checkCharset(model: string, charset: string): void {
    const card = this.cards.get(model);
    if (card) allowedClasses(card.charset, card.caseInsensitive, charset, model);
  }

  report(): CaptchaStatus {
    return this.status;
  }

  /** Loads the models again (a new one was trained): the running worker is replaced by one that finds them all. */
  async reload(): Promise<void> {
    if (!this.worker) {
      this.ready = null; // the next start finds the models afresh
      return;
    }
    await this.worker.terminate(); // onExit spawns the replacement
    await this.ready?.catch(() => undefined);
  }

  /** Ends the worker as a crash would (tests of the restart path). */
  async terminateWorker(): Promise<void> {
    await this.worker?.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
    this.worker = null;
  }
}
