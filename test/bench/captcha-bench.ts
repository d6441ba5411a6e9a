// `tminus bench captcha`: the general model's accuracy per style on fresh captchas — the simulator's and the styles
// kept out of its training — beside the simulator-only model on the same images; end-to-end latency (PNG bytes →
// text) and throughput through the worker with micro-batching; load time; and the fire path's timer jitter while
// captchas are solved. Baselines in the same run: the simulator-only model (accuracy), and the same model on the main
// thread, preprocessing there too, no batching (latency, throughput, jitter).
import ort from 'onnxruntime-node';
import { join } from 'node:path';
import {
  CaptchaService,
  decodeImage,
  greedyDecode,
  greyResize,
  normalise,
  loadModelCard,
} from '../../electron/captcha';
import { sameAnswer } from '../../electron/sim/captcha-style';
import {
  CORPUS_STYLES,
  declaredCharsetOf,
  isKeptOut,
  drawCaptcha,
  loadCorpusFonts,
  pngOf,
  type CorpusStyleName,
} from '../../electron/captcha/corpus/write-corpus';
import { seededRandom } from '../../electron/captcha/corpus/random';
import { existsSync } from 'node:fs';
import { resourcesDir } from '../../electron/platform/resources-dir';
import { reportOnnxRuntime } from '../../electron/platform/onnx-providers';
import { createProgress } from '../../electron/cli/progress';
import { emitResult, markdownTable, round, type BenchOptions } from './bench-output';

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

async function withConcurrency<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

/** Lateness of 5 ms timers on this thread while `load` runs: what the engine's fire path would feel. */
async function timerJitter(samples: number, load: () => Promise<unknown>): Promise<number[]> {
  const lateness: number[] = [];
  const running = load();
  for (let n = 0; n < samples; n += 1) {
    const due = performance.now() + 5;
    await new Promise((resolve) => setTimeout(resolve, 5));
    lateness.push(performance.now() - due);
  }
  await running;
  return lateness;
}

class MainThreadReader {
  constructor(
    private readonly session: ort.InferenceSession,
    private readonly card: ReturnType<typeof loadModelCard>,
  ) {}

  async read(png: Uint8Array): Promise<string> {
    const pixels = decodeImage(png);
    const { height, width } = this.card.input;
    const bytes = greyResize(pixels.rgba, pixels.width, pixels.height, width, height);
    const input = new Float32Array(bytes.length);
    normalise(bytes, input);
    const output = await this.session.run({ image: new ort.Tensor('float32', input, [1, 1, height, width]) });
    return greedyDecode(
      output.probabilities!.data as Float32Array,
      0,
      this.card.output.steps,
      this.card.output.classes,
      this.card.charset,
    ).text;
  }
}

