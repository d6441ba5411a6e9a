// Every shipped example profile, driven end to end against the simulator in the matching shape, and judged from the
// server's side: its orders are all in the record, none twice; its arrival log shows the declared budget held.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineFixture, type EngineFixture } from '../../helpers/engine-fixture';
import { compareWithServer } from '../../helpers/server-truth';
import { csv, simAccountsCsv } from '../../helpers/accounts-fixture';
import { simulatorProfileText } from '../../helpers/simulator-profile';
import { scenarioFromObject, type ScenarioInput } from '../../../electron/sim';

let fixture: EngineFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const example = (name: string): string => readFileSync(join('resources/profiles/examples', `${name}.yaml`), 'utf8');

/** Starts the simulator in `scenario` with `profileText` as target `id`, and imports `accounts` into it. */
async function startWith(id: string, profileText: string, scenario: ScenarioInput, accounts: number): Promise<void> {
  fixture = createEngineFixture();
  const { app } = fixture;
  app.targets.upsert({ id, name: id, profileText, profileFormat: 'yaml', builtin: true }, Date.now());
  await app.sim.startScenario(scenarioFromObject(scenario));
  const report = app.accounts.importCsv(id, simAccountsCsv(accounts), { dryRun: false });
  if (!report.ok) throw new Error(JSON.stringify(report.problems));
}

async function runOn(target: string, accounts: number, maxDurationMs = 3_000) {
  const campaign = fixture!.app.engine.create({
    name: target,
    target,
    item: 'T1',
    opensAt: 'item',
    accounts: { count: accounts },
    limits: { maxDurationMs },
  });
  return { id: campaign.id, summary: await fixture!.app.engine.run(campaign.id) };
}

function serverTruth(target: string, campaignId: string) {
  const sim = fixture!.app.sim.current()!;
  return compareWithServer(fixture!.app, target, [campaignId], sim.service.inventory.allOrders());
}

describe('example profiles, each against its shape of the simulator', () => {
  it('no sign-in: accounts carry identity only; every order recorded, none twice, no login sent', async () => {
    await startWith(
      'example-no-sign-in',
      example('no-sign-in'),
      { auth: 'none', items: [{ id: 'T1', name: 'T', stock: 3, opensAt: 'in 3s' }], accounts: { count: 6 } },
      6,
    );
    const { id, summary } = await runOn('example-no-sign-in', 6);
    const truth = serverTruth('example-no-sign-in', id);
    expect(truth.orders).toBe(3);
    expect(truth).toMatchObject({ lost: [], duplicates: [], phantom: [], notInLedger: [] });
    expect(summary.successes).toBe(3);
    expect(summary.satOut.total).toBe(0);
    const arrivals = fixture!.app.sim.current()!.arrivals();
    expect(arrivals.filter((a) => a.route.includes('/api/login'))).toHaveLength(0);
  });

  it('cookie session with form bodies: the jar the sign-in filled carries every booking', async () => {
    await startWith(
      'example-cookie-form',
      example('cookie-form'),
      { auth: 'cookie', items: [{ id: 'T1', name: 'T', stock: 4, opensAt: 'in 3s' }], accounts: { count: 6 } },
      6,
    );
    const { id, summary } = await runOn('example-cookie-form', 6);
    const truth = serverTruth('example-cookie-form', id);
    expect(truth.orders).toBe(4);
    expect(truth).toMatchObject({ lost: [], duplicates: [], phantom: [], notInLedger: [] });
    expect(summary.successes).toBe(4);
    // No booking was refused for want of a session.
    const arrivals = fixture!.app.sim.current()!.arrivals();
    expect(arrivals.filter((a) => a.route.endsWith('/book') && a.status === 401)).toHaveLength(0);
  });

  it('queued booking: 202 and a ticket, polled until decided; every decision recorded, none twice', async () => {
    await startWith(
      'example-queued',
      example('queued'),
      {
        booking: 'queued',
        queueMs: 400,
        items: [{ id: 'T1', name: 'T', stock: 3, opensAt: 'in 3s' }],
        accounts: { count: 6 },
      },
      6,
    );
    const { id, summary } = await runOn('example-queued', 6, 4_000);
    const truth = serverTruth('example-queued', id);
    expect(truth.orders).toBe(3);
    expect(truth).toMatchObject({ lost: [], duplicates: [], phantom: [], notInLedger: [] });
    expect(summary.successes).toBe(3);
    expect(summary.intents.unknown).toBe(0);
    const polls = fixture!.app.sim
      .current()!
      .arrivals()
      .filter((a) => a.route.startsWith('GET /api/queue/'));
    expect(polls.length).toBeGreaterThanOrEqual(6);
  });

  it('hold, then confirm: the hold answer feeds the booking; every order recorded, none twice', async () => {
    await startWith(
      'example-hold-confirm',
      example('hold-confirm'),
      { booking: 'hold-confirm', items: [{ id: 'T1', name: 'T', stock: 3, opensAt: 'in 3s' }], accounts: { count: 5 } },
      5,
    );
    const { id, summary } = await runOn('example-hold-confirm', 5);
    const truth = serverTruth('example-hold-confirm', id);
    expect(truth.orders).toBe(3);
    expect(truth).toMatchObject({ lost: [], duplicates: [], phantom: [], notInLedger: [] });
    expect(summary.successes).toBe(3);
    const arrivals = fixture!.app.sim.current()!.arrivals();
    expect(arrivals.filter((a) => a.code === 'HOLD_REQUIRED')).toHaveLength(0);
    expect(arrivals.filter((a) => a.route.endsWith('/hold') && a.status === 200).length).toBeGreaterThanOrEqual(3);
  });

  it('captcha served as image bytes, its id in a header: read, answered, booked', async () => {
    await startWith(
      'example-captcha-image',
      example('captcha-image'),
      {
        captcha: { mode: 'book', serve: 'image', revealAnswers: true },
        items: [{ id: 'T1', name: 'T', stock: 3, opensAt: 'in 3s' }],
        accounts: { count: 4 },
      },
      4,
    );
    const { id, summary } = await runOn('example-captcha-image', 4);
    const truth = serverTruth('example-captcha-image', id);
    expect(truth.orders).toBe(3);
    expect(truth).toMatchObject({ lost: [], duplicates: [], phantom: [] });
    expect(summary.successes).toBe(3);
    const arrivals = fixture!.app.sim.current()!.arrivals();
    expect(arrivals.filter((a) => a.code === 'CAPTCHA_REQUIRED')).toHaveLength(0);
  });
});

