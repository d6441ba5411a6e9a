// One fine-tuning run, for the CLI (`tminus captcha train`) and the console's learning loop alike: the new samples
// split at random (stratified), replayed samples of the base model's own corpus mixed in so it keeps what it knew,
// train.py started from the base model's checkpoint with a time limit, and the result measured — on the new style's
// held-out share and on each base style — beside the base model on the same images.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { TminusError } from '../errors';
import { resourcesDir } from '../platform/resources-dir';
import { GENERAL_CHARSET } from './corpus/answers';
import { HELD_OUT_STYLES, TRAINING_MIX, writeCorpus, type CorpusStyleName } from './corpus/write-corpus';
import { runTrainer, writeTrainingSplit, type LabelledSample } from './fine-tune';
import { evaluateModel, type EvalResult } from './model-eval';
import { loadModelCard, type ModelCard } from './model-card';

export interface FineTuneRequest {
  samples: LabelledSample[];
  /** The .onnx to start from (its checkpoint lies beside it, or in native/captcha for shipped models). */
  baseModelPath: string;
  name: string;
  outDir: string;
  minutes: number;
  epochs: number;
  /** For the card: where the samples came from. */
  source: string;
  /**
   * Peak learning rate (default 2e-4, a tenth of the general model's training rate: at 1e-3 a converged model
   * forgot its base styles by 4–9 points while learning nothing of the new one in `bench captcha-tune`).
   */
  learningRate?: number;
  /** Replayed base samples per new sample each epoch (0 turns replay off). */
  replayShare?: number;
  onLine?: (line: string) => void;
  onStage?: (stage: string) => void;
}

export interface FineTuneResult {
  modelPath: string;
  card: ModelCard;
  split: { train: number; test: number };
  /** Both models on the new style's held-out share. */
  heldOut: { base: EvalResult; tuned: EvalResult };
}

export const nativeCaptchaDir = (): string => resolve(resourcesDir(), '..', 'native', 'captcha');

export function checkpointFor(modelPath: string): string | null {
  const name = basename(modelPath, '.onnx');
  const candidates = [
    join(dirname(modelPath), `${name}.checkpoint.pt`),
    join(nativeCaptchaDir(), `${name}.checkpoint.pt`),
  ];
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

/** What the base model was trained on, so replay and the base-style measures use the same styles. */
function baseStyles(card: ModelCard): { mix: Partial<Record<CorpusStyleName, number>>; measured: CorpusStyleName[] } {
  if (card.charset === GENERAL_CHARSET) {
    const trained = Object.keys(TRAINING_MIX) as CorpusStyleName[];
    return { mix: TRAINING_MIX, measured: [...trained, ...HELD_OUT_STYLES] };
  }
  return { mix: { simulator: 1 }, measured: ['simulator'] };
}

const REPLAY_POOL = 6_000;
const BASE_TEST = 300;

export async function fineTune(request: FineTuneRequest): Promise<FineTuneResult> {
  const trainer = join(nativeCaptchaDir(), 'train.py');
  const checkpoint = checkpointFor(request.baseModelPath);
  if (!existsSync(trainer) || !checkpoint)
    throw new TminusError(
      'CAPTCHA_MODEL_INVALID',
      `training needs the Tminus sources (native/captcha/train.py) and the base model's checkpoint (${basename(request.baseModelPath, '.onnx')}.checkpoint.pt)`,
    );
  const card = loadModelCard(request.baseModelPath);
  const work = mkdtempSync(join(tmpdir(), 'tminus-train-'));
  try {
    request.onStage?.('splitting the samples');
    const { height, width } = card.input;
    const split = writeTrainingSplit(request.samples, work, {
      charset: card.charset,
      caseInsensitive: card.caseInsensitive,
      height,
      width,
    });
    const styles = baseStyles(card);
    const replayShare = request.replayShare ?? 1;
    const args = [
      trainer,
      '--train',
      join(work, 'train'),
      '--test',
      `new style=${join(work, 'test')}`,
      '--out',
      request.outDir,
      '--name',
      request.name,
      '--resume',
      checkpoint,
      '--minutes',
      String(request.minutes),
      '--epochs',
      String(request.epochs),
      '--schedule',
      'time',
      '--lr',
      String(request.learningRate ?? 2e-4),
      '--charset',
      card.charset,
      '--data',
      `${request.samples.length} labelled samples from ${request.source}, with ${replayShare} replayed base sample(s) per sample`,
    ];
    if (replayShare > 0) {
      request.onStage?.("drawing the base model's corpus to replay");
      const replayCount = Math.min(REPLAY_POOL, Math.max(1_000, Math.ceil(split.train * replayShare * 2)));
      await writeCorpus(join(work, 'replay'), { count: replayCount, mix: styles.mix, seed: 9_001, height, width });
      args.push('--replay', join(work, 'replay'), '--replay-share', String(replayShare));
    }
    request.onStage?.('drawing the base styles to measure');
    for (const [index, style] of styles.measured.entries()) {
      const dir = join(work, `base-${style}`);
      await writeCorpus(dir, { count: BASE_TEST, mix: { [style]: 1 }, seed: 9_100 + index, height, width });
      args.push('--test', `${style}=${dir}`);
    }
    request.onStage?.('training');
    await runTrainer(args, (line) => request.onLine?.(line));
    const modelPath = join(request.outDir, `${request.name}.onnx`);
    request.onStage?.('comparing with the base model');
    const labels = new Map(request.samples.map((sample) => [sample.file, sample.label]));
    const heldOutSamples = readFileSync(join(work, 'test', 'files.txt'), 'utf8')
      .split('\n')
      .filter((file) => labels.has(file))
      .map((file) => ({ file, label: labels.get(file)! }));
    const heldOut = {
      base: await evaluateModel(request.baseModelPath, heldOutSamples),
      tuned: await evaluateModel(modelPath, heldOutSamples),
    };
    return { modelPath, card: loadModelCard(modelPath), split, heldOut };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
