// The one place that defines what the simulator's captchas look like. The captcha room's training data generator
// imports this module, so the model learns exactly the images the simulator serves.
import svgCaptcha from 'svg-captcha';
import { Resvg } from '@resvg/resvg-js';

/** No 0/O, 1/I/L: characters a person could not tell apart either. */
export const CAPTCHA_CHARSET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export const CAPTCHA_STYLE = {
  size: 4,
  charPreset: CAPTCHA_CHARSET,
  noise: 2,
  color: true,
  background: '#f2f2f2',
  width: 120,
  height: 40,
  fontSize: 44,
} as const;

export interface RenderedCaptcha {
  text: string;
  png: Buffer;
}

/** svg-captcha draws glyphs as paths, so resvg needs no fonts (loading system fonts costs ~6 ms per image). */
export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, { font: { loadSystemFonts: false }, background: CAPTCHA_STYLE.background }).render().asPng();
}

export function renderCaptcha(): RenderedCaptcha {
  const { text, data } = svgCaptcha.create({ ...CAPTCHA_STYLE });
  return { text, png: svgToPng(data) };
}

/** Answers are compared without regard to case, as people type them. */
export const sameAnswer = (given: string, expected: string): boolean =>
  given.trim().toUpperCase() === expected.toUpperCase();
