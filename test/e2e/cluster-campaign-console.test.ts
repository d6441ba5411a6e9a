// A campaign across the cluster from the console: the operator fills the campaign form in a console that joined a
// real redis-server and clicks "Run across the cluster"; two headless `tminus node` processes drive the accounts
// against the simulator on loopback; the campaign opens at once, ends completed, shows what each node did, and its
// attribution by node and its CSV export cover the whole cluster. Judged on the simulator's orders: every booking is
// a success in the record under its key and order id, none twice. Cancelling a second one stops it on every node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { createApp, type App } from '../../electron/app';
import { ClusterMembership, parseClusterUrl, writeClusterKey } from '../../electron/cluster';
import { scenarioFromObject } from '../../electron/sim';
import { startConsoleServer, type ConsoleServer } from '../../electron/ipc/ws-transport';
import { csvDownloads } from '../../electron/reports/download';
import { makeTempDir } from '../helpers/temp-dir';
import { launchChromium } from '../helpers/chromium';
import { simAccountsCsv } from '../helpers/accounts-fixture';
import { startRedis, type RedisServer } from '../helpers/redis-server';
import { startNodeProcess, type NodeProcess } from '../helpers/cluster-nodes';
import { CLI_SCRIPT } from '../helpers/external-target';

const ARTEFACTS = 'test-results/e2e/pages';
const ACCOUNTS = 8;
const temp = makeTempDir();
let redis: RedisServer;
let member: ClusterMembership;
let app: App;
let server: ConsoleServer;
let browser: Browser;
let page: Page;
const nodes: NodeProcess[] = [];
const nodeLog: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  redis = await startRedis();
  const { key } = writeClusterKey(temp.dir);
  member = await ClusterMembership.join({
    url: parseClusterUrl(redis.url),
    dataDir: temp.dir,
    name: 'desk',
    heartbeatMs: 500,
  });
  app = createApp({ dataDir: temp.dir, debugCaptchaAnswers: true, cluster: member });
  app.accounts.importCsv('simulator', simAccountsCsv(ACCOUNTS * 2), { dryRun: false });
  server = await startConsoleServer({
    router: app.router,
    bus: app.bus,
    staticDir: join(realpathSync('.'), 'out', 'renderer'),
    port: 0,
    download: csvDownloads(app.store.db),
  });
  for (const name of ['left', 'right'])
    nodes.push(
      await startNodeProcess({ cliScript: CLI_SCRIPT, url: redis.url, key, name, heartbeatMs: 500, log: nodeLog }),
    );
  browser = await launchChromium();
  page = await browser.newPage({ locale: 'en-US', viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
}, 90_000);

afterAll(async () => {
  writeFileSync(`${ARTEFACTS}/cluster-campaign-nodes.log`, nodeLog.join('\n')); // for a failure's post-mortem
  await browser?.close();
  await server?.close();
  await app?.close();
  await member?.leave();
  await Promise.all(nodes.map((node) => node.stop()));
  await redis?.close();
  temp.remove();
});

async function openConsole(): Promise<void> {
  if (page.url().startsWith(server.url.split('#')[0]!)) return;
  await page.goto(server.url);
  await expect.poll(() => page.getByTestId('app-version').textContent(), { timeout: 15_000 }).toMatch(/\d+\.\d+/);
}

async function fillCampaign(name: string, count: number, item = 'T1'): Promise<void> {
  await page.getByTestId('campaign-new').click();
  await page.getByTestId('campaign-name').fill(name);
  await page.getByTestId('campaign-item').fill(item);
  await page.getByTestId('campaign-count').fill(String(count));
}

