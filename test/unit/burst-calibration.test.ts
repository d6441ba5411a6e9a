import { describe, expect, it, vi } from 'vitest';
import { burstLeadMs, calibrateBurst } from '../../electron/engine/burst-calibration';
import { RateLimiter } from '../../electron/engine/rate-limiter';
import { TokenBuckets } from '../../electron/sim/token-bucket';
import type { FireScheduler } from '../../electron/engine/fire-scheduler';
import { CampaignSpecSchema } from '../../electron/engine/campaign-spec';

describe('burst lead', () => {
  it('is zero on time (the default) and the calibrated lateness scaled to the burst when centered', () => {
    const calibration = { size: 100, lateMs: 4 };
    expect(burstLeadMs(calibration, 200, 'on-time')).toBe(0);
    expect(burstLeadMs(calibration, 200, 'centered')).toBe(8);
    expect(burstLeadMs(calibration, 50, 'centered')).toBe(2);
    expect(burstLeadMs({ size: 0, lateMs: 3 }, 1, 'centered')).toBe(3);
    const spec = CampaignSpecSchema.parse({
      name: 'x',
      target: 't',
      item: 'i',
      opensAt: 'item',
      accounts: { count: 1 },
    });
    expect(spec.strategy.burst).toBe('on-time');
  });
});

describe('calibration burst inside the budget', () => {
  it('never releases more together than the bucket holds: a strict bucket of the declared size refuses none', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const limiter = new RateLimiter(50, 20); // declared: 50/s, burst 20
      const judge = new TokenBuckets({ ratePerSec: 50, burst: 20 }); // the target's own bucket, just as strict
      const sent: number[] = [];
      let refused = 0;
      const scheduler = {
        at: (atMs: number, onRelease?: () => void) =>
          new Promise<void>((resolve) =>
            setTimeout(
              () => {
                onRelease?.();
                resolve();
              },
              Math.max(0, atMs - Date.now()),
            ),
          ),
      } as unknown as FireScheduler;
      const calibrating = calibrateBurst({
        count: 200,
        send: async () => {
          sent.push(Date.now());
          if (judge.take('client', Date.now()) > 0) refused += 1;
          return {
            endpoint: 'e',
            sentLocalMs: Date.now(),
            latencyMs: 1,
            status: 200,
            headers: {},
            body: null,
            networkError: null,
            raw: null,
          };
        },
        clock: { nowMs: () => Date.now() },
        scheduler,
        targetLimiter: limiter,
        serverTimeHeader: undefined,
        offsetMs: 0,
        rttMs: 0,
        stopSignal: new AbortController().signal,
      });
      await vi.runAllTimersAsync();
      const calibration = await calibrating;
      expect(sent).toHaveLength(200); // every connection is still proven
      expect(refused).toBe(0);
      expect(calibration.size).toBe(20); // the burst measured is the bucket's, not the 200
      const together = Math.max(...[...new Set(sent)].map((t) => sent.filter((s) => s === t).length));
      expect(together).toBeLessThanOrEqual(20);
    } finally {
      vi.useRealTimers();
    }
  });
});
