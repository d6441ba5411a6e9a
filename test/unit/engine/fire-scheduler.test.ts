import { describe, expect, it } from 'vitest';
import { FireScheduler } from '../../../electron/engine/fire-scheduler';
import { systemLocalClock } from '../../../electron/clock';

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
