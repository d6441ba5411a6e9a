// A full disk mid-rush (SQLite's own SQLITE_FULL, from a page limit on the real file): nothing escapes a timer, the
// answers wait in memory and are written once the disk takes them, no account starts firing meanwhile, and a
// campaign is refused at arm when the disk is nearly full. Judged on the simulator's orders.
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineFixture, type EngineFixture } from '../../helpers/engine-fixture';
import { compareWithServer } from '../../helpers/server-truth';

let fixture: EngineFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** No page beyond those the file has: the next write that needs one fails with SQLITE_FULL, as on a full disk. */
const fillDisk = (f: EngineFixture): void => {
  const pages = f.app.store.db.pragma('page_count', { simple: true }) as number;
  f.app.store.db.pragma(`max_page_count = ${pages}`);
};
const freeDisk = (f: EngineFixture): void => void f.app.store.db.pragma('max_page_count = 1073741823');
/** Every write refused (SQLITE_READONLY), as when a disk is remounted read-only after an I/O error. */
const refuseWrites = (f: EngineFixture, refuse: boolean): void => void f.app.store.db.pragma(`query_only = ${refuse}`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('storage faults', () => {
  it('keeps the answers of a rush in memory through a full disk and writes every one when it can', async () => {
    fixture = createEngineFixture();
    await fixture.start({
      items: [{ id: 'T1', name: 'T', stock: 40, opensAt: 'in 2500ms' }],
      accounts: { count: 60 },
      nodes: { latency: { baseMs: 5, jitterMs: 5 } },
    });
    const f = fixture;
    const sim = f.app.sim.current()!;
    const storage: boolean[] = [];
    f.app.bus.on('app/storage', (event) => storage.push(event.ok));
    // The disk fills the moment the first success has been written: everything after it meets SQLITE_FULL.
    const off = f.app.bus.on('attempt/recorded', (event) => {
      if (event.outcome !== 'success') return;
      off();
      fillDisk(f);
      setTimeout(() => f.app.store.db.open && freeDisk(f), 800);
    });
    const campaign = f.app.engine.create({
      name: 'full disk',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 60 },
      limits: { maxDurationMs: 2_000 },
    });
    const summary = (await f.app.engine.arm(campaign.id).done)!;
    expect(summary.storageFault?.code).toBe('SQLITE_FULL');
    expect(summary.successes).toBe(40); // counted from memory while the table could not take them
    while (f.app.engine.recorder.pending > 0) await sleep(50);
    expect(storage).toEqual([false, true]);
    const orders = sim.service.inventory.allOrders();
    expect(orders).toHaveLength(40);
    expect(compareWithServer(f.app, 'simulator', [campaign.id], orders)).toMatchObject({
      lost: [],
      duplicates: [],
      phantom: [],
      notInLedger: [],
    });
    expect(f.app.engine.get(campaign.id)).toMatchObject({ state: 'completed' }); // the deferred writes went through
  });

  it('starts no account while the record cannot be written', async () => {
    fixture = createEngineFixture();
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 8, opensAt: 'in 4s' }], accounts: { count: 4 } });
    const f = fixture;
    const sim = f.app.sim.current()!;
    const campaign = f.app.engine.create({
      name: 'full before the instant',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 4 },
      limits: { maxDurationMs: 1_500 },
    });
    // The clock is probed to plan the arm, again while arming, then re-synced once armed (accounts signed in,
    // intents written): from that re-sync on every write is refused, the 'firing' state's among them — the recorder
    // announces the fault and the first shots stay home.
    let combined = 0;
    f.app.bus.on('clock/sample', (event) => {
      if (event.source === 'combined' && ++combined === 3) refuseWrites(f, true);
    });
    const { done } = f.app.engine.arm(campaign.id);
    const summary = (await done)!;
    expect(summary.storageFault?.code).toBe('SQLITE_READONLY');
    expect(sim.arrivals().filter((a) => a.route.endsWith('/book'))).toHaveLength(0);
    expect(summary.intents).toEqual({ booked: 0, notBooked: 4, unknown: 0 });
    refuseWrites(f, false);
    while (f.app.engine.recorder.pending > 0) await sleep(50);
    expect(f.app.engine.get(campaign.id)).toMatchObject({
      state: 'failed', // it sent nothing: it did not happen
      errorMessage: 'no request was sent: the record could not be written (SQLITE_READONLY)',
    });
    expect(f.app.intents.counts(campaign.id)).toMatchObject({ notBooked: 4 });
  });

  it('refuses to arm when the disk has less room than the margin, and keeps the reason with the campaign', async () => {
    fixture = createEngineFixture({ minFreeBytes: Number.MAX_SAFE_INTEGER });
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 1, opensAt: 'in 5s' }], accounts: { count: 1 } });
    const campaign = fixture.app.engine.create({
      name: 'no room',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 1 },
    });
    await expect(fixture.app.engine.run(campaign.id)).rejects.toThrow(/ended failed: only .* MiB free on the disk/);
    expect(fixture.app.engine.get(campaign.id)).toMatchObject({
      state: 'failed',
      errorMessage: expect.stringMatching(/a campaign needs at least/),
    });
    // Only the clock was asked (to plan the arm): no sign-in, no booking.
    const routes = new Set(
      fixture.app.sim
        .current()!
        .arrivals()
        .map((a) => a.route),
    );
    expect([...routes]).toEqual(['GET /api/time']);
    expect(fixture.app.accounts.list('simulator').every((a) => a.leaseOwner === null)).toBe(true);
  });

  it('waits at close for the disk to take what waits in memory, and says what it could not write', async () => {
    fixture = createEngineFixture({ drainTimeoutMs: 300 });
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 1, opensAt: 'in 5s' }], accounts: { count: 1 } });
    const f = fixture;
    const campaign = f.app.engine.create({
      name: 'c',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 1 },
    });
    refuseWrites(f, true);
    f.app.engine.recorder.defer(() =>
      f.app.store.db.prepare('UPDATE campaigns SET error_message = ? WHERE id = ?').run('kept in memory', campaign.id),
    );
    expect(f.app.engine.recorder.pending).toBe(1);
    // Never freed within the wait: closing fails, naming the fault, rather than pretending it wrote.
    await expect(f.app.engine.close()).rejects.toThrow(
      /1 write\(s\) of the record could not reach the disk \(SQLITE_READONLY/,
    );
    refuseWrites(f, false);
  });

  it('writes what waited in memory once the disk takes it again, before closing', async () => {
    fixture = createEngineFixture({ drainTimeoutMs: 10_000 });
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 1, opensAt: 'in 5s' }], accounts: { count: 1 } });
    const f = fixture;
    const campaign = f.app.engine.create({
      name: 'c',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 1 },
    });
    refuseWrites(f, true);
    f.app.engine.recorder.defer(() =>
      f.app.store.db.prepare('UPDATE campaigns SET error_message = ? WHERE id = ?').run('kept in memory', campaign.id),
    );
    setTimeout(() => refuseWrites(f, false), 700);
    await f.app.engine.close();
    expect(f.app.engine.recorder.pending).toBe(0);
    expect(f.app.engine.get(campaign.id).errorMessage).toBe('kept in memory');
  });
});
