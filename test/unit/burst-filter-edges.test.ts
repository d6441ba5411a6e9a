// The burst filter at its edges: the congestion cut exactly at 3 × fastest + 1 ms, contradicting samples falling back
// to the fastest one (the first of equals), the instant an estimate refers to, the typical round trip, and the
// peers' estimator it is compared with.
import { describe, expect, it } from 'vitest';
import { filterBurst, shortestRoundTrip } from '../../electron/clock/burst-filter';
import type { OffsetSample } from '../../electron/clock/offset-sample';

/** A sample sent at t1, answered at t4, proving the offset lies in [low, high]. */
const sample = (t1Ms: number, t4Ms: number, lowMs: number, highMs: number): OffsetSample => ({
  t1Ms,
  t4Ms,
  lowMs,
  highMs,
});

describe('burst filter edges', () => {
  it('keeps a sample exactly at 3 × the fastest round trip + 1 ms, and drops one just above it', () => {
    // Round trips 2, 7 (= 3·2 + 1) and 7.01.
    const kept = filterBurst([sample(0, 2, 9, 11), sample(10, 17, 8, 12), sample(20, 27.01, 8, 12)]);
    expect(kept.samplesUsed).toBe(2);
    expect(kept.samplesTotal).toBe(3);
    expect(kept.delayMs).toBe(2);
  });

  it('refers the estimate to the mean midpoint of the kept samples, and gives their median round trip', () => {
    const estimate = filterBurst([sample(0, 2, 9, 11), sample(100, 104, 8, 12), sample(200, 203, 8.5, 11.5)]);
    expect(estimate.atLocalMs).toBeCloseTo((1 + 102 + 201.5) / 3, 9);
    expect(estimate.medianDelayMs).toBe(3);
    expect(estimate).toMatchObject({ offsetMs: 10, boundMs: 1 });
  });

  it('falls back to the fastest sample when the samples contradict each other (a step mid-burst)', () => {
    const estimate = filterBurst([sample(0, 4, 0, 4), sample(10, 13, 100, 103), sample(20, 24, 0, 4)]);
    expect(estimate).toMatchObject({ offsetMs: 101.5, boundMs: 1.5, samplesUsed: 3 });
  });

  it('takes the first of equally fast samples when they contradict', () => {
    const estimate = filterBurst([sample(0, 3, 0, 2), sample(10, 13, 50, 52)]);
    expect(estimate).toMatchObject({ offsetMs: 1, boundMs: 1 });
  });

  it('keeps a single point when the intervals touch', () => {
    expect(filterBurst([sample(0, 2, 0, 10), sample(10, 12, 10, 20)])).toMatchObject({ offsetMs: 10, boundMs: 0 });
  });

  it('refuses an empty burst', () => {
    expect(() => filterBurst([])).toThrow('a burst needs at least one sample');
  });

  it("the peers' estimator: the fastest sample's midpoint, bound half its round trip, at its own midpoint", () => {
    const estimate = shortestRoundTrip([sample(0, 10, 0, 20), sample(100, 104, 5, 9), sample(200, 204, 50, 54)]);
    expect(estimate).toEqual({
      offsetMs: 7,
      boundMs: 2,
      delayMs: 4,
      medianDelayMs: 4,
      atLocalMs: 102,
      samplesUsed: 1,
      samplesTotal: 3,
    });
  });
});
