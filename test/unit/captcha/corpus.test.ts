import { describe, expect, it } from 'vitest';
import { corpusFonts } from '../../../electron/captcha/corpus/fonts';
import {
  CORPUS_STYLES,
  drawCaptcha,
  loadCorpusFonts,
  SITE_STYLES,
  TRAINING_MIX,
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
      if (CORPUS_STYLES[style].generator === 'canvas' || CORPUS_STYLES[style].generator === 'site.canvas')
        expect(Buffer.from(again.pixels.rgba).equals(Buffer.from(first.pixels.rgba)), style).toBe(true);
    }
  });

  it('draws each site style in one configuration and a kept-out font, never in a training font', async () => {
    const fonts = loadCorpusFonts();
    const random = seededRandom(9);
    for (const style of SITE_STYLES) {
      expect(CORPUS_STYLES[style].fonts, style).toBe('held-out');
      expect(Object.hasOwn(TRAINING_MIX, style), style).toBe(false);
      for (let n = 0; n < 5; n += 1) {
        const { answer, pixels } = await drawCaptcha(style, random, fonts);
        expect(answer, style).toHaveLength(5);
        expect([pixels.width, pixels.height], style).toEqual(style === 'site.canvas' ? [160, 50] : [150, 50]);
      }
      // Given only the training fonts, a site style refuses to draw rather than fall back to one of them.
      await expect(
        (async () => drawCaptcha(style, seededRandom(1), { train: fonts.train, 'held-out': fonts.train }))(),
        style,
      ).rejects.toThrow(/draws in (Carlito-Regular|LiberationSerif-Bold), which is not installed/);
    }
  });
});
