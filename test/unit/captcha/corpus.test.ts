import { describe, expect, it } from 'vitest';
import { corpusFonts } from '../../../electron/captcha/corpus/fonts';
import {
  CORPUS_STYLES,
  drawCaptcha,
  loadCorpusFonts,
  type CorpusStyleName,
} from '../../../electron/captcha/corpus/write-corpus';
import { seededRandom } from '../../../electron/captcha/corpus/random';
import { labelOf, GENERAL_CHARSET } from '../../../electron/captcha/corpus/answers';

describe('the captcha corpus', () => {
  it('keeps the held-out fonts out of the training fonts, and finds both', () => {
    const train = corpusFonts('train').map((font) => font.face);
    const heldOut = corpusFonts('held-out').map((font) => font.face);
    expect(train.length).toBeGreaterThan(5);
    expect(heldOut.length).toBeGreaterThan(0);
    expect(heldOut.every((face) => /^(Liberation|Carlito|Caladea)/.test(face))).toBe(true);
    expect(train.some((face) => /^(Liberation|Carlito|Caladea)/.test(face))).toBe(false);
  });

  it('draws every style with an answer the general charset can label, the same seed drawing the same image', async () => {
    const fonts = loadCorpusFonts();
    for (const style of Object.keys(CORPUS_STYLES) as CorpusStyleName[]) {
      const first = await drawCaptcha(style, seededRandom(5), fonts);
      expect(first.pixels.rgba.length, style).toBe(first.pixels.width * first.pixels.height * 4);
      expect(
        [...labelOf(first.answer)].every((c) => GENERAL_CHARSET.includes(c)),
        style,
      ).toBe(true);
      expect(first.answer.length, style).toBeGreaterThanOrEqual(4);
      // The libraries (svg-captcha, trek-captcha) place noise with their own randomness; the seed fixes the rest.
      if (style === 'trek-captcha' || style === 'simulator') continue;
      const again = await drawCaptcha(style, seededRandom(5), fonts);
      expect(again.answer, style).toBe(first.answer);
      if (CORPUS_STYLES[style].generator === 'canvas')
        expect(Buffer.from(again.pixels.rgba).equals(Buffer.from(first.pixels.rgba)), style).toBe(true);
    }
  });
});
