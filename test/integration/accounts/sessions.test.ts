import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioFromObject, startSimulator, type Simulator } from '../../../electron/sim';
import { HealthMonitor, browserSignIn } from '../../../electron/accounts';
import { simulatorSignIn } from '../../helpers/simulator-profile';
import { createPool, simAccountsCsv, type PoolFixture } from '../../helpers/accounts-fixture';
import { CHROMIUM_PATH } from '../../helpers/chromium';

let pool: PoolFixture | undefined;
let sim: Simulator | undefined;
afterEach(async () => {
  pool?.close();
  pool = undefined;
  await sim?.close();
  sim = undefined;
});

const simulator = (tokens: { accessTtlMs: number; refreshTtlMs: number }) =>
  startSimulator({
    scenario: scenarioFromObject({
      items: [{ id: 'T', name: 'T', stock: 1, opensAt: 0 }],
      accounts: { count: 3 },
      tokens,
    }),
  });

const routes = (): string[] => sim!.arrivals().map((arrival) => arrival.route);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sessions', () => {
  it('keeps no password or token in the database file in clear', async () => {
    sim = await simulator({ accessTtlMs: 60_000, refreshTtlMs: 600_000 });
    pool = createPool({ adapter: simulatorSignIn(() => sim!.urls[0]!) });
    pool.accounts.importCsv('simulator', simAccountsCsv(3), { dryRun: false });
    for (const id of [1, 2, 3]) await pool.sessions.ensureFresh(id);
    const tokens = [1, 2, 3].map((id) => pool!.sessions.tokens(id)!);
    expect(tokens.every((t) => t.accessToken.length > 10)).toBe(true);
    const bytes = readdirSync(pool.dir)
      .filter((name) => name.startsWith('tminus.db'))
      .map((name) => readFileSync(join(pool!.dir, name)));
    const haystack = Buffer.concat(bytes);
    for (const secret of [
      'pass-0001',
      'pass-0002',
      'pass-0003',
      ...tokens.flatMap((t) => [t.accessToken, t.refreshToken!]),
    ]) {
      expect(haystack.includes(Buffer.from(secret)), `found ${secret} in the database files`).toBe(false);
    }
    expect(haystack.includes(Buffer.from('user0001'))).toBe(true);
  });

  it('refreshes a token ahead of its expiry without a new login', async () => {
    sim = await simulator({ accessTtlMs: 1_000, refreshTtlMs: 60_000 });
    pool = createPool({ adapter: simulatorSignIn(() => sim!.urls[0]!) });
    pool.accounts.importCsv('simulator', simAccountsCsv(1), { dryRun: false });
    expect(await pool.sessions.ensureFresh(1)).toBe('logged-in');
    expect(await pool.sessions.ensureFresh(1)).toBe('valid');
    await sleep(600); // inside the 500 ms refresh margin
    expect(await pool.sessions.ensureFresh(1)).toBe('refreshed');
    expect(routes()).toEqual(['POST /api/login', 'POST /api/refresh']);
  });

  it('logs in once when the refresh is refused, and recovers from unauthorized with one refresh then one login', async () => {
    sim = await simulator({ accessTtlMs: 1_000, refreshTtlMs: 60_000 });
    pool = createPool({ adapter: simulatorSignIn(() => sim!.urls[0]!) });
    pool.accounts.importCsv('simulator', simAccountsCsv(1), { dryRun: false });
    await pool.sessions.ensureFresh(1);
    sim.reset(); // the service forgets every token: the refresh will be refused
    await sleep(600);
    expect(await pool.sessions.ensureFresh(1)).toBe('logged-in');
    expect(routes()).toEqual(['POST /api/refresh', 'POST /api/login']);

    expect(await pool.sessions.recoverFromUnauthorized(1)).toBe('refreshed');
    sim.reset();
    expect(await pool.sessions.recoverFromUnauthorized(1)).toBe('logged-in');
    expect(routes()).toEqual(['POST /api/refresh', 'POST /api/login']);
  });

  it('the health check refreshes but never logs in; an expired session is flagged for sign-in', async () => {
    sim = await simulator({ accessTtlMs: 1_000, refreshTtlMs: 60_000 });
    pool = createPool({ adapter: simulatorSignIn(() => sim!.urls[0]!) });
    pool.accounts.importCsv('simulator', simAccountsCsv(2), { dryRun: false });
    await pool.sessions.ensureFresh(1);
    await pool.sessions.ensureFresh(2);
    const monitor = new HealthMonitor({
      accounts: pool.repository,
      sessions: pool.sessions,
      clock: pool.clock,
      targetIds: () => ['simulator'],
      checkEveryMs: 0,
      maxPerTick: 1,
    });
    await sleep(600);
    sim.reset();
    expect(await monitor.tick()).toHaveLength(1); // rate limited: one account per tick
    expect(await monitor.tick()).toHaveLength(1);
    expect(routes().filter((route) => route === 'POST /api/login')).toHaveLength(0);
    expect(pool.accounts.get(1)).toMatchObject({ signInNeeded: true, hasTokens: false });
  });

  it('signs in through the browser: the login page in Chromium, the session cookies captured', async () => {
    sim = await simulator({ accessTtlMs: 600_000, refreshTtlMs: 3_600_000 });
    pool = createPool();
    pool.accounts.importCsv('simulator', Buffer.from('username\nuser0002\n'), { dryRun: false });
    const tokens = await browserSignIn({
      loginUrl: `${sim.urls[0]}/login`,
      accessCookie: 'sim_access',
      refreshCookie: 'sim_refresh',
      headless: true,
      executablePath: CHROMIUM_PATH,
      timeoutMs: 20_000,
      onPage: async (page) => {
        await page.getByLabel('Username').fill('user0002');
        await page.getByLabel('Password').fill('pass-0002');
        await page.getByRole('button', { name: 'Sign in' }).click();
      },
    });
    pool.sessions.adopt(1, tokens);
    expect(pool.accounts.get(1)).toMatchObject({ hasTokens: true, signInNeeded: false });
    const book = await fetch(`${sim.urls[0]}/api/orders/none`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(book.status).toBe(404); // authenticated: the order is unknown, the token is not
    expect(tokens.refreshExpiresAtMs - Date.now()).toBeGreaterThan(3_000_000);
  }, 30_000);
});