export async function runCaptchaBench(options: BenchOptions): Promise<void> {
  const latencyCount = options.quick ? 100 : 500;
  const throughputCount = options.quick ? 500 : 2_000;
  const progress = createProgress(6);
  const modelsDir = join(resourcesDir(), 'models');
  // The model under test: the general one where it is shipped; its accuracy baseline, the simulator-only model.
  const model = existsSync(join(modelsDir, 'captcha-general.onnx')) ? 'captcha-general' : 'captcha-sim';
  const baselineModel = 'captcha-sim';
  const modelPath = join(modelsDir, `${model}.onnx`);
  const card = loadModelCard(modelPath);
  const perStyleCount = options.quick ? 200 : 1_000;
  const service = new CaptchaService({ modelDirs: [modelsDir], providers: ['cpu'] });
  try {
    progress.step('load the model in the worker (with its warm-up run)');
    const loadStarted = performance.now();
    await service.start();
    const loadMs = performance.now() - loadStarted;

    const styles = Object.keys(CORPUS_STYLES) as CorpusStyleName[];
    progress.step(
      `accuracy per style: ${perStyleCount} fresh captchas of each of ${styles.length} styles, both models`,
    );
    const fonts = loadCorpusFonts();
    const perStyle: Record<
      string,
      {
        samples: number;
        sequence: number;
        baseline: number;
        keptOut: boolean;
        /** Ours with the style's charset declared, as its target's profile would (`captcha.charset`). */
        declared?: { charset: string; sequence: number };
      }
    > = {};
    let fresh: Array<{ text: string; png: Buffer }> = [];
    for (const [index, style] of styles.entries()) {
      const random = seededRandom(424_242 + index); // never a training seed
      const drawn: Array<{ text: string; png: Buffer }> = [];
      for (let n = 0; n < perStyleCount; n += 1) {
        const { answer, pixels } = await drawCaptcha(style, random, fonts);
        drawn.push({ text: answer, png: pngOf(pixels) });
      }
      if (style === 'simulator') fresh = drawn;
      const score = async (name: string, charset?: string): Promise<number> => {
        const readings = await withConcurrency(drawn.length, 64, (n) => service.read(name, drawn[n]!.png, charset));
        return readings.filter((reading, n) => sameAnswer(reading.text, drawn[n]!.text)).length / drawn.length;
      };
      perStyle[style] = {
        samples: drawn.length,
        sequence: round(await score(model), 4),
        baseline: round(await score(baselineModel), 4),
        keptOut: isKeptOut(style),
      };
      const charset = declaredCharsetOf(style);
      if (charset) perStyle[style]!.declared = { charset, sequence: round(await score(model, charset), 4) };
    }
    const correct = Math.round(perStyle.simulator!.sequence * fresh.length);

    progress.step(`latency at batch 1 (${latencyCount} one at a time)`);
    const latencies: number[] = [];
    for (let n = 0; n < latencyCount; n += 1) {
      const png = fresh[n % fresh.length]!.png;
      const started = performance.now();
      await service.read(model, png);
      latencies.push(performance.now() - started);
    }

    progress.step('throughput with 32 and 128 concurrent requests');
    const throughput = async (concurrency: number): Promise<number> => {
      const started = performance.now();
      await withConcurrency(throughputCount, concurrency, (index) =>
        service.read(model, fresh[index % fresh.length]!.png),
      );
      return (throughputCount / (performance.now() - started)) * 1000;
    };
    const throughput32 = await throughput(32);
    const throughput128 = await throughput(128);

    progress.step('baseline: main thread, no batching');
    const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    const baseline = new MainThreadReader(session, card);
    await baseline.read(fresh[0]!.png);
    const baseLatencies: number[] = [];
    for (let n = 0; n < latencyCount; n += 1) {
      const started = performance.now();
      await baseline.read(fresh[n % fresh.length]!.png);
      baseLatencies.push(performance.now() - started);
    }
    const baseStarted = performance.now();
    await withConcurrency(throughputCount, 32, (index) => baseline.read(fresh[index % fresh.length]!.png));
    const baseThroughput = (throughputCount / (performance.now() - baseStarted)) * 1000;

    progress.step('timer jitter during a fire window: idle, 500 captchas in the worker, 500 on the main thread');
    const idle = await timerJitter(200, async () => undefined);
    const withWorker = await timerJitter(200, () =>
      withConcurrency(500, 32, (index) => service.read(model, fresh[index % fresh.length]!.png)),
    );
    const withMain = await timerJitter(200, () =>
      withConcurrency(500, 32, (index) => baseline.read(fresh[index % fresh.length]!.png)),
    );
    progress.done();

    const cudaAvailable = reportOnnxRuntime().providers.find((provider) => provider.name === 'cuda');
    const cuda = cudaAvailable?.available
      ? 'CUDA provider installed but not measured by this run (run with TMINUS_CAPTCHA_PROVIDER=cuda)'
      : null;
    const result = {
      model,
      baselineModel,
      accuracy: { sequence: round(correct / fresh.length, 4), samples: fresh.length },
      perStyle,
      loadMs: round(loadMs, 1),
      cpu: {
        p50Ms: round(quantile(latencies, 0.5), 3),
        p99Ms: round(quantile(latencies, 0.99), 3),
        throughput32: round(throughput32, 0),
        throughput128: round(throughput128, 0),
      },
      jitter: {
        idleP99Ms: round(quantile(idle, 0.99), 3),
        p99Ms: round(quantile(withWorker, 0.99), 3),
        baselineP99Ms: round(quantile(withMain, 0.99), 3),
      },
      baseline: {
        p50Ms: round(quantile(baseLatencies, 0.5), 3),
        p99Ms: round(quantile(baseLatencies, 0.99), 3),
        throughput32: round(baseThroughput, 0),
      },
      cuda,
      cudaReason: cuda === null ? (cudaAvailable?.note ?? 'no CUDA provider') + '; no GPU was lent to this task' : null,
    };
    const table = markdownTable(
      [
        'captcha (CPU)',
        `${model}: worker + batching (ours)`,
        'baseline: captcha-sim (accuracy); main thread, no batching',
      ],
      [
        ...Object.entries(perStyle).flatMap(([style, measured]) => [
          [
            `sequence accuracy, ${style}${measured.keptOut ? ' (kept out of training)' : ''}`,
            `${round(measured.sequence * 100, 1)}% (${model})`,
            `${round(measured.baseline * 100, 1)}% (${baselineModel})`,
          ],
          ...(measured.declared
            ? [
                [
                  `sequence accuracy, ${style}, captcha.charset ${measured.declared.charset} declared`,
                  `${round(measured.declared.sequence * 100, 1)}% (${model})`,
                  '—',
                ],
              ]
            : []),
        ]),
        [
          'latency p50 / p99 ms (PNG → text, batch 1)',
          `${result.cpu.p50Ms} / ${result.cpu.p99Ms}`,
          `${result.baseline.p50Ms} / ${result.baseline.p99Ms}`,
        ],
        ['throughput, 32 concurrent (captchas/s)', result.cpu.throughput32, result.baseline.throughput32],
        ['throughput, 128 concurrent (captchas/s)', result.cpu.throughput128, '—'],
        [
          'timer jitter p99 ms while 500 are solved (idle: ' + result.jitter.idleP99Ms + ')',
          result.jitter.p99Ms,
          result.jitter.baselineP99Ms,
        ],
        ['model load + warm-up ms', result.loadMs, '—'],
      ],
    );
    emitResult(options, `${table}\n\nCUDA: ${cuda ?? `null (${result.cudaReason})`}`, result);
    await session.release();
  } finally {
    await service.close();
  }
}
