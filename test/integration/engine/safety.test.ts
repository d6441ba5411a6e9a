import { afterEach, describe, expect, it } from 'vitest';
import { createEngineFixture, type EngineFixture } from '../../helpers/engine-fixture';
import { validateProfile } from '../../../electron/targets';
import { simulatorProfileText } from '../../helpers/simulator-profile';
import { idempotencyKey } from '../../../electron/engine';

let fixture: EngineFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('never twice', () => {
  it('finds a booking made just before a crash by its idempotency key, and books nothing a second time', async () => {
    fixture = createEngineFixture();
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 10, opensAt: 'in 2500ms' }], accounts: { count: 3 } });
    const sim = fixture.app.sim.current()!;
    const campaign = fixture.app.engine.create({
      name: 'crash',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 3 },
      limits: { maxDurationMs: 600 },
    });
    const { done } = fixture.app.engine.arm(campaign.id);
    while (fixture.app.engine.get(campaign.id).state !== 'firing')
      await new Promise((resolve) => setTimeout(resolve, 20));
    // From now on every answer is lost on the way back: the bookings commit, the client never hears of them.
    sim.setFaults('all', { dropResponseRate: 1 });
    const summary = await done;
    expect(summary?.successes).toBe(0);
    expect(summary?.intents).toEqual({ booked: 0, notBooked: 0, unknown: 3 }); // said, not hidden as "not booked"
    expect(sim.service.inventory.allOrders()).toHaveLength(3); // each account booked exactly once (its retries replayed)
    // The process "crashed" mid-campaign: the row still says firing. At the next start, reconciliation runs.
    fixture.app.store.db.prepare("UPDATE campaigns SET state = 'firing' WHERE id = ?").run(campaign.id);
    sim.setFaults('all', { dropResponseRate: 0 });
    const booksBefore = sim.arrivals().filter((a) => a.route.endsWith('/book')).length;
    const reconciled = await fixture.app.engine.reconcileInterrupted();
    expect(reconciled).toEqual([
      { campaignId: campaign.id, checked: 3, found: 3, notFound: 0, unknown: 0, error: null },
    ]);
    expect(fixture.app.engine.get(campaign.id).state).toBe('interrupted');
    const successes = fixture.app.attempts.page(campaign.id, 1000, 0).filter((a) => a.outcome === 'success');
    expect(successes.map((a) => a.errorCode)).toEqual(['RECONCILED', 'RECONCILED', 'RECONCILED']);
    expect(successes.map((a) => a.orderId).sort()).toEqual(
      sim.service.inventory
        .allOrders()
        .map((o) => o.orderId)
        .sort(),
    );
    expect(sim.arrivals().filter((a) => a.route.endsWith('/book'))).toHaveLength(booksBefore); // looked up, not re-booked
    expect(sim.service.inventory.allOrders()).toHaveLength(3);
    expect(await fixture.app.engine.reconcileInterrupted()).toEqual([]);
  });

  it('keeps the same idempotency key for an account and item across retries and restarts', async () => {
    expect(idempotencyKey('c1', 7, 'T1')).toBe(idempotencyKey('c1', 7, 'T1'));
    expect(idempotencyKey('c1', 7, 'T1')).not.toBe(idempotencyKey('c1', 8, 'T1'));
    fixture = createEngineFixture();
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 5, opensAt: 'in 2500ms' }], accounts: { count: 1 } });
    const sim = fixture.app.sim.current()!;
    const campaign = fixture.app.engine.create({
      name: 'keys',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 1 },
      limits: { maxDurationMs: 3_000 },
    });
    const { done } = fixture.app.engine.arm(campaign.id);
    while (fixture.app.engine.get(campaign.id).state !== 'firing')
      await new Promise((resolve) => setTimeout(resolve, 10));
    sim.setFaults('all', { dropResponseRate: 1 }); // the first answers are lost: the account must retry
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    sim.setFaults('all', { dropResponseRate: 0 });
    const summary = { id: campaign.id, ...(await done)! };
    expect(summary.successes).toBe(1);
    // What the target saw, not what we stored: every booking request of the account carried one key.
    const books = fixture.app.sim
      .current()!
      .arrivals()
      .filter((a) => a.route.endsWith('/book'));
    expect(books.length).toBeGreaterThan(1); // the injected errors made it retry
    expect(new Set(books.map((a) => a.key))).toEqual(new Set([idempotencyKey(summary.id, 1, 'T1')]));
  });
});