describe('account fields', () => {
  it('sends each account its own field, plain or sealed, and sets aside an account that lacks it', async () => {
    fixture = createEngineFixture();
    const { app } = fixture;
    const id = 'example-account-fields';
    app.targets.upsert(
      { id, name: id, profileText: example('account-fields'), profileFormat: 'yaml', builtin: true },
      Date.now(),
    );
    await app.sim.startScenario(
      scenarioFromObject({
        auth: 'none',
        requirePassenger: true,
        items: [{ id: 'T1', name: 'T', stock: 10, opensAt: 'in 3s' }],
        accounts: { count: 5 },
      }),
    );
    // Two accounts keep the field in plain, two sealed; the fifth has none (its row leaves both cells empty).
    const report = app.accounts.importCsv(
      id,
      csv([
        ['username', 'field:passengerId', 'secret:passengerId2'],
        ['user0001', 'P-1', ''],
        ['user0002', 'P-2', ''],
        ['user0003', '', 'S-3'],
        ['user0004', '', 'S-4'],
        ['user0005', '', ''],
      ]),
      { dryRun: false },
    );
    expect(report.problems).toEqual([]);
    // One name, two ways of keeping it: move the sealed ones under the name the profile sends.
    for (const account of app.accounts.list(id).filter((a) => a.secretFields.includes('passengerId2'))) {
      const value = app.accounts.fieldsOf(account.id).passengerId2!;
      app.accounts.update(account.id, { secretFields: { passengerId2: null, passengerId: value } });
    }
    const { id: campaignId, summary } = await runOn(id, 5);
    const orders = app.sim.current()!.service.inventory.allOrders();
    expect(Object.fromEntries(orders.map((order) => [order.account, order.passengerId]))).toEqual({
      user0001: 'P-1',
      user0002: 'P-2',
      user0003: 'S-3',
      user0004: 'S-4',
    });
    expect(serverTruth(id, campaignId)).toMatchObject({ lost: [], duplicates: [], phantom: [], notInLedger: [] });
    expect(summary.successes).toBe(4);
    expect(summary.satOut.byReason).toEqual({ fields: 1 });
    expect(summary.satOut.examples[0]).toMatchObject({ account: 'user0005', reason: 'fields' });
    // The account that lacked the field sent nothing at all.
    const arrivals = app.sim.current()!.arrivals();
    expect(arrivals.filter((a) => a.code === 'PASSENGER_REQUIRED')).toHaveLength(0);
  });
});

