// The small pieces the promises rest on, each pinned where a plausible bug would slip past: Marzullo on touching and
// tied intervals, the bucket's hold keeping its tolerance, formula neutralisation of every prefix with numbers left
// as numbers.
import { describe, expect, it } from 'vitest';
import { marzullo } from '../../electron/clock/marzullo';
import { RateLimiter } from '../../electron/engine/rate-limiter';
import { neutraliseFormula } from '../../electron/common/formula-cells';

describe('Marzullo at its edges', () => {
  it('takes the touching point of two intervals that only touch: [0,10] and [10,20] agree at 10 ± 0', () => {
    const agreement = marzullo([
      { id: 'a', offsetMs: 5, boundMs: 5 },
      { id: 'b', offsetMs: 15, boundMs: 5 },
    ]);
    expect(agreement).toMatchObject({ offsetMs: 10, boundMs: 0, truechimers: ['a', 'b'], falsetickers: [] });
  });

  it('keeps two identical intervals whole: [0,10] twice is 5 ± 5', () => {
    const agreement = marzullo([
      { id: 'a', offsetMs: 5, boundMs: 5 },
      { id: 'b', offsetMs: 5, boundMs: 5 },
    ]);
    expect(agreement).toMatchObject({ offsetMs: 5, boundMs: 5, truechimers: ['a', 'b'] });
  });

  it('names a falseticker on either side of the agreement', () => {
    const agreement = marzullo([
      { id: 'low', offsetMs: 0.5, boundMs: 0.5 },
      { id: 'a', offsetMs: 15, boundMs: 5 },
      { id: 'b', offsetMs: 15, boundMs: 3 },
      { id: 'high', offsetMs: 40, boundMs: 1 },
    ]);
    expect(agreement).toMatchObject({ offsetMs: 15, boundMs: 3, falsetickers: ['low', 'high'] });
  });

  it('breaks a tie between disjoint intervals towards the lower one', () => {
    const agreement = marzullo([
      { id: 'a', offsetMs: 5, boundMs: 5 },
      { id: 'b', offsetMs: 25, boundMs: 5 },
    ]);
    expect(agreement).toMatchObject({ offsetMs: 5, boundMs: 5, truechimers: ['a'], falsetickers: ['b'] });
  });

  it('prefers the interval three sources share over a wider one two share', () => {
    const agreement = marzullo([
      { id: 'a', offsetMs: 0, boundMs: 10 },
      { id: 'b', offsetMs: 4, boundMs: 2 },
      { id: 'c', offsetMs: 6, boundMs: 2 },
      { id: 'd', offsetMs: 50, boundMs: 45 },
    ]);
    // a ∩ b ∩ c ∩ d = [5, 6]: all four; nothing is a falseticker.
    expect(agreement).toMatchObject({ offsetMs: 5.5, boundMs: 0.5, falsetickers: [] });
  });
});

describe('token bucket hold', () => {
  it('sends nothing before the end of a Retry-After hold, and no burst at it', () => {
    const limiter = new RateLimiter(10, 5); // 100 ms apart, 5 at once
    limiter.holdUntil(1_000);
    const slots = Array.from({ length: 5 }, () => limiter.reserve(0));
    expect(slots[0]).toBe(1_000);
    // After a hold the bucket starts empty: the rest are spaced at the rate, not let through together.
    expect(slots).toEqual([1_000, 1_100, 1_200, 1_300, 1_400]);
  });

  it('lets a full burst through when nothing held it', () => {
    const limiter = new RateLimiter(10, 5);
    expect(Array.from({ length: 6 }, () => limiter.reserve(0))).toEqual([0, 0, 0, 0, 0, 100]);
  });
});

describe('formula cells', () => {
  it.each(['=1+1', '+1+1', '-1+cmd', '-1.', '-.5', '-2e3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("x")'])(
    'neutralises %j',
    (cell) => {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`);
    },
  );

  it.each(['-2', '-12', '-0.5', '-12.25', '3', '12.25', 'user0001', 'a=b', ''])('leaves %j as it is', (cell) => {
    expect(neutraliseFormula(cell)).toBe(cell);
  });
});
