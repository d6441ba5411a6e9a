// The corpus's captcha generators. Each draws one captcha with randomised options and returns its answer and RGBA
// pixels: the simulator's own style, svg-captcha with randomised options and fonts, a canvas drawing with Debian's
// fonts (per-glyph rotation, colours, outline, noise lines, arcs, dots), and trek-captcha, another npm captcha
// library with a look of its own. Distortions common to all (warp, blur, JPEG) are applied by `distort.ts`.
import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import { Resvg } from '@resvg/resvg-js';
import svgCaptcha from 'svg-captcha';
import { GifReader } from 'omggif';
import { CAPTCHA_STYLE } from '../../sim/captcha-style';
import type { Pixels } from '../image-decode';
import type { CorpusFont } from './fonts';
import { randomAnswer } from './answers';
import { between, chance, intBetween, pick, type Random } from './random';

export interface DrawnCaptcha extends Pixels {
  answer: string;
}

export interface GeneratorContext {
  random: Random;
  fonts: readonly CorpusFont[];
}

export type CaptchaGenerator = (context: GeneratorContext) => Promise<DrawnCaptcha> | DrawnCaptcha;

const localRequire = createRequire(__filename);

function rasterise(svg: string, background: string | undefined): Pixels {
  const rendered = new Resvg(svg, { font: { loadSystemFonts: false }, background }).render();
  return { width: rendered.width, height: rendered.height, rgba: new Uint8Array(rendered.pixels) };
}

/** The simulator's captchas, exactly as it serves them. */
export const simulatorStyle: CaptchaGenerator = () => {
  const { text, data } = svgCaptcha.create({ ...CAPTCHA_STYLE });
  return { answer: text, ...rasterise(data, CAPTCHA_STYLE.background) };
};

interface OpentypeFont {
  ascender: number;
  descender: number;
  unitsPerEm: number;
}
const opentypeFonts = new Map<string, OpentypeFont | null>();

function opentypeFont(font: CorpusFont): OpentypeFont | null {
  if (!opentypeFonts.has(font.file)) {
    try {
      const opentype = localRequire('opentype.js') as { loadSync(path: string): OpentypeFont };
      opentypeFonts.set(font.file, opentype.loadSync(font.file));
    } catch {
      opentypeFonts.set(font.file, null); // a face opentype.js cannot parse is skipped, not fatal
    }
  }
  return opentypeFonts.get(font.file) ?? null;
}

const lightColour = (random: Random): string =>
  `rgb(${intBetween(random, 190, 255)},${intBetween(random, 190, 255)},${intBetween(random, 190, 255)})`;
const darkColour = (random: Random): string =>
  `rgb(${intBetween(random, 0, 150)},${intBetween(random, 0, 150)},${intBetween(random, 0, 150)})`;
const anyColour = (random: Random): string =>
  `rgb(${intBetween(random, 0, 255)},${intBetween(random, 0, 255)},${intBetween(random, 0, 255)})`;

/** svg-captcha with its options randomised and, most of the time, a Debian font in place of its own. */
export const svgCaptchaStyle: CaptchaGenerator = ({ random, fonts }) => {
  const answer = randomAnswer(random);
  const width = intBetween(random, 100, 200);
  const height = intBetween(random, 36, 72);
  const background = chance(random, 0.7) ? lightColour(random) : '#ffffff';
  const options = {
    width,
    height,
    noise: intBetween(random, 0, 5),
    color: chance(random, 0.6),
    background,
    fontSize: Math.round(height * between(random, 0.75, 1.05)),
  };
  const font = fonts.length > 0 && chance(random, 0.85) ? pick(random, fonts) : null;
  return svgCaptchaDrawing(answer, options, font);
};

/** svg-captcha drawing `answer` with `options`, in `font` (its own font when null or unreadable), rasterised. */
export function svgCaptchaDrawing(
  answer: string,
  options: Record<string, unknown> & { background: string },
  font: CorpusFont | null,
): DrawnCaptcha {
  const face = font ? opentypeFont(font) : null;
  const drawn = face ? { ...options, font: face, ascender: face.ascender, descender: face.descender } : options;
  const svg = (svgCaptcha as unknown as (text: string, options: object) => string)(answer, drawn);
  return { answer, ...rasterise(svg, options.background) };
}

const registeredFamilies = new Map<string, string>();
export function canvasFamily(font: CorpusFont): string {
  let family = registeredFamilies.get(font.file);
  if (!family) {
    family = `corpus-${registeredFamilies.size}`;
    GlobalFonts.registerFromPath(font.file, family);
    registeredFamilies.set(font.file, family);
  }
  return family;
}

/** A fixed noise recipe (a site style's); without one, the count of lines and dots and the widths are random. */
export interface NoiseRecipe {
  lines: number;
  lineWidth: [number, number];
  dots: number;
}

