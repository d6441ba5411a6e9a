import { describe, expect, it } from 'vitest';
import { burstLeadMs } from '../../electron/engine/burst-calibration';
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