describe('fair use, proven from the arrival log', () => {
  it('waits out 429s on sign-in and signs every account in; a client-scope 429 pauses every account', async () => {
    // The server allows 5/s per client; the profile claims 40/s and says its 429s limit the whole client.
    const profile = simulatorProfileText()
      .replace(/^id: simulator$/m, 'id: strict')
      .replace(/targetRatePerSec: \d+/, 'targetRatePerSec: 40')
      .replace(/targetBurst: \d+/, 'targetBurst: 5');
    await startWith(
      'strict',
      profile,
      {
        items: [{ id: 'T1', name: 'T', stock: 4, opensAt: 'in 8s' }],
        accounts: { count: 10 },
        limits: { perClient: { ratePerSec: 5, burst: 5 } },
        riskControl: { enabled: true, violationsBeforeBan: 3, banMs: 60_000 },
      },
      10,
    );
    const { summary } = await runOn('strict', 10, 4_000);
    expect(summary.satOut.byReason['sign-in'] ?? 0).toBe(0);
    const arrivals = fixture!.app.sim.current()!.arrivals();
    const logins = arrivals.filter((a) => a.route === 'POST /api/login');
    expect(logins.some((a) => a.status === 429)).toBe(true); // the server did push back on sign-in…
    expect(logins.filter((a) => a.status === 200)).toHaveLength(10); // …and every account signed in anyway
    // After a client 429 at t with Retry-After-Ms w, nothing of this client arrives inside (t + 15 ms, t + w): every
    // account waited, not only the one told (15 ms: requests already on their way when the refusal was sent).
    const limited = arrivals.filter((a) => a.status === 429 && a.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(0);
    let inside = 0;
    for (const refusal of limited)
      inside += arrivals.filter(
        (a) => a.trueMs > refusal.trueMs + 15 && a.trueMs < refusal.trueMs + refusal.retryAfterMs!,
      ).length;
    expect(inside).toBe(0);
    expect(fixture!.app.sim.current()!.stats().bans).toBe(0);
  });

  it('holds the declared budget over all traffic against a strict bucket of exactly that size: no 429', async () => {
    const profile = simulatorProfileText()
      .replace(/^id: simulator$/m, 'id: exact')
      .replace(/targetRatePerSec: \d+/, 'targetRatePerSec: 20')
      .replace(/targetBurst: \d+/, 'targetBurst: 10');
    await startWith(
      'exact',
      profile,
      {
        items: [{ id: 'T1', name: 'T', stock: 30, opensAt: 'in 6s' }],
        accounts: { count: 30 },
        limits: { perClient: { ratePerSec: 20, burst: 10 }, clientCoversTime: true },
      },
      30,
    );
    const { id, summary } = await runOn('exact', 30, 5_000);
    const arrivals = fixture!.app.sim.current()!.arrivals();
    // Clock probes, sign-ins, health checks, warm-ups, the calibration burst and the bookings: not one refused.
    expect(arrivals.filter((a) => a.status === 429)).toEqual([]);
    expect(arrivals.length).toBeGreaterThan(90);
    const truth = serverTruth('exact', id);
    expect(truth).toMatchObject({ lost: [], duplicates: [], phantom: [] });
    expect(summary.successes).toBe(truth.orders);
  });

  it('refuses to arm a campaign whose open instant has passed, and changes nothing', async () => {
    await startWith(
      'simulator',
      simulatorProfileText(),
      { items: [{ id: 'T1', name: 'T', stock: 1, opensAt: 'in 1s' }], accounts: { count: 1 } },
      1,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const campaign = fixture!.app.engine.create({
      name: 'late',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 1 },
    });
    expect(() => fixture!.app.engine.arm(campaign.id)).toThrow(/opened .* ago .*pick a later open instant/);
    expect(fixture!.app.engine.get(campaign.id).state).toBe('draft');
    expect(
      fixture!.app.sim
        .current()!
        .arrivals()
        .filter((a) => a.route.endsWith('/book')),
    ).toHaveLength(0);
  });

  it('fails a campaign in which no account could sign in, naming each account', async () => {
    fixture = createEngineFixture();
    await fixture.app.sim.startScenario(
      scenarioFromObject({ items: [{ id: 'T1', name: 'T', stock: 1, opensAt: 'in 4s' }], accounts: { count: 2 } }),
    );
    const csv = 'username,password\nuser0001,wrong-1\nuser0002,wrong-2\n';
    expect(fixture.app.accounts.importCsv('simulator', Buffer.from(csv), { dryRun: false }).ok).toBe(true);
    const campaign = fixture.app.engine.create({
      name: 'nobody',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 2 },
    });
    await fixture.app.engine.arm(campaign.id).done;
    const ended = fixture.app.engine.get(campaign.id);
    expect(ended.state).toBe('failed');
    expect(ended.errorMessage).toMatch(
      /no account could sign in: user0001: .*BAD_CREDENTIALS; user0002: .*BAD_CREDENTIALS/,
    );
  });
});
