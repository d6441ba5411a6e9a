// The tab title counts down to the next armed campaign in whole seconds of server time, says when one fires, and
// is the app's name otherwise.
import { describe, expect, it } from 'vitest';
import { windowTitle } from '../../renderer/src/components/window-title-text';
import type { CampaignViewWire } from '../../electron/ipc/contract';

const campaign = (over: Partial<CampaignViewWire>): CampaignViewWire => ({
  id: 'c',
  name: 'Rush',
  targetId: 'simulator',
  itemId: 'G1234',
  openAtServerMs: 100_000,
  timeZone: 'UTC',
  state: 'armed',
  spec: {},
  summary: null,
  observedOpenAtServerMs: null,
  createdAtMs: 0,
  errorMessage: null,
  cluster: null,
  intents: { prepared: 0, sent: 0, unknown: 0, booked: 0, notBooked: 0 },
  ...over,
});

describe('window title', () => {
  it('counts down to the nearest armed campaign', () => {
    const campaigns = [
      campaign({ name: 'Later', openAtServerMs: 500_000 }),
      campaign({ name: 'Sooner', openAtServerMs: 100_000 }),
      campaign({ name: 'Done', state: 'completed', openAtServerMs: 50_000 }),
    ];
    expect(windowTitle(campaigns, 100_000 - 12_300, 'en')).toBe('T−00:00:13 · Sooner · Tminus');
  });

  it('says a campaign fires, and is the app name when nothing is armed', () => {
    expect(windowTitle([campaign({ state: 'firing' })], 0, 'en')).toBe('firing · Rush · Tminus');
    expect(windowTitle([campaign({ state: 'firing' })], 0, 'zh-CN')).toMatch(/^发射中 · Rush/);
    expect(windowTitle([campaign({ state: 'cancelled' })], 0, 'en')).toBe('Tminus');
  });
});
