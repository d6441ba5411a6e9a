// The captcha worker thread: owns the onnxruntime sessions, decodes and preprocesses images, batches concurrent
// requests (flush at `batchMax` or after `batchWindowMs`), and decodes CTC. Inference never runs on the main thread,
// so it never delays the engine's timers.
import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { decodeImage } from './image-decode';
import { greyResize, normalise } from './image-preprocess';
import { allowedClasses, greedyDecode } from './ctc-decode';
import type { ModelCard } from './model-card';
import type { FromWorker, InitMessage, Provider, ToWorker } from './worker-protocol';

interface LoadedModel {
  card: ModelCard;
  session: ort.InferenceSession;
  queue: Array<{ id: number; input: Uint8Array; allowed: Uint8Array | null }>;
  /** The class mask of each declared charset seen (one per target, usually). */
  masks: Map<string, Uint8Array>;
  timer: NodeJS.Timeout | null;
  running: boolean;
}

const port = parentPort!;
const models = new Map<string, LoadedModel>();
let batchMax = 32;
let batchWindowMs = 2;

const send = (message: FromWorker): void => port.postMessage(message);

async function createSession(
  path: string,
  providers: Provider[],
): Promise<{ session: ort.InferenceSession; provider: Provider; note: string | null }> {
  let note: string | null = null;
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(path, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: 1,
      });
      return { session, provider, note };
    } catch (error) {
      note = `${provider} unavailable: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  throw new Error(note ?? 'no execution provider');
}

async function init(message: InitMessage): Promise<void> {
  batchMax = message.batchMax;
  batchWindowMs = message.batchWindowMs;
  const loadMs: Record<string, number> = {};
  let provider: Provider = 'cpu';
  let providerNote: string | null = null;
  for (const model of message.models) {
    const started = performance.now();
    const created = await createSession(model.path, message.providers);
    provider = created.provider;
    providerNote = created.note;
    const { height, width } = model.card.input;
    // Warm-up, and the check that the card tells the truth about the model.
    const output = await created.session.run({
      [model.card.input.name]: new ort.Tensor('float32', new Float32Array(height * width), [1, 1, height, width]),
    });
    const probabilities = output[model.card.output.name];
    const dims = probabilities?.dims ?? [];
    if (dims.length !== 3 || dims[1] !== model.card.output.steps || dims[2] !== model.card.output.classes) {
      throw new Error(
        `${model.path}: the card says output ${model.card.output.name} is [batch, ${model.card.output.steps}, ${model.card.output.classes}] but the model gives [${dims.join(', ')}]`,
      );
    }
    loadMs[model.name] = performance.now() - started;
    models.set(model.name, {
      card: model.card,
      session: created.session,
      queue: [],
      masks: new Map(),
      timer: null,
      running: false,
    });
  }
  send({ type: 'ready', provider, providerNote, loadMs });
}

async function flush(model: LoadedModel): Promise<void> {
  if (model.timer) clearTimeout(model.timer);
  model.timer = null;
  if (model.running) return; // the run in progress picks the queue up when it ends
  const batch = model.queue.splice(0, batchMax);
  if (batch.length === 0) return;
  model.running = true;
  const { height, width, name } = model.card.input;
  const input = new Float32Array(batch.length * height * width);
  batch.forEach((item, index) => normalise(item.input, input, index * height * width));
  try {
    const output = await model.session.run({
      [name]: new ort.Tensor('float32', input, [batch.length, 1, height, width]),
    });
    const probabilities = output[model.card.output.name]!.data as Float32Array;
    const { steps, classes } = model.card.output;
    batch.forEach((item, index) => {
      const decoded = greedyDecode(
        probabilities,
        index * steps * classes,
        steps,
        classes,
        model.card.charset,
        item.allowed,
      );
      send({
        type: 'result',
        id: item.id,
        text: decoded.text,
        confidence: decoded.confidence,
        charConfidences: decoded.charConfidences,
        batch: batch.length,
      });
    });
  } catch (error) {
    for (const item of batch)
      send({ type: 'error', id: item.id, message: `inference failed: ${(error as Error).message}` });
  }
  model.running = false;
  if (model.queue.length > 0) void flush(model);
}

function maskFor(model: LoadedModel, modelName: string, charset: string | undefined): Uint8Array | null {
  if (charset === undefined) return null;
  let mask = model.masks.get(charset);
  if (!mask) {
    mask = allowedClasses(model.card.charset, model.card.caseInsensitive, charset, modelName);
    model.masks.set(charset, mask);
  }
  return mask;
}

function solve(id: number, modelName: string, bytes: Uint8Array, charset: string | undefined): void {
  const model = models.get(modelName);
  if (!model) {
    send({ type: 'error', id, message: `no captcha model '${modelName}' (loaded: ${[...models.keys()].join(', ')})` });
    return;
  }
  let input: Uint8Array;
  let allowed: Uint8Array | null;
  try {
    allowed = maskFor(model, modelName, charset);
  } catch (error) {
    send({ type: 'error', id, message: (error as Error).message });
    return;
  }
  try {
    const pixels = decodeImage(bytes);
    input = greyResize(pixels.rgba, pixels.width, pixels.height, model.card.input.width, model.card.input.height);
  } catch (error) {
    send({ type: 'error', id, message: `bad image: ${(error as Error).message}` });
    return;
  }
  model.queue.push({ id, input, allowed });
  // Adaptive micro-batching: an idle session runs at once (no added latency for a lone captcha); while it is busy,
  // requests gather and go together, flushed at batchMax or after batchWindowMs, whichever comes first.
  if (!model.running || model.queue.length >= batchMax) void flush(model);
  else model.timer ??= setTimeout(() => void flush(model), batchWindowMs);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'init')
    init(message).catch((error: Error) => send({ type: 'init-error', message: error.message }));
  else if (message.type === 'solve') solve(message.id, message.model, message.bytes, message.charset);
});
