// The budget as the server sees it: slots from several buckets at once never crowd one of them, a client-wide pause
// holds every request, and a drift the samples cannot support is never applied.
import { describe, expect, it } from 'vitest';
import { RateLimiter, reserveAll } from '../../../electron/engine/rate-limiter';
import { TargetBudget } from '../../../electron/engine/target-budget';
import { TokenBuckets } from '../../../electron/sim/token-bucket';
import { DriftTracker } from '../../../electron/clock/drift-tracker';

describe('reserveAll', () => {
  it('books every bucket at the instant the request leaves, so a strict bucket of the same size refuses none', () => {
    // The target's bucket and slow per-account buckets: the account's slot is often later than the target's.
    const target = new RateLimiter(10, 3);
    const accounts = Array.from({ length: 6 }, () => new RateLimiter(1, 1));
    const server = new TokenBuckets({ ratePerSec: 10, burst: 3 });
    let refused = 0;
    let now = 0;
    for (let n = 0; n < 300; n += 1) {
      const at = reserveAll([accounts[n % 6]!, target], now);
      if (server.take('client', at) > 0) refused += 1;
      now = Math.max(now, at - 400); // requests planned ahead, as the runner does
    }
    expect(refused).toBe(0);
  });
});

describe('TargetBudget', () => {
  it('holds every request until a client-wide pause has passed, slots granted before it included', async () => {
    let now = 0;
    const clock = { nowMs: () => now };
    const budget = new TargetBudget(1_000, 100, clock);
    budget.pauseUntil(50);
    const taken: number[] = [];
    const waiting = [budget.take(), budget.take()].map((p) => p.then(() => taken.push(clock.nowMs())));
    now = 60;
    await Promise.all(waiting);
    expect(taken.every((at) => at >= 50)).toBe(true);
  });

  it('spends less than the declared budget: 95% of the rate, one token short of the burst', () => {
    const budget = new TargetBudget(20, 10, { nowMs: () => 0 });
    expect(budget.limiter.ratePerSec).toBeCloseTo(19);
    expect(budget.limiter.burst).toBe(9);
  });
});

describe('DriftTracker', () => {
  it('applies no drift from two Date-header bursts seconds apart: their bounds explain any slope', () => {
    const tracker = new DriftTracker();
    tracker.add({ atLocalMs: 0, offsetMs: 0, boundMs: 3 });
    tracker.add({ atLocalMs: 12_000, offsetMs: 1.85, boundMs: 3 }); // 154 ppm, inside ±500 ppm of noise
    expect(tracker.driftPpm()).toBeNull();
    expect(tracker.estimate()!.uncertaintyPpm).toBeGreaterThan(154);
  });

  it('applies a drift the bounds cannot explain, and grows the bound by its uncertainty', () => {
    const tracker = new DriftTracker();
    for (let n = 0; n <= 6; n += 1) tracker.add({ atLocalMs: n * 10_000, offsetMs: n * 10_000 * 50e-6, boundMs: 0.05 });
    expect(tracker.driftPpm()).toBeCloseTo(50, 0);
    expect(tracker.boundGrowthPpm()).toBeGreaterThanOrEqual(15);
  });
});
