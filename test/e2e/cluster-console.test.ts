// The cluster in the console: `tminus serve --cluster` joins a real redis-server, and Settings shows every node it
// sees — itself and a headless `tminus node` — live, then the node isolated after it is killed with SIGKILL; a
// console that joined nothing says how to join. Screenshots in both languages are kept as CI artefacts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeTempDir } from '../helpers/temp-dir';
import { startServe, type RunningServe } from '../helpers/serve';
import { launchChromium } from '../helpers/chromium';
import { startRedis, type RedisServer } from '../helpers/redis-server';

const ARTEFACTS = 'test-results/e2e/pages';
let redis: RedisServer;
let joined: RunningServe;
let alone: RunningServe;
let node: ChildProcess | null = null;
let browser: Browser;
let page: Page;
const consoleDir = makeTempDir();
const nodeDir = makeTempDir();
const aloneDir = makeTempDir();

const tminus = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/tminus.js', ...args], { encoding: 'utf8', timeout: 15_000 });

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  redis = await startRedis();
  const key = tminus('cluster', 'key', '--data-dir', consoleDir.dir).stdout.trim();
  tminus('cluster', 'key', '--set', key, '--data-dir', nodeDir.dir);
  joined = await startServe(consoleDir.dir, ['--cluster', redis.url, '--name', 'desk']);
  alone = await startServe(aloneDir.dir);
  node = spawn(
    process.execPath,
    ['bin/tminus.js', 'node', '--cluster', redis.url, '--name', 'edge', '--heartbeat-ms', '300'],
    { stdio: 'ignore', env: { ...process.env, TMINUS_HOME: nodeDir.dir } },
  );
  browser = await launchChromium();
  page = await browser.newPage({ locale: 'en-US' });
}, 60_000);

afterAll(async () => {
  node?.kill('SIGKILL');
  await browser?.close();
  await joined?.stop();
  await alone?.stop();
  await redis?.close();
  for (const dir of [consoleDir, nodeDir, aloneDir]) dir.remove();
});

describe('the cluster in Settings', { timeout: 60_000 }, () => {
  it('shows this console and a headless node live, then the node isolated once killed', async () => {
    await page.goto(joined.url);
    await page.getByTestId('nav-settings').click();
    await expect
      .poll(() => page.getByTestId('cluster-joined').textContent(), { timeout: 15_000 })
      .toMatch(/Joined redis:\/\/127\.0\.0\.1:\d+ as desk \(node desk-[0-9a-f]{8}\) · 2 nodes/);
    const rows = page.getByTestId('cluster-nodes').locator('tbody tr');
    await expect
      .poll(() => rows.allTextContents())
      .toEqual([
        expect.stringMatching(/^desk\s*desk-[0-9a-f]{8}Live/),
        expect.stringMatching(/^edge\s*edge-[0-9a-f]{8}Live/),
      ]);
    await page.screenshot({ path: `${ARTEFACTS}/en-settings-cluster.png`, fullPage: true });

    node!.kill('SIGKILL');
    await expect
      .poll(() => rows.nth(1).textContent(), { timeout: 10_000 })
      .toMatch(/^edge.*Isolated \(3 heartbeats missed\)/);
    await page.getByTestId('language').getByText('简体中文').click();
    await expect.poll(() => rows.nth(1).textContent()).toMatch(/已隔离/);
    await page.screenshot({ path: `${ARTEFACTS}/zh-CN-settings-cluster.png`, fullPage: true });
    await page.getByTestId('language').getByText('English').click();
  });

  it('says how to join when the console is in no cluster', async () => {
    const other = await browser.newPage({ locale: 'en-US' });
    await other.goto(alone.url);
    await other.getByTestId('nav-settings').click();
    await expect
      .poll(() => other.getByTestId('cluster-not-joined').textContent(), { timeout: 15_000 })
      .toMatch(/not in a cluster.*tminus serve --cluster redis:\/\//);
    await other.close();
  });
});
