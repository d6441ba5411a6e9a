// Writes a captcha corpus folder: `images.u8` (N × H × W grey bytes, preprocessed as inference preprocesses),
// `labels.txt` (one upper-cased answer per line), `styles.txt` (the style that drew each), `meta.json`, and, when
// asked, PNG files named `ANSWER_index.png` that `tminus captcha eval` and `captcha train --samples` read.
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { greyResize } from '../image-preprocess';
import { labelOf } from './answers';
import { distort } from './distort';
import { corpusFonts, type CorpusFont, type FontSplit } from './fonts';
import { GENERATORS } from './generators';
import { captchaPngStyle } from './held-out-generators';
import { siteCanvasStyle, siteSvgCaptchaStyle } from './site-styles';
import { seededRandom, weighted, type Random } from './random';
import type { Pixels } from '../image-decode';

const CORPUS_GENERATORS = {
  ...GENERATORS,
  'site.svg-captcha': siteSvgCaptchaStyle,
  'site.canvas': siteCanvasStyle,
  captchapng: captchaPngStyle,
} as const;

export interface CorpusStyle {
  generator: keyof typeof CORPUS_GENERATORS;
  fonts: FontSplit;
  /** Warp, blur, speckle, JPEG (the simulator serves its captchas clean, so its style goes without). */
  distorted: boolean;
  /** The characters its answers use where a profile would declare them (`captcha.charset`): digits-only styles. */
  declaredCharset?: string;
}

export const CORPUS_STYLES = {
  simulator: { generator: 'simulator', fonts: 'train', distorted: false },
  'svg-captcha': { generator: 'svg-captcha', fonts: 'train', distorted: true },
  canvas: { generator: 'canvas', fonts: 'train', distorted: true },
  'trek-captcha': { generator: 'trek-captcha', fonts: 'train', distorted: true },
  'svg-captcha.held-out-fonts': { generator: 'svg-captcha', fonts: 'held-out', distorted: true },
  'canvas.held-out-fonts': { generator: 'canvas', fonts: 'held-out', distorted: true },
  // One target's configuration each (./site-styles.ts), in kept-out fonts; they come as the site serves them.
  'site.svg-captcha': { generator: 'site.svg-captcha', fonts: 'held-out', distorted: false },
  'site.canvas': { generator: 'site.canvas', fonts: 'held-out', distorted: false },
  // A captcha library never drawn in training (its own bitmap digits; ./held-out-generators.ts).
  captchapng: { generator: 'captchapng', fonts: 'held-out', distorted: false, declaredCharset: '0123456789' },
} as const satisfies Record<string, CorpusStyle>;

export type CorpusStyleName = keyof typeof CORPUS_STYLES;

/** What the general model trains on; the `.held-out-fonts` styles are only ever measured. */
export const TRAINING_MIX: Readonly<Partial<Record<CorpusStyleName, number>>> = {
  simulator: 0.15,
  'svg-captcha': 0.3,
  canvas: 0.4,
  'trek-captcha': 0.15,
};

export const HELD_OUT_STYLES: readonly CorpusStyleName[] = ['svg-captcha.held-out-fonts', 'canvas.held-out-fonts'];

/** Fixed configurations standing for one target each, never trained on: what fine-tuning is measured on. */
export const SITE_STYLES: readonly CorpusStyleName[] = ['site.svg-captcha', 'site.canvas'];

export const declaredCharsetOf = (style: CorpusStyleName): string | undefined =>
  (CORPUS_STYLES[style] as CorpusStyle).declaredCharset;

/** A style the general model never trained on (kept-out fonts, a site's configuration, a library it never saw). */
export const isKeptOut = (style: CorpusStyleName): boolean => !Object.hasOwn(TRAINING_MIX, style);

export function isCorpusStyle(name: string): name is CorpusStyleName {
  return Object.hasOwn(CORPUS_STYLES, name);
}

export type CorpusFonts = Record<FontSplit, CorpusFont[]>;

export const loadCorpusFonts = (): CorpusFonts => ({
  train: corpusFonts('train'),
  'held-out': corpusFonts('held-out'),
});

/** One captcha of a style, drawn and distorted as the corpus draws it: its answer (as drawn) and its pixels. */
export async function drawCaptcha(
  styleName: CorpusStyleName,
  random: Random,
  fonts: CorpusFonts,
): Promise<{ answer: string; pixels: Pixels }> {
  const style: CorpusStyle = CORPUS_STYLES[styleName];
  const drawn = await CORPUS_GENERATORS[style.generator]({ random, fonts: fonts[style.fonts] });
  return { answer: drawn.answer, pixels: style.distorted ? distort(drawn, random) : drawn };
}

/** PNG bytes of drawn pixels (what a target would serve). */
export function pngOf(pixels: Pixels): Buffer {
  const png = new PNG({ width: pixels.width, height: pixels.height });
  png.data = Buffer.from(pixels.rgba);
  return PNG.sync.write(png);
}

export interface CorpusOptions {
  count: number;
  mix: Readonly<Partial<Record<CorpusStyleName, number>>>;
  seed: number;
  height: number;
  width: number;
  /** Also write every image as `ANSWER_index.png`. */
  pngs?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface CorpusSummary {
  count: number;
  perStyle: Record<string, number>;
  fonts: { train: number; heldOut: number };
}

export async function writeCorpus(dir: string, options: CorpusOptions): Promise<CorpusSummary> {
  const random = seededRandom(options.seed);
  const fonts = loadCorpusFonts();
  mkdirSync(dir, { recursive: true });
  if (options.pngs) mkdirSync(join(dir, 'png'), { recursive: true });
  const images = createWriteStream(join(dir, 'images.u8'));
  const labels: string[] = [];
  const styles: string[] = [];
  const perStyle: Record<string, number> = {};
  const mix = Object.fromEntries(Object.entries(options.mix).filter(([, weight]) => (weight ?? 0) > 0)) as Record<
    CorpusStyleName,
    number
  >;
  if (Object.keys(mix).length === 0) throw new Error('the corpus mix names no style with a weight above 0');
  for (let index = 0; index < options.count; index += 1) {
    const styleName = weighted(random, mix);
    const { answer, pixels } = await drawCaptcha(styleName, random, fonts);
    const bytes = greyResize(pixels.rgba, pixels.width, pixels.height, options.width, options.height);
    if (!images.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) {
      await new Promise<void>((resolve) => images.once('drain', () => resolve()));
    }
    labels.push(labelOf(answer));
    styles.push(styleName);
    perStyle[styleName] = (perStyle[styleName] ?? 0) + 1;
    if (options.pngs) writeFileSync(join(dir, 'png', `${answer}_${index}.png`), pngOf(pixels));
    if (index % 500 === 0 || index === options.count - 1) options.onProgress?.(index + 1, options.count);
  }
  await new Promise<void>((resolve, reject) =>
    images.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  writeFileSync(join(dir, 'labels.txt'), labels.join('\n') + '\n');
  writeFileSync(join(dir, 'styles.txt'), styles.join('\n') + '\n');
  const summary: CorpusSummary = {
    count: options.count,
    perStyle,
    fonts: { train: fonts.train.length, heldOut: fonts['held-out'].length },
  };
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify(
      {
        ...summary,
        seed: options.seed,
        height: options.height,
        width: options.width,
        mix,
        trainFonts: fonts.train.map((font) => font.face),
        heldOutFonts: fonts['held-out'].map((font) => font.face),
      },
      null,
      2,
    ),
  );
  return summary;
}
