// The record in the console: a campaign whose answers were lost says how many results are unknown and offers to ask
// the target; one click reconciles them against the simulator and says what it found. A disk that stops taking the
// record is announced by a toast that stays until it takes writes again. Real app, transport, simulator and browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createApp, type App } from '../../electron/app';
import { scenarioFromObject } from '../../electron/sim';
import { startConsoleServer, type ConsoleServer } from '../../electron/ipc/ws-transport';
import { makeTempDir } from '../helpers/temp-dir';
import { launchChromium } from '../helpers/chromium';
import { simAccountsCsv } from '../helpers/accounts-fixture';

const ARTEFACTS = 'test-results/e2e';
const temp = makeTempDir();
let app: App;
let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  app = createApp({ dataDir: temp.dir, debugCaptchaAnswers: true });
  server = await startConsoleServer({
    router: app.router,
    bus: app.bus,
    staticDir: join(realpathSync('.'), 'out', 'renderer'),
    port: 0,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await app?.close();
  temp.remove();
});

describe('the record in the console', () => {
  it('shows unknown results, reconciles them with one click, and says what the target told', async () => {
    await app.sim.startScenario(
      scenarioFromObject({ items: [{ id: 'T1', name: 'T', stock: 5, opensAt: 'in 2500ms' }], accounts: { count: 3 } }),
    );
    app.accounts.importCsv('simulator', simAccountsCsv(3), { dryRun: false });
    const sim = app.sim.current()!;
    const campaign = app.engine.create({
      name: 'Answers lost',
      target: 'simulator',
      item: 'T1',
      opensAt: 'item',
      accounts: { count: 3 },
      limits: { maxDurationMs: 800 },
    });
    const { done } = app.engine.arm(campaign.id);
    while (app.engine.get(campaign.id).state !== 'firing') await new Promise((resolve) => setTimeout(resolve, 10));
    sim.setFaults('all', { dropResponseRate: 1 }); // the bookings commit; no answer comes back, lookups included
    expect((await done)?.intents.unknown).toBe(3);
    sim.setFaults('all', { dropResponseRate: 0 });

    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('app-version').textContent(), { timeout: 15_000 }).toMatch(/\d+\.\d+/);
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaigns-table').getByText('Answers lost').click();
    await expect
      .poll(() => page.getByTestId('campaign-unknown').textContent(), { timeout: 10_000 })
      .toMatch(/3 results unknown/);
    await page.getByTestId('campaign-reconcile').click();
    await expect
      .poll(() => page.getByTestId('campaign-reconciled').textContent(), { timeout: 20_000 })
      .toMatch(/Reconciled: 3 booking\(s\) found, 0 not booked, 0 still unknown/);
    await expect.poll(() => page.getByTestId('campaign-unknown').count(), { timeout: 10_000 }).toBe(0);
    // The accounts it settled are free again and count their booking.
    await expect
      .poll(() => page.getByTestId('campaign-accounts').getByText('Yes').count(), { timeout: 10_000 })
      .toBe(0);
    await page.screenshot({ path: `${ARTEFACTS}/record-reconciled.png`, fullPage: true });
    // From the server's side: the three orders are now the record's three successes, none made twice.
    const orders = sim.service.inventory.allOrders();
    expect(orders).toHaveLength(3);
    const successes = app.attempts.page(campaign.id, 1000, 0).filter((a) => a.outcome === 'success');
    expect(successes.map((a) => a.idempotencyKey).sort()).toEqual(orders.map((o) => o.idempotencyKey).sort());

    // The disk stops taking writes: a toast says so and stays; when writes go through again, it says that.
    app.store.db.pragma('query_only = true');
    app.engine.recorder.defer(() =>
      app.store.db.prepare('UPDATE campaigns SET error_message = NULL WHERE id = ?').run(campaign.id),
    );
    await expect
      .poll(() => page.getByText('The record cannot be written (SQLITE_READONLY)').count(), { timeout: 10_000 })
      .toBe(1);
    await page.screenshot({ path: `${ARTEFACTS}/record-storage-fault.png` });
    app.store.db.pragma('query_only = false');
    await expect.poll(() => page.getByText('The record is being written again').count(), { timeout: 10_000 }).toBe(1);
    await page.close();
  });
});
