import { describe, expect, it } from 'vitest';
import { allowedClasses, greedyDecode } from '../../electron/captcha/ctc-decode';

describe('greedy CTC decoding', () => {
  it('merges repeats, drops blanks, and keeps a confidence per character', () => {
    // classes: 0 blank, 1 'A', 2 'B'; steps: A A blank B B blank A
    const rows = [
      [0.1, 0.8, 0.1],
      [0.1, 0.9, 0.0],
      [0.9, 0.05, 0.05],
      [0.2, 0.1, 0.7],
      [0.1, 0.1, 0.8],
      [0.7, 0.2, 0.1],
      [0.3, 0.6, 0.1],
    ];
    const decoded = greedyDecode(new Float32Array(rows.flat()), 0, rows.length, 3, 'AB');
    expect(decoded.text).toBe('ABA');
    expect(decoded.charConfidences.map((p) => Number(p.toFixed(2)))).toEqual([0.9, 0.8, 0.6]);
    expect(decoded.confidence).toBeCloseTo(0.9 * 0.8 * 0.6, 5);
  });

  it('reads only the declared characters: the best allowed class at each step, its probability unchanged', () => {
    // classes: 0 blank, 1 'O', 2 '0'; the model prefers the letter, the target uses digits only
    const rows = [
      [0.1, 0.6, 0.3],
      [0.8, 0.1, 0.1],
      [0.2, 0.7, 0.1],
    ];
    const probabilities = new Float32Array(rows.flat());
    expect(greedyDecode(probabilities, 0, 3, 3, 'O0').text).toBe('OO');
    const digits = greedyDecode(
      probabilities,
      0,
      3,
      3,
      'O0',
      allowedClasses('O0', true, '0123456789'.slice(0, 1), 'm'),
    );
    expect(digits.text).toBe('0'); // step 3: blank (0.2) beats the allowed '0' (0.1)
    expect(digits.charConfidences.map((p) => Number(p.toFixed(2)))).toEqual([0.3]);
  });

  it('maps a declared charset onto the model, case-insensitively where the model reads so, and names what it cannot', () => {
    expect([...allowedClasses('ABC', true, 'ca', 'm')]).toEqual([1, 1, 0, 1]);
    expect([...allowedClasses('ABC', false, 'C', 'm')]).toEqual([1, 0, 0, 1]);
    expect(() => allowedClasses('ABC', false, 'Ca', 'captcha-x')).toThrow(
      /captcha\.charset: captcha-x cannot read "a"/,
    );
    expect(() => allowedClasses('ABC', true, '', 'm')).toThrow(/captcha\.charset: empty/);
  });

  it('gives an empty reading zero confidence', () => {
    expect(greedyDecode(new Float32Array([1, 0, 1, 0]), 0, 2, 2, 'A')).toEqual({
      text: '',
      confidence: 0,
      charConfidences: [],
    });
  });
});