describe('a campaign across the cluster from the console', { timeout: 120_000 }, () => {
  it('runs on both nodes, ends completed, and its record, attribution and export are by node', async () => {
    await app.sim.startScenario(
      scenarioFromObject({
        items: [{ id: 'T1', name: 'T', stock: ACCOUNTS, opensAt: 'in 14s' }],
        accounts: { count: ACCOUNTS * 2 },
        seed: 5,
      }),
    );
    const sim = app.sim.current()!;

    await openConsole();
    await page.getByTestId('nav-campaigns').click();
    await fillCampaign('Across two nodes', ACCOUNTS);
    const across = page.getByTestId('campaign-run-cluster');
    await expect.poll(() => across.textContent(), { timeout: 10_000 }).toBe('Run across the cluster (2 nodes)');
    await page.screenshot({ path: `${ARTEFACTS}/en-campaign-form-cluster.png`, fullPage: true });
    await across.click();
    // Opened at once, armed: the nodes hold its accounts.
    await expect
      .poll(() => page.getByTestId('campaign-cluster').textContent(), { timeout: 15_000 })
      .toBe('Across the cluster');
    await expect.poll(() => page.getByTestId('campaign-state').textContent()).toMatch(/armed|firing/);
    await expect.poll(() => page.getByTestId('campaign-state').textContent(), { timeout: 60_000 }).toBe('completed');
    const rows = page.getByTestId('campaign-nodes').locator('tbody tr');
    await expect
      .poll(() => rows.allTextContents(), { timeout: 10_000 })
      .toEqual([
        expect.stringMatching(/^left\s*left-[0-9a-f]{8}\d/),
        expect.stringMatching(/^right\s*right-[0-9a-f]{8}\d/),
      ]);
    await page.getByText('Per node').click();
    await page.screenshot({ path: `${ARTEFACTS}/en-campaign-cluster.png`, fullPage: true });

    // From the server's side: every order it took is a success in this record, under its key, none twice.
    const campaign = app.engine.list().find((c) => c.name === 'Across two nodes')!;
    const orders = sim.service.inventory.allOrders();
    expect(orders).toHaveLength(ACCOUNTS);
    expect(new Set(orders.map((order) => order.account)).size).toBe(ACCOUNTS);
    const successes = app.attempts.page(campaign.id, 10_000, 0).filter((a) => a.outcome === 'success');
    expect(successes.map((a) => `${a.idempotencyKey} ${a.orderId}`).sort()).toEqual(
      orders.map((o) => `${o.idempotencyKey} ${o.orderId}`).sort(),
    );

    await page.getByTestId('campaign-attribution').click();
    await page.getByTestId('reports-dimension').getByText('Cluster node').click();
    await expect
      .poll(() => page.getByTestId('attribution').textContent(), { timeout: 15_000 })
      .toMatch(/left.*right|right.*left/);
    await page.getByTestId('attribution').getByText('left', { exact: true }).click();
    await expect.poll(() => page.getByTestId('drill-tag').textContent()).toContain('left');
    const leftAttempts = Number((await page.getByTestId('attempts-total').textContent())!.replace(/\D/g, ''));
    await page.getByTestId('drill-tag').locator('.ant-tag-close-icon').click();
    const download = page.waitForEvent('download');
    await page.getByTestId('export-attempts').click();
    const file = join(temp.dir, 'cluster-attempts.csv');
    await (await download).saveAs(file);
    const exported = parse(readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(exported.filter((row) => row.node!.startsWith('left-'))).toHaveLength(leftAttempts);
    expect(exported.filter((row) => row.outcome === 'success')).toHaveLength(ACCOUNTS);
    expect(exported.every((row) => /^(left|right)-[0-9a-f]{8}$/.test(row.node!))).toBe(true);
    await page.screenshot({ path: `${ARTEFACTS}/en-reports-by-node.png`, fullPage: true });
  });

  it('cancels a campaign across the cluster on every node before it opens', async () => {
    if (app.sim.current()) await app.sim.stop();
    await app.sim.startScenario(
      scenarioFromObject({
        // Another item: the nodes' ledgers know the first one booked (a booking is never made twice).
        items: [{ id: 'T2', name: 'T', stock: ACCOUNTS, opensAt: 'in 40s' }],
        accounts: { count: ACCOUNTS * 2 },
        seed: 6,
      }),
    );
    const sim = app.sim.current()!;
    await openConsole();
    await page.getByTestId('nav-campaigns').click();
    const back = page.getByRole('button', { name: '← All campaigns' });
    if ((await back.count()) > 0) await back.click();
    await fillCampaign('Cancelled across nodes', ACCOUNTS, 'T2');
    await page.getByTestId('campaign-run-cluster').click();
    await expect.poll(() => page.getByTestId('campaign-state').textContent(), { timeout: 15_000 }).toBe('armed');
    // Both nodes hold their accounts before it is cancelled.
    await expect
      .poll(async () => (await member.view()).nodes.filter((node) => node.accountsHeld > 0).length, {
        timeout: 20_000,
      })
      .toBe(2);
    await page.getByTestId('campaign-cancel').click();
    await page.getByTestId('cancel-confirm').click();
    await expect.poll(() => page.getByTestId('campaign-state').textContent(), { timeout: 30_000 }).toBe('cancelled');
    await expect
      .poll(async () => (await member.view()).nodes.reduce((sum, node) => sum + node.accountsHeld, 0), {
        timeout: 15_000,
      })
      .toBe(0);
    // Nothing was booked, and nothing the nodes logged was an error.
    expect(sim.service.inventory.allOrders()).toHaveLength(0);
    expect(nodeLog.join('\n')).not.toMatch(/Error:/);
  });
});
