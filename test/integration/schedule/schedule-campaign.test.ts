// From a cron firing to a booking: a schedule in a named zone fires, its campaign is created with the open instant
// the schedule says, armed, fires against the real simulator, and books — judged on the simulator's orders.
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineFixture, type EngineFixture } from '../../helpers/engine-fixture';
import { compareWithServer } from '../../helpers/server-truth';

let fixture: EngineFixture | undefined;
afterEach(async () => {
  await fixture?.app.scheduler.stop();
  await fixture?.close();
  fixture = undefined;
});

describe('a schedule, end to end', () => {
  it('fires on its cron, arms a real campaign that opens when the schedule says, and books', async () => {
    fixture = createEngineFixture();
    // The item is open from the start: the schedule, not the item, decides when the campaign fires.
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 3, opensAt: 0 }], accounts: { count: 3 } });
    const f = fixture;
    const sim = f.app.sim.current()!;
    const started: Array<{ runAtMs: number; campaignId: string | null }> = [];
    f.app.bus.on('schedule/run', (event) => {
      if (event.state === 'started') started.push({ runAtMs: event.runAtMs, campaignId: event.campaignId });
    });
    f.app.scheduler.start();
    const schedule = f.app.scheduler.add({
      name: 'every second',
      cron: '* * * * * *',
      timeZone: 'Asia/Shanghai',
      opensAfterMs: 1_500,
      template: {
        name: 'scheduled',
        target: 'simulator',
        item: 'T1',
        accounts: { count: 3 },
        armLeadMs: 1_000,
        limits: { maxDurationMs: 2_000 },
      },
    });
    while (started.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await f.app.scheduler.setEnabled(schedule.id, false); // one run is the test
    const { runAtMs, campaignId } = started[0]!;
    const campaign = f.app.engine.get(campaignId!);
    expect(campaign.openAtServerMs - runAtMs).toBeCloseTo(1_500, -1);
    while (!['completed', 'failed'].includes(f.app.engine.get(campaign.id).state))
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(f.app.engine.get(campaign.id).state).toBe('completed');
    const orders = sim.service.inventory.allOrders();
    expect(orders).toHaveLength(3);
    expect(compareWithServer(f.app, 'simulator', [campaign.id], orders)).toMatchObject({ lost: [], duplicates: [] });
    // The first booking arrived at the scheduled open instant, not before it.
    const firstBook = sim.arrivals().find((a) => a.route.endsWith('/book'))!;
    expect(firstBook.serverMs).toBeGreaterThanOrEqual(campaign.openAtServerMs - 5);
  });
});