describe('profiles are checked before anything is sent', () => {
  it('refuses a malformed profile with the path and line of every problem', () => {
    const text = simulatorProfileText()
      .replace('targetRatePerSec: 400', 'targetRatePerSec: -5')
      .replace('outcome: soldOut', 'outcome: gone');
    const result = validateProfile(text);
    expect(result.ok).toBe(false);
    const messages = !result.ok ? result.problems.map((p) => p.message) : [];
    expect(messages.some((m) => /^limits\.targetRatePerSec: .*\(line \d+, column \d+\)$/.test(m))).toBe(true);
    expect(messages.some((m) => /^outcomes\.1\.outcome: .*line \d+/.test(m))).toBe(true);
  });

  it('refuses an unknown template variable and a bad JMESPath expression, naming where they are', () => {
    const text = simulatorProfileText()
      .replace("'{{attempt.key}}' }", "'{{attempt.nonce}}' }")
      .replace('when: "code == \'SOLD_OUT\'"', 'when: "code == "');
    const result = validateProfile(text);
    expect(result.ok).toBe(false);
    const problems = !result.ok ? result.problems : [];
    expect(problems.find((p) => p.path === 'book.request.headers.Idempotency-Key')?.message).toMatch(
      /unknown template variable \{\{attempt\.nonce\}\}.*line \d+/,
    );
    expect(problems.find((p) => p.path === 'outcomes.1.when')?.message).toMatch(/not a JMESPath expression/);
  });

  it('a campaign on a target with a broken profile fails before any request reaches it', async () => {
    fixture = createEngineFixture();
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 1, opensAt: 'in 5s' }], accounts: { count: 1 } });
    fixture.addTarget('broken', (text) =>
      text
        .replace("'{{tokens.access}}'", "'{{tokens.secret}}'")
        .replace("'Bearer {{tokens.access}}'", "'Bearer {{tokens.secret}}'"),
    );
    const before = fixture.app.sim.current()!.arrivals().length;
    expect(() =>
      fixture!.app.engine.create({ name: 'x', target: 'broken', item: 'T1', opensAt: 'item', accounts: { count: 1 } }),
    ).toThrow(/unknown template variable \{\{tokens\.secret\}\}/);
    expect(fixture.app.sim.current()!.arrivals().length).toBe(before);
  });
});

describe('campaign limits', () => {
  it('refuses a campaign that asks for more than the target allows, naming the field', async () => {
    fixture = createEngineFixture();
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 1, opensAt: 'in 5s' }], accounts: { count: 1 } });
    expect(() =>
      fixture!.app.engine.create({
        name: 'x',
        target: 'simulator',
        item: 'T1',
        opensAt: 'item',
        accounts: { count: 1 },
        limits: { targetRatePerSec: 9_999 },
      }),
    ).toThrow('limits.targetRatePerSec: 9999 is more than the target allows (400/s)');
    const reply = await fixture.app.router.dispatch('campaigns/create', {
      name: 'x',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 0 },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', issues: [{ path: 'accounts.count' }] } });
  });
});

