// Training data from the simulator's own captcha module: N captchas rendered exactly as the simulator serves them,
// preprocessed as inference will preprocess them. Writes `images.u8` (N × 32 × 96 bytes), `labels.txt` (one answer
// per line) and, optionally, the first PNGs with their answer as file name (for eyes and for tests).
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import svgCaptcha from 'svg-captcha';
import { Resvg } from '@resvg/resvg-js';
import { CAPTCHA_STYLE } from '../sim/captcha-style';
import { greyResize, INPUT_HEIGHT, INPUT_WIDTH } from './image-preprocess';

export async function writeDataset(
  dir: string,
  count: number,
  options: { pngs?: number; onProgress?: (done: number) => void } = {},
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const images = createWriteStream(join(dir, 'images.u8'));
  const labels: string[] = [];
  const pngDir = join(dir, 'png');
  if (options.pngs) mkdirSync(pngDir, { recursive: true });
  for (let index = 0; index < count; index += 1) {
    const { text, data } = svgCaptcha.create({ ...CAPTCHA_STYLE });
    const rendered = new Resvg(data, {
      font: { loadSystemFonts: false },
      background: CAPTCHA_STYLE.background,
    }).render();
    const bytes = greyResize(rendered.pixels, rendered.width, rendered.height);
    if (!images.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) {
      await new Promise<void>((resolve) => images.once('drain', () => resolve()));
    }
    labels.push(text);
    if (options.pngs && index < options.pngs) writeFileSync(join(pngDir, `${text}_${index}.png`), rendered.asPng());
    if (index % 1000 === 0) options.onProgress?.(index);
  }
  await new Promise<void>((resolve, reject) =>
    images.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  writeFileSync(join(dir, 'labels.txt'), labels.join('\n') + '\n');
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({ count, height: INPUT_HEIGHT, width: INPUT_WIDTH, style: CAPTCHA_STYLE }, null, 2),
  );
}
