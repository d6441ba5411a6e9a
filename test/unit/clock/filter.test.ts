import { describe, expect, it } from 'vitest';
import { filterBurst, shortestRoundTrip } from '../../../electron/clock/burst-filter';
import { marzullo } from '../../../electron/clock/marzullo';
import { DriftTracker } from '../../../electron/clock/drift-tracker';
import { stampedSample } from '../../../electron/clock/offset-sample';
import { SeededRandom } from '../../../electron/sim/random';

/** A request sent at local t1 taking `outMs` to reach a server whose clock is `offsetMs` ahead, and `backMs` back. */
const exchange = (t1: number, outMs: number, backMs: number, offsetMs: number, resolutionMs = 0) => {
  const serverMs = t1 + outMs + offsetMs;
  const stamp = resolutionMs >= 1000 ? Math.floor(serverMs / 1000) * 1000 : serverMs;
  return stampedSample(t1, t1 + outMs + backMs, stamp, resolutionMs);
};

describe('burst filter', () => {
  it('finds the exact offset when delays are symmetric, with bound = half the smallest round trip', () => {
    const samples = [10, 4, 7].map((oneWay, n) => exchange(1000 + n * 50, oneWay, oneWay, 1500));
    const estimate = filterBurst(samples);
    expect(estimate.offsetMs).toBeCloseTo(1500, 9);
    expect(estimate.boundMs).toBeCloseTo(4, 9);
    expect(estimate.delayMs).toBe(8);
  });

  it('combines the best lower and upper bounds from different samples', () => {
    // One sample with a short way out, one with a short way back: together they pin the offset tighter than either.
    const estimate = filterBurst([exchange(0, 1, 20, -250), exchange(100, 20, 1, -250)]);
    expect(estimate.offsetMs).toBeCloseTo(-250, 9);
    expect(estimate.boundMs).toBeCloseTo(1, 9);
    expect(shortestRoundTrip([exchange(0, 1, 20, -250), exchange(100, 20, 1, -250)]).boundMs).toBe(10.5);
  });

  it('keeps the truth inside the bound whatever the asymmetry', () => {
    const random = new SeededRandom(3);
    for (let trial = 0; trial < 500; trial += 1) {
      const truth = random.around(0, 5000);
      const samples = Array.from({ length: 8 }, (_, n) =>
        exchange(n * 40, random.around(5, 4) + 1, random.around(25, 10), truth),
      );
      const { offsetMs, boundMs } = filterBurst(samples);
      expect(Math.abs(offsetMs - truth)).toBeLessThanOrEqual(boundMs + 1e-9);
    }
  });

  it('drops congested samples before intersecting', () => {
    const samples = [exchange(0, 2, 2, 100), exchange(10, 300, 2, 100), exchange(400, 2, 3, 100)];
    expect(filterBurst(samples).samplesUsed).toBe(2);
  });

  it('narrows a 1-second Date header to the round trip when probes straddle the second boundary', () => {
    // Offset 250.3 ms; probes whose server stamps fall just before and just after a whole second.
    const offset = 250.3;
    const samples = [
      exchange(10_000, 5, 5, offset, 1000),
      exchange(10_744, 5, 5, offset, 1000),
      exchange(11_745, 5, 5, offset, 1000),
    ];
    const estimate = filterBurst(samples);
    expect(Math.abs(estimate.offsetMs - offset)).toBeLessThanOrEqual(estimate.boundMs);
    expect(estimate.boundMs).toBeLessThan(6);
  });
});

describe('Marzullo combination', () => {
  it('names the source that disagrees as a falseticker and keeps the agreeing intersection', () => {
    const agreement = marzullo([
      { id: 'a', offsetMs: 100, boundMs: 5 },
      { id: 'b', offsetMs: 103, boundMs: 4 },
      { id: 'c', offsetMs: 2000, boundMs: 3 },
    ]);
    expect(agreement).toMatchObject({ falsetickers: ['c'], truechimers: ['a', 'b'] });
    expect(agreement!.offsetMs).toBeCloseTo(102, 9);
    expect(agreement!.boundMs).toBeCloseTo(3, 9);
  });

  it('returns the single source as it is, and null for none', () => {
    expect(marzullo([{ id: 'x', offsetMs: -7, boundMs: 2 }])).toMatchObject({
      offsetMs: -7,
      boundMs: 2,
      falsetickers: [],
    });
    expect(marzullo([])).toBeNull();
  });
});

describe('drift', () => {
  it('estimates a known drift in ppm from successive bursts', () => {
    const tracker = new DriftTracker();
    expect(tracker.driftPpm()).toBeNull();
    for (let n = 0; n < 6; n += 1)
      tracker.add({ atLocalMs: n * 10_000, offsetMs: 500 + (n * 10_000 * 40) / 1e6 + (n % 2 ? 0.02 : -0.02) });
    expect(tracker.driftPpm()).toBeCloseTo(40, 0);
  });
});