describe('editing a draft', () => {
  it('replaces a draft, checked like a new one, and refuses once it is armed', async () => {
    fixture = createEngineFixture();
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 1, opensAt: 'in 30s' }], accounts: { count: 2 } });
    const spec = { name: 'x', target: 'simulator', item: 'T1', opensAt: 'item' as const, accounts: { count: 1 } };
    const campaign = fixture.app.engine.create(spec);
    const edited = fixture.app.engine.update(campaign.id, { ...spec, name: 'y', accounts: { count: 2 } });
    expect(edited).toMatchObject({ id: campaign.id, name: 'y', state: 'draft', spec: { accounts: { count: 2 } } });
    expect(() => fixture!.app.engine.update(campaign.id, { ...spec, limits: { accountRatePerSec: 99 } })).toThrow(
      /limits.accountRatePerSec: 99 is more than the target allows/,
    );
    expect(fixture.app.engine.get(campaign.id).name).toBe('y');
    const reply = await fixture.app.router.dispatch('campaigns/update', {
      id: campaign.id,
      spec: { ...spec, notify: [7] },
    });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'NOTIFIER_NOT_FOUND', message: 'spec.notify[0]: no notifier 7' },
    });
    fixture.app.engine.arm(campaign.id);
    expect(() => fixture!.app.engine.update(campaign.id, spec)).toThrow(/only a draft can be edited/);
    await fixture.app.engine.cancel(campaign.id);
  });
});

describe('cancel', () => {
  it('stops a firing campaign, records nothing more, and releases its leases', async () => {
    fixture = createEngineFixture();
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 5, opensAt: 'in 2500ms' }], accounts: { count: 4 } });
    // Fired 1.5 s early: the accounts keep getting notOpen until cancelled.
    const campaign = fixture.app.engine.create({
      name: 'c',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 4 },
      strategy: { kind: 'single', leadMs: 1_500 },
    });
    const { done } = fixture.app.engine.arm(campaign.id);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(fixture.app.engine.get(campaign.id).state).toBe('firing');
    expect(fixture.app.accounts.list('simulator').filter((a) => a.leaseOwner === campaign.id)).toHaveLength(4);
    await fixture.app.engine.cancel(campaign.id);
    const summary = await done;
    expect(fixture.app.engine.get(campaign.id).state).toBe('cancelled');
    expect(summary?.state).toBe('cancelled');
    const count = fixture.app.attempts.count(campaign.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fixture.app.attempts.count(campaign.id)).toBe(count);
    expect(fixture.app.accounts.list('simulator').every((a) => a.leaseOwner === null)).toBe(true);
    expect(fixture.app.sim.current()!.service.inventory.allOrders()).toHaveLength(0);
  });

  it('ends an armed campaign cancelled while it waits to arm or to fire: its end settles, nothing is sent', async () => {
    fixture = createEngineFixture();
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 5, opensAt: 'in 30s' }], accounts: { count: 2 } });
    const spec = { target: 'simulator', item: 'T1', opensAt: 'item' as const, accounts: { count: 1 } };
    const waiting = fixture.app.engine.create({ ...spec, name: 'waits to arm', armLeadMs: 5_000 });
    const armed = fixture.app.engine.create({ ...spec, name: 'armed, waits to fire', armLeadMs: 29_000 });
    const ends = [waiting, armed].map((campaign) => fixture!.app.engine.arm(campaign.id).done);
    await expect.poll(() => fixture!.app.engine.readiness(armed.id)?.phase, { timeout: 15_000 }).toBe('ready');
    for (const campaign of [waiting, armed]) await fixture.app.engine.cancel(campaign.id);
    // Before the fix the wait's timer was cleared and its promise never settled: `tminus run` hung, the engine
    // kept the campaign as running, and a cluster node kept its leases.
    const settled = await Promise.race([
      Promise.all(ends),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3_000)),
    ]);
    expect(settled).toEqual([null, null]);
    for (const campaign of [waiting, armed]) {
      expect(fixture.app.engine.get(campaign.id).state).toBe('cancelled');
      expect(fixture.app.engine.isActive(campaign.id)).toBe(false);
    }
    expect(fixture.app.accounts.list('simulator').every((a) => a.leaseOwner === null)).toBe(true);
    expect(fixture.app.attempts.count(armed.id)).toBe(0);
  });
});