/** Straight and Bézier lines across the captcha, then dots. */
export function drawNoise(
  context: SKRSContext2D,
  random: Random,
  width: number,
  height: number,
  glyphColour: string,
  recipe?: NoiseRecipe,
): void {
  const lines = recipe ? recipe.lines : intBetween(random, 0, 5);
  const [thinnest, widest] = recipe?.lineWidth ?? [0.8, 3];
  for (let line = 0; line < lines; line += 1) {
    context.strokeStyle = chance(random, 0.5) ? glyphColour : anyColour(random);
    context.lineWidth = between(random, thinnest, widest);
    context.beginPath();
    context.moveTo(between(random, 0, width * 0.3), between(random, 0, height));
    if (chance(random, 0.5)) {
      context.bezierCurveTo(
        between(random, 0, width),
        between(random, -height, 2 * height),
        between(random, 0, width),
        between(random, -height, 2 * height),
        between(random, width * 0.7, width),
        between(random, 0, height),
      );
    } else context.lineTo(between(random, width * 0.7, width), between(random, 0, height));
    context.stroke();
  }
  const dots = recipe
    ? recipe.dots
    : chance(random, 0.5)
      ? intBetween(random, 0, Math.round((width * height) / 40))
      : 0;
  for (let dot = 0; dot < dots; dot += 1) {
    context.fillStyle = anyColour(random);
    context.beginPath();
    context.arc(between(random, 0, width), between(random, 0, height), between(random, 0.5, 2), 0, Math.PI * 2);
    context.fill();
  }
}

/** A canvas drawing: per-glyph font size, rotation, colour, spacing (touching glyphs too), fill or outline. */
export const canvasStyle: CaptchaGenerator = ({ random, fonts }) => {
  if (fonts.length === 0) throw new Error('the canvas captcha style needs fonts (none found under /usr/share/fonts)');
  const answer = randomAnswer(random);
  const height = intBetween(random, 32, 72);
  const width = Math.round(height * between(random, 2.2, 4.2));
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  if (chance(random, 0.4)) {
    const gradient = context.createLinearGradient(0, 0, width, height);
    gradient.addColorStop(0, lightColour(random));
    gradient.addColorStop(1, lightColour(random));
    context.fillStyle = gradient;
  } else context.fillStyle = chance(random, 0.5) ? '#ffffff' : lightColour(random);
  context.fillRect(0, 0, width, height);
  const family = canvasFamily(pick(random, fonts));
  const oneColour = chance(random, 0.5) ? darkColour(random) : null;
  const noiseFirst = chance(random, 0.5);
  if (noiseFirst) drawNoise(context, random, width, height, oneColour ?? darkColour(random));
  const size = height * between(random, 0.55, 0.85);
  const step = (width * between(random, 0.7, 0.95)) / answer.length;
  let x = between(random, 2, Math.max(3, width - step * answer.length - 2));
  const outline = chance(random, 0.15);
  for (const character of answer) {
    const glyphSize = size * between(random, 0.85, 1.15);
    context.save();
    context.translate(x + step / 2, height / 2 + between(random, -0.12, 0.12) * height);
    context.rotate((between(random, -30, 30) * Math.PI) / 180);
    context.font = `${Math.round(glyphSize)}px ${family}`;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    const colour = oneColour ?? darkColour(random);
    if (outline) {
      context.strokeStyle = colour;
      context.lineWidth = between(random, 1, 2);
      context.strokeText(character, 0, 0);
    } else {
      context.fillStyle = colour;
      context.fillText(character, 0, 0);
    }
    context.restore();
    x += step * between(random, 0.8, 1.1);
  }
  if (!noiseFirst) drawNoise(context, random, width, height, oneColour ?? darkColour(random));
  const image = context.getImageData(0, 0, width, height);
  return { answer, width, height, rgba: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length) };
};

type TrekCaptcha = (options: { size: number }) => Promise<{ token: string; buffer: Buffer }>;

/** trek-captcha (pure JS, its own lower-case font, a wavy line and dots; draws a GIF). */
export const trekStyle: CaptchaGenerator = async ({ random }) => {
  const trek = localRequire('trek-captcha') as TrekCaptcha;
  const { token, buffer } = await trek({ size: intBetween(random, 4, 6) });
  const gif = new GifReader(buffer);
  const rgba = new Uint8Array(gif.width * gif.height * 4);
  gif.decodeAndBlitFrameRGBA(0, rgba);
  return { answer: token, width: gif.width, height: gif.height, rgba };
};

export const GENERATORS = {
  simulator: simulatorStyle,
  'svg-captcha': svgCaptchaStyle,
  canvas: canvasStyle,
  'trek-captcha': trekStyle,
} as const satisfies Record<string, CaptchaGenerator>;

export type GeneratorName = keyof typeof GENERATORS;
