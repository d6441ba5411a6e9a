import { afterEach, describe, expect, it, vi } from 'vitest';
import { FireScheduler, MAX_WAKE_LEAD_MS, MIN_WAKE_LEAD_MS } from '../../../electron/engine/fire-scheduler';
import { systemLocalClock, type LocalClock } from '../../../electron/clock';

describe('fire scheduler', () => {
  it('releases waiters due together in one pass: every release callback runs before any wait continues', async () => {
    const scheduler = new FireScheduler(systemLocalClock);
    const at = systemLocalClock.nowMs() + 20;
    const order: string[] = [];
    const waits = [0, 1, 2].map(async (n) => {
      await scheduler.at(at, () => order.push(`fire ${n}`));
      order.push(`continue ${n}`);
    });
    await Promise.all(waits);
    expect(order).toEqual(['fire 0', 'fire 1', 'fire 2', 'continue 0', 'continue 1', 'continue 2']);
  });

  it('releases in instant order, never before the instant, and a failing callback does not stop the others', async () => {
    const scheduler = new FireScheduler(systemLocalClock);
    const start = systemLocalClock.nowMs();
    const seen: Array<[string, number]> = [];
    await Promise.all([
      scheduler.at(start + 30, () => seen.push(['late', systemLocalClock.nowMs() - start])),
      scheduler.at(start + 10, () => {
        seen.push(['early', systemLocalClock.nowMs() - start]);
        throw new Error('its own problem');
      }),
    ]);
    expect(seen.map(([name]) => name)).toEqual(['early', 'late']);
    expect(seen[0]![1]).toBeGreaterThanOrEqual(10);
    expect(seen[1]![1]).toBeGreaterThanOrEqual(30);
  });

  it('warms each waiter of a release in the same pass just before it, and only those; a failing warm-up is its own', async () => {
    const scheduler = new FireScheduler(systemLocalClock);
    const at = systemLocalClock.nowMs() + 20;
    const order: string[] = [];
    await Promise.all([
      scheduler.at(
        at,
        () => order.push('fire 0'),
        () => {
          order.push('warm 0');
          throw new Error('its own problem');
        },
      ),
      scheduler.at(
        at,
        () => order.push('fire 1'),
        () => order.push('warm 1'),
      ),
      scheduler.at(
        at + 40,
        () => order.push('fire later'),
        () => order.push('warm later'),
      ),
    ]);
    expect(order).toEqual(['warm 0', 'warm 1', 'fire 0', 'fire 1', 'warm later', 'fire later']);
  });

  it('ends every wait on cancel without calling the release callbacks', async () => {
    const scheduler = new FireScheduler(systemLocalClock);
    let fired = 0;
    const wait = scheduler.at(systemLocalClock.nowMs() + 60_000, () => (fired += 1));
    scheduler.cancelAll();
    await wait;
    expect(fired).toBe(0);
    expect(scheduler.pending).toBe(0);
  });
});

describe('fire scheduler: waking on time on a slow machine', () => {
  afterEach(() => vi.useRealTimers());

  /** A clock the test moves, ticking 1 µs per read so that the release's spin ends. */
  function testClock(): LocalClock & { t: number } {
    return {
      t: 1_000,
      nowMs() {
        this.t += 0.001;
        return this.t;
      },
    };
  }

  it('stops warming up before the instant rather than start the release late', async () => {
    const clock = testClock();
    const scheduler = new FireScheduler(clock);
    const at = clock.t + 10;
    let warmed = 0;
    const firedAt: number[] = [];
    // Each warm-up costs 1 ms: forty of them would end 30 ms after the instant.
    const waits = Array.from({ length: 40 }, () =>
      scheduler.at(
        at,
        () => firedAt.push(clock.nowMs()),
        () => {
          warmed += 1;
          clock.t += 1;
        },
      ),
    );
    await Promise.all(waits);
    expect(firedAt).toHaveLength(40);
    expect(warmed).toBeGreaterThan(0);
    expect(warmed).toBeLessThan(40);
    expect(firedAt[0]! - at).toBeLessThan(1);
  });

  it('leads the coarse timer by the lateness it measured, within its bounds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = testClock();
    const scheduler = new FireScheduler(clock);
    expect(scheduler.wakeLeadMs).toBe(MIN_WAKE_LEAD_MS);
    // Every timer wakes 7 ms after it was due: the clock moves 12 ms while the timer is asked for 5.
    const measuring = scheduler.measureWake(4, 5);
    for (let n = 0; n < 4; n += 1) {
      clock.t += 12;
      await vi.advanceTimersByTimeAsync(5);
    }
    expect(await measuring).toBeCloseTo(8, 1);

    // The release's timer is set that much before the instant, so a 7 ms late wake still spins to it.
    const delays: number[] = [];
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const at = clock.t + 100;
    let releasedAt = 0;
    const wait = scheduler.at(at, () => (releasedAt = clock.nowMs()));
    for (const call of setTimeoutSpy.mock.calls) delays.push(call[1] as number);
    expect(delays.at(-1)).toBeCloseTo(100 - 8, 1);
    clock.t = at - 8 + 7; // the timer wakes 7 ms late: still before the instant
    await vi.advanceTimersByTimeAsync(100);
    await wait;
    expect(releasedAt).toBeGreaterThanOrEqual(at);
    expect(releasedAt - at).toBeLessThan(0.01);
  });

  it('keeps the lead between 3 ms and 25 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = testClock();
    const scheduler = new FireScheduler(clock);
    const measuring = scheduler.measureWake(2, 5);
    for (let n = 0; n < 2; n += 1) {
      clock.t += 505; // half a second late: a machine that slept
      await vi.advanceTimersByTimeAsync(5);
    }
    expect(await measuring).toBe(MAX_WAKE_LEAD_MS);
  });
});
