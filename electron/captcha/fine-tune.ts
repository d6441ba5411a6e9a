// Fine-tuning on a new captcha family from labelled samples: a folder of images named by their answer
// (`AB3K.png`, `AB3K_17.png`) or listed in `labels.csv` (file,label). The images are preprocessed exactly as
// inference will see them and handed to native/captcha/train.py, starting from the shipped model's weights.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { spawn } from 'node:child_process';
import { TminusError } from '../errors';
import { decodeImage } from './image-decode';
import { greyResize } from './image-preprocess';

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

/** Writes images.u8 + labels.txt for train.py; returns how many went to training and to the held-out split. */
export function writeTrainingSplit(
  samples: LabelledSample[],
  charset: string,
  outDir: string,
  heldOutShare = 0.1,
): { train: number; test: number } {
  const allowed = new Set(charset.toUpperCase());
  for (const sample of samples) {
    const bad = [...sample.label.toUpperCase()].filter((c) => !allowed.has(c));
    if (bad.length > 0)
      throw new TminusError(
        'CAPTCHA_MODEL_INVALID',
        `${sample.file}: label '${sample.label}' uses ${bad.join('')}, outside the model's charset ${charset}`,
      );
  }
  const testCount = Math.max(1, Math.round(samples.length * heldOutShare));
  const splits = { test: samples.slice(0, testCount), train: samples.slice(testCount) };
  for (const [name, list] of Object.entries(splits)) {
    const dir = join(outDir, name);
    mkdirSync(dir, { recursive: true });
    const images = Buffer.alloc(list.length * 32 * 96);
    list.forEach((sample, index) => {
      let pixels;
      try {
        pixels = decodeImage(readFileSync(sample.file));
      } catch (error) {
        throw new TminusError('CAPTCHA_MODEL_INVALID', `${sample.file}: ${(error as Error).message}`);
      }
      images.set(greyResize(pixels.rgba, pixels.width, pixels.height), index * 32 * 96);
    });
    writeFileSync(join(dir, 'images.u8'), images);
    writeFileSync(join(dir, 'labels.txt'), list.map((sample) => sample.label).join('\n') + '\n');
  }
  return { train: splits.train.length, test: splits.test.length };
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
