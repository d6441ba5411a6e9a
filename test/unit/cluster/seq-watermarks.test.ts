import { describe, expect, it } from 'vitest';
import { SeqWatermarks } from '../../../electron/cluster';

describe('sequence watermarks', () => {
  it('rises only over an unbroken run of committed numbers, whatever their order, and sees repeats', () => {
    const marks = new SeqWatermarks();
    expect(marks.add('a', 2)).toBe(true);
    expect(marks.of('a')).toBe(0); // 1 is missing: nothing may be forgotten yet
    expect(marks.add('a', 1)).toBe(true);
    expect(marks.of('a')).toBe(2);
    expect(marks.add('a', 2)).toBe(false);
    expect(marks.add('a', 5)).toBe(true);
    expect(marks.of('a')).toBe(2);
    expect(marks.has('a', 5)).toBe(true);
    expect(marks.has('a', 4)).toBe(false);
    marks.add('a', 3);
    marks.add('a', 4);
    expect(marks.of('a')).toBe(5);
    expect(marks.of('b')).toBe(0);
    expect(marks.nodes()).toEqual(['a']);
  });
});
