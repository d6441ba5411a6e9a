// `tminus bench captcha-tune [--style NAME]`: fine-tuning on a style never trained on (by default one target's
// configuration in a kept-out font, `site.canvas`). 1,000 labelled captchas of that style (300 with --quick) → `captcha train`'s fine-tune (replaying the base corpus) under a time limit → both models
// on fresh captchas of the new style and of every base style. Baseline in the same run: the base model untouched,
// on the same images. Goal: ≥ 90% on the new style within 15 minutes, base styles down by at most 2 points.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourcesDir } from '../../electron/platform/resources-dir';
import {
  CORPUS_STYLES,
  drawCaptcha,
  isCorpusStyle,
  isKeptOut,
  loadCorpusFonts,
  pngOf,
  TRAINING_MIX,
  type CorpusStyleName,
} from '../../electron/captcha/corpus/write-corpus';
import { seededRandom } from '../../electron/captcha/corpus/random';
import { fineTune } from '../../electron/captcha/fine-tune-run';
import { evaluateModel } from '../../electron/captcha/model-eval';
import type { LabelledSample } from '../../electron/captcha/fine-tune';
import { createProgress } from '../../electron/cli/progress';
import { emitResult, markdownTable, round, type BenchOptions } from './bench-output';

/** By default a target's style (one configuration, a kept-out font): what an operator's answers would teach. */
const DEFAULT_NEW_STYLE: CorpusStyleName = 'site.canvas';

function newStyleOf(name: string | undefined): CorpusStyleName {
  if (name === undefined) return DEFAULT_NEW_STYLE;
  if (!isCorpusStyle(name) || !isKeptOut(name))
    throw new Error(
      `--style: '${name}' is not a corpus style kept out of training (${(
        Object.keys(CORPUS_STYLES) as CorpusStyleName[]
      )
        .filter(isKeptOut)
        .join(', ')})`,
    );
  return name;
}

async function drawSamples(
  dir: string,
  style: CorpusStyleName,
  count: number,
  seed: number,
): Promise<LabelledSample[]> {
  const fonts = loadCorpusFonts();
  const random = seededRandom(seed);
  const samples: LabelledSample[] = [];
  for (let index = 0; index < count; index += 1) {
    const { answer, pixels } = await drawCaptcha(style, random, fonts);
    const file = join(dir, `${answer}_${index}.png`);
    writeFileSync(file, pngOf(pixels));
    samples.push({ file, label: answer });
  }
  return samples;
}

export async function runCaptchaTuneBench(options: BenchOptions): Promise<void> {
  const newStyle = newStyleOf(options.style);
  const trainCount = options.quick ? 300 : 1_000;
  const freshCount = options.quick ? 200 : 500;
  const minutes = options.quick ? 2 : 12;
  const base = 'captcha-general';
  const basePath = join(resourcesDir(), 'models', `${base}.onnx`);
  const work = mkdtempSync(join(tmpdir(), 'tminus-tune-bench-'));
  const baseStyles = Object.keys(TRAINING_MIX) as CorpusStyleName[];
  const progress = createProgress(4);
  try {
    progress.step(`draw ${trainCount} labelled captchas of ${newStyle}, and fresh ones of it and of each base style`);
    const dirs = ['train', 'fresh', ...baseStyles].map((name) => join(work, name));
    for (const dir of dirs) mkdirSync(dir, { recursive: true });
    const train = await drawSamples(dirs[0]!, newStyle, trainCount, 70_001);
    const fresh = await drawSamples(dirs[1]!, newStyle, freshCount, 70_002);
    const baseFresh: Record<string, LabelledSample[]> = {};
    for (const [index, style] of baseStyles.entries())
      baseFresh[style] = await drawSamples(dirs[2 + index]!, style, options.quick ? 100 : 300, 70_010 + index);

    progress.step(`fine-tune ${base} for up to ${minutes} min`);
    const started = performance.now();
    const tuned = await fineTune({
      samples: train,
      baseModelPath: basePath,
      name: 'bench-tuned',
      outDir: join(work, 'models'),
      minutes,
      epochs: 40,
      source: `${trainCount} captchas of ${newStyle}`,
      onLine: (line) => {
        if (/^epoch \d+:/.test(line))
          progress.update(Math.min(0.99, (performance.now() - started) / (minutes * 60_000)), line);
      },
    });
    const seconds = (performance.now() - started) / 1000;

    progress.step('both models on fresh captchas of the new style');
    const newBase = await evaluateModel(basePath, fresh);
    const newTuned = await evaluateModel(tuned.modelPath, fresh);

    progress.step('both models on fresh captchas of each base style');
    const perBaseStyle: Record<string, { base: number; tuned: number; dropPoints: number }> = {};
    for (const style of baseStyles) {
      const before = (await evaluateModel(basePath, baseFresh[style]!)).sequenceAccuracy;
      const after = (await evaluateModel(tuned.modelPath, baseFresh[style]!)).sequenceAccuracy;
      perBaseStyle[style] = {
        base: round(before, 4),
        tuned: round(after, 4),
        dropPoints: round((before - after) * 100, 1),
      };
    }
    progress.done();
    const maxDropPoints = Math.max(...Object.values(perBaseStyle).map((style) => style.dropPoints));
    const result = {
      base,
      newStyle,
      trainSamples: trainCount,
      freshSamples: freshCount,
      minutesLimit: minutes,
      seconds: round(seconds, 0),
      newStyleAccuracy: { base: round(newBase.sequenceAccuracy, 4), tuned: round(newTuned.sequenceAccuracy, 4) },
      perBaseStyle,
      maxDropPoints,
      goal: {
        newStyleAtLeast90: newTuned.sequenceAccuracy >= 0.9,
        within15Minutes: seconds <= 15 * 60,
        baseDropAtMost2Points: maxDropPoints <= 2,
      },
    };
    const table = markdownTable(
      [
        'fine-tuning (CPU)',
        `fine-tuned (${trainCount} samples, ${round(seconds, 0)} s)`,
        `${base} untouched (baseline)`,
      ],
      [
        [
          `${newStyle}, ${freshCount} fresh`,
          `${round(newTuned.sequenceAccuracy * 100, 1)}%`,
          `${round(newBase.sequenceAccuracy * 100, 1)}%`,
        ],
        ...Object.entries(perBaseStyle).map(([style, measured]) => [
          `base style ${style}`,
          `${round(measured.tuned * 100, 1)}%`,
          `${round(measured.base * 100, 1)}%`,
        ]),
      ],
    );
    emitResult(options, table, result);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
