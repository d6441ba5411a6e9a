import { describe, expect, it } from 'vitest';
import { greedyDecode } from '../../electron/captcha/ctc-decode';

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

  it('gives an empty reading zero confidence', () => {
    expect(greedyDecode(new Float32Array([1, 0, 1, 0]), 0, 2, 2, 'A')).toEqual({
      text: '',
      confidence: 0,
      charConfidences: [],
    });
  });
});
