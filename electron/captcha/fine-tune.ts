// Fine-tuning on a new captcha family from labelled samples: a folder of images named by their answer
// (`AB3K.png`, `AB3K_17.png`) or listed in `labels.csv` (file,label). The images are preprocessed exactly as
// inference will see them and handed to native/captcha/train.py, starting from the shipped model's weights.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { spawn } from 'node:child_process';
import { TminusError } from '../errors';
import { decodeImage } from './image-decode';
import { greyResize } from './image-preprocess';
import { seededRandom } from './corpus/random';

export interface LabelledSample {
  file: string;
  label: string;
}

export function listSamples(dir: string): LabelledSample[] {
  if (!existsSync(dir)) throw new TminusError('CAPTCHA_MODEL_INVALID', `--samples: no folder ${dir}`);
  const csv = join(dir, 'labels.csv');
  if (existsSync(csv)) {
    return readFileSync(csv, 'utf8')
      .split(/\r?\n/)
      .filter((line, index) => line.trim() !== '' && !(index === 0 && /^file\s*,/i.test(line)))
      .map((line, index) => {
        const [file, label] = line.split(',').map((cell) => cell.trim());
        if (!file || !label)
          throw new TminusError('CAPTCHA_MODEL_INVALID', `${csv}: row ${index + 1} needs file,label`);
        return { file: join(dir, file), label };
      });
  }
  return readdirSync(dir)
    .filter((name) => ['.png', '.jpg', '.jpeg'].includes(extname(name).toLowerCase()))
    .map((name) => ({ file: join(dir, name), label: basename(name, extname(name)).split('_')[0]! }));
}

export interface SplitOptions {
  charset: string;
  caseInsensitive: boolean;
  height: number;
  width: number;
  /** Share held out for measuring (at least one sample). */
  heldOutShare?: number;
  seed?: number;
}

/**
 * Splits the samples at random, stratified by first character (so no first character is only ever held out, as a
 * name-sorted slice would do with answer-named files), and writes images.u8 + labels.txt + meta.json for train.py.
 */
export function writeTrainingSplit(
  samples: LabelledSample[],
  outDir: string,
  options: SplitOptions,
): { train: number; test: number } {
  const fold = (text: string): string => (options.caseInsensitive ? text.toUpperCase() : text);
  const allowed = new Set(fold(options.charset));
  for (const sample of samples) {
    const bad = [...fold(sample.label)].filter((c) => !allowed.has(c));
    if (bad.length > 0 || sample.label === '')
      throw new TminusError(
        'CAPTCHA_MODEL_INVALID',
        sample.label === ''
          ? `${sample.file}: empty label`
          : `${sample.file}: label '${sample.label}' uses ${bad.join('')}, outside the model's charset ${options.charset}`,
      );
  }
  const random = seededRandom(options.seed ?? 1);
  const share = options.heldOutShare ?? 0.1;
  const byFirst = new Map<string, LabelledSample[]>();
  for (const sample of samples) {
    const key = fold(sample.label)[0]!;
    byFirst.set(key, [...(byFirst.get(key) ?? []), sample]);
  }
  const test: LabelledSample[] = [];
  const train: LabelledSample[] = [];
  for (const group of byFirst.values()) {
    for (let index = group.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [group[index], group[other]] = [group[other]!, group[index]!];
    }
    // Each group gives its share; the fractions left over are drawn at random so small groups are held out too.
    const exact = group.length * share;
    const held = Math.min(
      group.length - (group.length > 1 ? 1 : 0),
      Math.floor(exact) + (random() < exact % 1 ? 1 : 0),
    );
    test.push(...group.slice(0, held));
    train.push(...group.slice(held));
  }
  if (test.length === 0 && train.length > 1) test.push(train.pop()!);
  const { height, width } = options;
  for (const [name, list] of Object.entries({ test, train })) {
    const dir = join(outDir, name);
    mkdirSync(dir, { recursive: true });
    const images = Buffer.alloc(list.length * height * width);
    list.forEach((sample, index) => {
      let pixels;
      try {
        pixels = decodeImage(readFileSync(sample.file));
      } catch (error) {
        throw new TminusError('CAPTCHA_MODEL_INVALID', `${sample.file}: ${(error as Error).message}`);
      }
      images.set(greyResize(pixels.rgba, pixels.width, pixels.height, width, height), index * height * width);
    });
    writeFileSync(join(dir, 'images.u8'), images);
    writeFileSync(join(dir, 'labels.txt'), list.map((sample) => fold(sample.label)).join('\n') + '\n');
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ count: list.length, height, width }));
    writeFileSync(join(dir, 'files.txt'), list.map((sample) => sample.file).join('\n') + '\n');
  }
  return { train: train.length, test: test.length };
}

export function runTrainer(args: string[], onLine: (line: string) => void): Promise<void> {
  const python = process.env.TMINUS_PYTHON ?? '/usr/bin/python3';
  if (!existsSync(python))
    throw new TminusError('CAPTCHA_MODEL_INVALID', `training needs ${python} with python3-torch and python3-onnx`);
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
    let tail = '';
    const forward = (chunk: Buffer): void => {
      tail += String(chunk);
      const lines = tail.split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') onLine(line);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', (error) =>
      reject(new TminusError('CAPTCHA_MODEL_INVALID', `cannot start ${python}: ${error.message}`)),
    );
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new TminusError('CAPTCHA_MODEL_INVALID', `training failed (exit ${code}); see the lines above`)),
    );
  });
}
