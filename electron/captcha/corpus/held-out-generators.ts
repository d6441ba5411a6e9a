// Captcha libraries the general model never trains on, only measured on: a look it has not seen at all (its own
// glyphs, its own placement), not just a font it has not seen.
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import type { CaptchaGenerator } from './generators';
import { intBetween, type Random } from './random';

const localRequire = createRequire(__filename);

interface CaptchaPng {
  color(red: number, green: number, blue: number, alpha: number): void;
  getBase64(): string;
}
type CaptchaPngConstructor = new (width: number, height: number, digits: string) => CaptchaPng;

function digits(random: Random, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += String(intBetween(random, 0, 9));
  return text;
}

/**
 * captchapng (npm; pure JS, numbers only, two bitmap fonts of its own, each digit placed at random in its cell), as
 * its README serves it — 20 px or more per digit, one paint colour on a transparent or plain background.
 */
export const captchaPngStyle: CaptchaGenerator = ({ random }) => {
  const CaptchaPngImage = localRequire('captchapng') as CaptchaPngConstructor;
  const answer = digits(random, intBetween(random, 4, 6));
  const image = new CaptchaPngImage(answer.length * 20 + intBetween(random, 0, 20), intBetween(random, 30, 40), answer);
  if (random() < 0.5) image.color(0, 0, 0, 0);
  else image.color(intBetween(random, 200, 255), intBetween(random, 200, 255), intBetween(random, 200, 255), 255);
  image.color(intBetween(random, 0, 120), intBetween(random, 0, 120), intBetween(random, 0, 120), 255);
  const png = PNG.sync.read(Buffer.from(image.getBase64(), 'base64'));
  return { answer, width: png.width, height: png.height, rgba: new Uint8Array(png.data) };
};
