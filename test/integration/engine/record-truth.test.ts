// The record is the truth, proven from the server's side: every order the simulator made is a success in the record
// and in the ledger, no account holds two, nothing is recorded that the server did not make — with answers lost,
// keys honoured or ignored, with or without an order lookup, and across campaigns.
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineFixture, type EngineFixture } from '../../helpers/engine-fixture';
import { compareWithServer, reconcileUntilSettled } from '../../helpers/server-truth';

let fixture: EngineFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const waitForState = async (f: EngineFixture, id: string, state: string): Promise<void> => {
  while (f.app.engine.get(id).state !== state) await new Promise((resolve) => setTimeout(resolve, 10));
};

/** A profile for a target that books again on a repeated key (many real services do). */
const keysIgnored = (text: string): string =>
  text.replace('idempotencyKeyHonoured: true', 'idempotencyKeyHonoured: false');
const withoutOrderLookup = (text: string): string => keysIgnored(text.replace(/\norderStatus:[\s\S]*$/, '\n'));

describe('the record is the truth', () => {
  it('holds every booking the server made, none twice, when a third of the answers are lost', async () => {
    fixture = createEngineFixture();
    await fixture.start({
      items: [{ id: 'T1', name: 'T', stock: 12, opensAt: 'in 2500ms' }],
      accounts: { count: 20 },
      seed: 7,
    });
    const sim = fixture.app.sim.current()!;
    const campaign = fixture.app.engine.create({
      name: 'lost answers',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 20 },
      limits: { maxDurationMs: 3_000 },
    });
    const { done } = fixture.app.engine.arm(campaign.id);
    await waitForState(fixture, campaign.id, 'firing');
    sim.setFaults('all', { dropResponseRate: 0.35 }); // committed, then the answer is lost on the way back
    const summary = (await done)!;
    expect(summary.state).toBe('completed');
    expect(await reconcileUntilSettled(fixture.app)).toBe(0);
    const orders = sim.service.inventory.allOrders();
    expect(orders.length).toBe(12); // sold out
    const truth = compareWithServer(fixture.app, 'simulator', [campaign.id], orders);
    expect(truth).toMatchObject({ lost: [], duplicates: [], phantom: [], notInLedger: [] });
    // Lost answers did happen, and were settled: the record says how (answer, replay or lookup), never "unknown".
    const bookRequests = sim.arrivals().filter((a) => a.route.endsWith('/book')).length;
    expect(bookRequests).toBeGreaterThan(12);
    expect(fixture.app.intents.counts(campaign.id)).toMatchObject({ booked: 12, unknown: 0, prepared: 0, sent: 0 });
  });

  it('asks the order lookup before booking again when the target ignores repeated keys', async () => {
    fixture = createEngineFixture();
    fixture.addTarget('keyless', keysIgnored);
    await fixture.start(
      {
        items: [{ id: 'T1', name: 'T', stock: 40, perAccountLimit: 5, opensAt: 'in 2500ms' }],
        accounts: { count: 10 },
        idempotency: 'ignored',
        seed: 11,
      },
      10,
      'keyless',
    );
    const sim = fixture.app.sim.current()!;
    const campaign = fixture.app.engine.create({
      name: 'keyless',
      target: 'keyless',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 10 },
      limits: { maxDurationMs: 3_000 },
    });
    const { done } = fixture.app.engine.arm(campaign.id);
    await waitForState(fixture, campaign.id, 'firing');
    sim.setFaults('all', { dropResponseRate: 0.4 });
    await done;
    sim.setFaults('all', { dropResponseRate: 0 });
    expect(await reconcileUntilSettled(fixture.app)).toBe(0);
    const orders = sim.service.inventory.allOrders();
    // The service would have taken up to five per account: any retry without the lookup shows as a duplicate.
    const truth = compareWithServer(fixture.app, 'keyless', [campaign.id], orders);
    expect(truth).toMatchObject({ lost: [], duplicates: [], phantom: [], notInLedger: [] });
    expect(orders.length).toBe(10);
    const lookups = sim.arrivals().filter((a) => a.route.startsWith('GET /api/orders/'));
    expect(lookups.length).toBeGreaterThan(0);
    // On the wire: one key per account, on every request it sent.
    const keysByAccount = new Map<string, Set<string>>();
    for (const arrival of sim.arrivals())
      if (arrival.key && arrival.account)
        keysByAccount.set(arrival.account, (keysByAccount.get(arrival.account) ?? new Set()).add(arrival.key));
    expect(keysByAccount.size).toBe(10);
    for (const keys of keysByAccount.values()) expect(keys.size).toBe(1);
  });

  it('stops an account whose answer was lost when nothing can tell whether it booked, and keeps it unknown', async () => {
    fixture = createEngineFixture();
    fixture.addTarget('blind', withoutOrderLookup);
    await fixture.start(
      {
        items: [{ id: 'T1', name: 'T', stock: 40, perAccountLimit: 5, opensAt: 'in 2500ms' }],
        accounts: { count: 4 },
        idempotency: 'ignored',
      },
      4,
      'blind',
    );
    const sim = fixture.app.sim.current()!;
    const campaign = fixture.app.engine.create({
      name: 'blind',
      target: 'blind',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 4 },
      limits: { maxDurationMs: 2_000 },
    });
    const { done } = fixture.app.engine.arm(campaign.id);
    await waitForState(fixture, campaign.id, 'firing');
    sim.setFaults('all', { dropResponseRate: 1 });
    const summary = (await done)!;
    const books = sim.arrivals().filter((a) => a.route.endsWith('/book'));
    expect(books).toHaveLength(4); // one each: no retry into a possible second booking
    expect(summary.intents).toEqual({ booked: 0, notBooked: 0, unknown: 4 });
    // Their leases are kept until a reconciliation settles them, and it says why it cannot.
    const leased = fixture.app.accounts.list('blind').filter((a) => a.leaseOwner === campaign.id);
    expect(leased).toHaveLength(4);
    const [report] = await fixture.app.engine.reconcileInterrupted();
    expect(report).toMatchObject({ campaignId: campaign.id, checked: 4, unknown: 4 });
    expect(report!.error).toMatch(/no orderStatus/);
    // A new campaign on the same item leaves them out: their first booking may exist.
    sim.setFaults('all', { dropResponseRate: 0 });
    await expect(
      fixture.app.engine.run(
        fixture.app.engine.create({
          name: 'again',
          target: 'blind',
          item: 'T1',
          opensAt: 'in 1500ms', // the item is open already: a past instant would be refused
          accounts: { count: 4 },
        }).id,
      ),
    ).rejects.toThrow(/only 0 are free.*leaving out 4/);
  });

  it('leaves accounts that already booked the item out of the next campaign, and says so', async () => {
    fixture = createEngineFixture();
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 10, opensAt: 'in 2500ms' }], accounts: { count: 6 } });
    const sim = fixture.app.sim.current()!;
    const first = await fixture.run({ item: 'T1', accounts: { count: 3 } });
    expect(first.successes).toBe(3);
    const second = await fixture.run({ item: 'T1', opensAt: 'in 1500ms', accounts: { count: 6 } });
    expect(second.leftOut).toEqual({ alreadyBooked: 3, unsettled: 0 });
    expect(second.accounts).toBe(3);
    expect(second.successes).toBe(3);
    const orders = sim.service.inventory.allOrders();
    expect(orders).toHaveLength(6);
    const truth = compareWithServer(fixture.app, 'simulator', [first.id, second.id], orders);
    expect(truth).toMatchObject({ lost: [], duplicates: [], phantom: [], notInLedger: [] });
    expect(fixture.app.intents.ledger('simulator', 'T1')).toHaveLength(6);
    // More per account than the target allows is refused, naming the field.
    expect(() =>
      fixture!.app.engine.create({
        name: 'greedy',
        target: 'simulator',
        item: 'T1',
        opensAt: 'item',
        accounts: { count: 1, bookingsPerAccount: 2 },
      }),
    ).toThrow('accounts.bookingsPerAccount: 2 is more than the target allows (1 per account)');
  });
});

describe('a local clock far off', () => {
  it('plans on the target time throughout when this machine is 20 s behind, and says so', async () => {
    const behind = { nowMs: () => performance.timeOrigin + performance.now() - 20_000 };
    fixture = createEngineFixture({ clock: behind });
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 5, opensAt: 'in 3s' }], accounts: { count: 3 } });
    const sim = fixture.app.sim.current()!;
    const summary = await fixture.run({ item: 'T1', accounts: { count: 3 } });
    expect(summary.state).toBe('completed');
    expect(summary.successes).toBe(3);
    expect(summary.warnings.join('\n')).toMatch(/this machine's clock is 20\.0 s behind the target's/);
    // From the server's side: the first booking request arrived at the open instant, not 20 s off it.
    const openAt = sim.stats().items[0]!.openAtServerMs;
    const firstBook = sim.arrivals().find((a) => a.route.endsWith('/book'))!;
    expect(firstBook.serverMs - openAt).toBeGreaterThanOrEqual(-5);
    expect(firstBook.serverMs - openAt).toBeLessThan(100);
  });
});
