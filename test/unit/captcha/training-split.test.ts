import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { listSamples, writeTrainingSplit } from '../../../electron/captcha/fine-tune';
import { align } from '../../../electron/captcha/model-eval';
import { makeTempDir } from '../../helpers/temp-dir';

function blankPng(): Buffer {
  const png = new PNG({ width: 12, height: 4 });
  png.data.fill(255);
  return PNG.sync.write(png);
}

describe('the training split', () => {
  it('holds out a random share of every first character, never a name-sorted slice', () => {
    const temp = makeTempDir();
    try {
      const image = blankPng();
      // Answer-named files: sorted by name, every label starting with 2-5 would come first.
      const firsts = '23456789ABCDEFGH';
      for (let n = 0; n < 400; n += 1) {
        const label = `${firsts[n % firsts.length]}${'XYZW'[n % 4]}${'KMNP'[(n >> 2) % 4]}Q`;
        writeFileSync(join(temp.dir, `${label}_${n}.png`), image);
      }
      const samples = listSamples(temp.dir);
      const split = writeTrainingSplit(samples, join(temp.dir, 'out'), {
        charset: '23456789ABCDEFGHJKMNPQRSTUVWXYZ',
        caseInsensitive: true,
        height: 32,
        width: 128,
      });
      expect(split).toEqual({ train: 360, test: 40 });
      const firstOf = (dir: string): Set<string> =>
        new Set(
          readFileSync(join(temp.dir, 'out', dir, 'labels.txt'), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((label) => label[0]!),
        );
      expect([...firstOf('train')].sort().join('')).toBe(firsts);
      expect([...firstOf('test')].sort().join('')).toBe(firsts);
      expect(readFileSync(join(temp.dir, 'out', 'train', 'images.u8')).length).toBe(360 * 32 * 128);
    } finally {
      temp.remove();
    }
  });

  it('refuses a label outside the charset, naming the file', () => {
    const temp = makeTempDir();
    try {
      writeFileSync(join(temp.dir, 'AB#C_1.png'), blankPng());
      expect(() =>
        writeTrainingSplit(listSamples(temp.dir), join(temp.dir, 'out'), {
          charset: 'ABC',
          caseInsensitive: true,
          height: 32,
          width: 96,
        }),
      ).toThrow(/AB#C_1\.png: label 'AB#C' uses #, outside the model's charset ABC/);
    } finally {
      temp.remove();
    }
  });
});

describe('aligning what was read with the answer', () => {
  it('counts edits and blames each missed character for what stood in its place', () => {
    expect(align('AB3K', 'AB3K')).toEqual({ edits: 0, pairs: expect.any(Array) });
    const substituted = align('AB3K', 'A83K');
    expect(substituted.edits).toBe(1);
    expect(substituted.pairs).toContainEqual(['B', '8']);
    const dropped = align('AB3K', 'A3K');
    expect(dropped.edits).toBe(1);
    expect(dropped.pairs).toContainEqual(['B', '']);
    expect(align('AB', 'ABXY').edits).toBe(2);
  });
});
