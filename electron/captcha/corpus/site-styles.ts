// Site styles: what one target serves. A booking site does not draw each captcha in a new font, size and noise
// recipe; it runs one library with one configuration, and only the answer, the glyphs' jitter and the noise change
// from one captcha to the next. These two fixed configurations stand for such targets, in fonts kept out of the
// general model's training: the styles the operator's fine-tuning (`captcha train --samples`) is measured on, and two
// more the general model is measured on out of the box. Neither is ever drawn in training.
import { createCanvas } from '@napi-rs/canvas';
import type { CaptchaGenerator, DrawnCaptcha } from './generators';
import { canvasFamily, drawNoise, svgCaptchaDrawing } from './generators';
import { jpegAt } from './distort';
import type { CorpusFont } from './fonts';
import { between, intBetween, type Random } from './random';

/** The face a site style draws in; it must be one of the kept-out fonts it is given. */
function siteFont(fonts: readonly CorpusFont[], face: string): CorpusFont {
  const font = fonts.find((candidate) => candidate.face === face);
  if (!font) throw new Error(`the site captcha style draws in ${face}, which is not installed under /usr/share/fonts`);
  return font;
}

function siteAnswer(random: Random, charset: string, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += charset[Math.floor(random() * charset.length)];
  return text;
}

/**
 * svg-captcha as its README configures it (150 × 50, colour, a tinted background, two noise lines, the look-alike
 * characters left out), in Carlito, five characters of mixed case.
 */
export const siteSvgCaptchaStyle: CaptchaGenerator = ({ random, fonts }) => {
  const answer = siteAnswer(random, 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789', 5);
  return svgCaptchaDrawing(
    answer,
    { width: 150, height: 50, noise: 2, color: true, background: '#cc9966', fontSize: 50 },
    siteFont(fonts, 'Carlito-Regular'),
  );
};

/**
 * A server-side canvas captcha as many sites draw one (160 × 50, Liberation Serif Bold, each glyph turned up to 25°
 * in its own dark colour on a light gradient, three curves and some dots over it), served as a JPEG of quality 70.
 */
export const siteCanvasStyle: CaptchaGenerator = ({ random, fonts }): DrawnCaptcha => {
  const family = canvasFamily(siteFont(fonts, 'LiberationSerif-Bold'));
  const answer = siteAnswer(random, 'abcdefghkmnprstuvwxyz2345678', 5);
  const width = 160;
  const height = 50;
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  const gradient = context.createLinearGradient(0, 0, width, 0);
  gradient.addColorStop(0, `rgb(${intBetween(random, 215, 245)},${intBetween(random, 215, 245)},255)`);
  gradient.addColorStop(1, `rgb(255,${intBetween(random, 215, 245)},${intBetween(random, 215, 245)})`);
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  const step = 140 / answer.length;
  for (const [index, character] of [...answer].entries()) {
    context.save();
    context.translate(10 + step * (index + 0.5), height / 2 + between(random, -4, 4));
    context.rotate((between(random, -25, 25) * Math.PI) / 180);
    context.font = `${intBetween(random, 30, 36)}px ${family}`;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.fillStyle = `rgb(${intBetween(random, 0, 110)},${intBetween(random, 0, 110)},${intBetween(random, 0, 110)})`;
    context.fillText(character, 0, 0);
    context.restore();
  }
  const lineColour = `rgb(${intBetween(random, 0, 110)},${intBetween(random, 0, 110)},${intBetween(random, 0, 110)})`;
  drawNoise(context, random, width, height, lineColour, { lines: 3, lineWidth: [1, 2], dots: 40 });
  const image = context.getImageData(0, 0, width, height);
  const pixels = { width, height, rgba: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length) };
  return { answer, ...jpegAt(pixels, 70) };
};
