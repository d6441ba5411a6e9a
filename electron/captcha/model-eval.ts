// Measures a model on a folder of labelled captchas: sequence accuracy, character error rate, the characters it
// misses most (and what it read instead), and end-to-end latency at batch 1 (bytes → decode → preprocess →
// inference → CTC), as the fire path meets a lone captcha. Runs in this thread with onnxruntime-node.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import ort from 'onnxruntime-node';
import { TminusError } from '../errors';
import { allowedClasses, greedyDecode } from './ctc-decode';
import { decodeImage } from './image-decode';
import { greyResize, normalise } from './image-preprocess';
import { loadModelCard, type ModelCard } from './model-card';
import type { LabelledSample } from './fine-tune';

export interface Confusion {
  expected: string;
  /** What was read instead: a character, or '' where it was dropped. */
  got: Record<string, number>;
  misses: number;
}

export interface EvalResult {
  model: string;
  samples: number;
  sequenceAccuracy: number;
  characterErrorRate: number;
  caseSensitive: boolean;
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
  provider: string;
  mostMissed: Confusion[];
  /** A few misreadings, for eyes: file, expected, read. */
  examples: Array<{ file: string; expected: string; read: string }>;
}

/** Levenshtein alignment: the edit count and, per expected character, what stood in its place. */
export function align(expected: string, read: string): { edits: number; pairs: Array<[string, string]> } {
  const rows = expected.length + 1;
  const columns = read.length + 1;
  const cost = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: columns }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i += 1)
    for (let j = 1; j < columns; j += 1)
      cost[i]![j] = Math.min(
        cost[i - 1]![j]! + 1,
        cost[i]![j - 1]! + 1,
        cost[i - 1]![j - 1]! + (expected[i - 1] === read[j - 1] ? 0 : 1),
      );
  const pairs: Array<[string, string]> = [];
  let i = expected.length;
  let j = read.length;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[i]![j] === cost[i - 1]![j - 1]! + (expected[i - 1] === read[j - 1] ? 0 : 1)) {
      pairs.push([expected[i - 1]!, read[j - 1]!]);
      i -= 1;
      j -= 1;
    } else if (i > 0 && cost[i]![j] === cost[i - 1]![j]! + 1) {
      pairs.push([expected[i - 1]!, '']);
      i -= 1;
    } else j -= 1; // an extra character read: counted in the edits, no expected character to blame
  }
  return { edits: cost[expected.length]![read.length]!, pairs };
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function evaluateModel(
  modelPath: string,
  samples: LabelledSample[],
  options: {
    providers?: Array<'cuda' | 'cpu'>;
    /** The characters the captchas use, as a profile's `captcha.charset` declares them: the model reads only these. */
    charset?: string;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<EvalResult> {
  if (samples.length === 0) throw new TminusError('CAPTCHA_MODEL_INVALID', '--samples: no labelled images found');
  const card: ModelCard = loadModelCard(modelPath);
  const allowed =
    options.charset === undefined
      ? null
      : allowedClasses(card.charset, card.caseInsensitive, options.charset, basename(modelPath, '.onnx'), '--charset');
  let session: ort.InferenceSession | null = null;
  let provider = 'cpu';
  for (const candidate of options.providers ?? ['cpu']) {
    try {
      session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [candidate],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: 1,
      });
      provider = candidate;
      break;
    } catch {
      // the next provider (CUDA may not be installed)
    }
  }
  if (!session) throw new TminusError('CAPTCHA_MODEL_INVALID', `${modelPath}: no execution provider could load it`);
  const { height, width } = card.input;
  const input = new Float32Array(height * width);
  const normaliseCase = (text: string): string => (card.caseInsensitive ? text.toUpperCase() : text);
  const read = async (bytes: Uint8Array): Promise<string> => {
    const pixels = decodeImage(bytes);
    normalise(greyResize(pixels.rgba, pixels.width, pixels.height, width, height), input);
    const output = await session.run({ [card.input.name]: new ort.Tensor('float32', input, [1, 1, height, width]) });
    const probabilities = output[card.output.name]!.data as Float32Array;
    return greedyDecode(probabilities, 0, card.output.steps, card.output.classes, card.charset, allowed).text;
  };
  const files = samples.map((sample) => {
    try {
      return readFileSync(sample.file);
    } catch (error) {
      throw new TminusError('CAPTCHA_MODEL_INVALID', `${sample.file}: ${(error as Error).message}`);
    }
  });
  await read(files[0]!).catch(() => ''); // warm-up: the first run allocates
  const latencies: number[] = [];
  const confusions = new Map<string, Confusion>();
  const examples: EvalResult['examples'] = [];
  let correct = 0;
  let edits = 0;
  let characters = 0;
  const started = performance.now();
  for (const [index, sample] of samples.entries()) {
    const before = performance.now();
    let text: string;
    try {
      text = normaliseCase(await read(files[index]!));
    } catch (error) {
      throw new TminusError('CAPTCHA_MODEL_INVALID', `${sample.file}: ${(error as Error).message}`);
    }
    latencies.push(performance.now() - before);
    const expected = normaliseCase(sample.label);
    const alignment = align(expected, text);
    edits += alignment.edits;
    characters += expected.length;
    if (alignment.edits === 0) correct += 1;
    else if (examples.length < 10) examples.push({ file: sample.file, expected, read: text });
    for (const [want, got] of alignment.pairs) {
      if (want === got) continue;
      const entry = confusions.get(want) ?? { expected: want, got: {}, misses: 0 };
      entry.misses += 1;
      entry.got[got] = (entry.got[got] ?? 0) + 1;
      confusions.set(want, entry);
    }
    if (index % 100 === 0 || index === samples.length - 1) options.onProgress?.(index + 1, samples.length);
  }
  const wallMs = performance.now() - started;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    model: card.name,
    samples: samples.length,
    sequenceAccuracy: correct / samples.length,
    characterErrorRate: characters === 0 ? 0 : edits / characters,
    caseSensitive: !card.caseInsensitive,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    perSecond: samples.length / (wallMs / 1000),
    provider,
    mostMissed: [...confusions.values()].sort((a, b) => b.misses - a.misses).slice(0, 8),
    examples,
  };
}
