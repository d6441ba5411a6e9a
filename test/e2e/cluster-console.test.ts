// The cluster in the console: `tminus serve --cluster` joins a real redis-server, and Settings shows every node it
// sees — itself and a headless `tminus node` — live, then the node isolated after it is killed with SIGKILL; a
// console that joined nothing says how to join, joins from Settings (refused without the cluster key, or with a URL
// that is not one, naming what is wrong without echoing the password) and leaves again. Screenshots in both languages are kept as CI artefacts.
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
let key = '';

const tminus = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/tminus.js', ...args], { encoding: 'utf8', timeout: 15_000 });

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  redis = await startRedis();
  key = tminus('cluster', 'key', '--data-dir', consoleDir.dir).stdout.trim();
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

  it('says how to join when the console is in no cluster, joins from Settings and leaves', async () => {
    const other = await browser.newPage({ locale: 'en-US' });
    await other.goto(alone.url);
    await other.getByTestId('nav-settings').click();
    await expect
      .poll(() => other.getByTestId('cluster-not-joined').textContent(), { timeout: 15_000 })
      .toMatch(/not in a cluster.*tminus serve --cluster redis:\/\//);
    const join = async (url: string, name: string): Promise<void> => {
      await other.getByTestId('cluster-join-url').fill(url);
      await other.getByTestId('cluster-join-name').fill(name);
      await other.getByTestId('cluster-join-submit').click();
    };
    // Not a Redis URL: named as the form names it, the password not echoed; nothing joined.
    await join('http://ops:hunter2@127.0.0.1:1', 'front');
    await expect.poll(() => other.getByTestId('cluster-error').textContent()).toMatch(/^url: /);
    expect(await other.getByTestId('cluster-error').textContent()).not.toContain('hunter2');
    // No cluster key in this data directory: refused, and the key named.
    await join(redis.url, 'front');
    await expect.poll(() => other.getByTestId('cluster-error').textContent()).toMatch(/cluster key/);
    await expect.poll(() => other.getByTestId('cluster-not-joined').count()).toBe(1);

    tminus('cluster', 'key', '--set', key, '--data-dir', aloneDir.dir);
    await join(redis.url, 'front');
    await expect
      .poll(() => other.getByTestId('cluster-joined').textContent(), { timeout: 15_000 })
      .toMatch(/Joined redis:\/\/127\.0\.0\.1:\d+ as front \(node front-[0-9a-f]{8}\)/);
    await expect.poll(() => other.getByTestId('cluster-error').count()).toBe(0);
    // The other console sees it as a live node of the same cluster.
    await page.getByTestId('nav-settings').click();
    const names = (): Promise<string[]> =>
      page.getByTestId('cluster-nodes').locator('tbody tr td:first-child').allTextContents();
    await expect.poll(names, { timeout: 10_000 }).toContain('front');
    await other.screenshot({ path: `${ARTEFACTS}/en-settings-cluster-joined-here.png`, fullPage: true });

    await other.getByTestId('cluster-leave').click();
    await expect.poll(() => other.getByTestId('cluster-not-joined').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(names, { timeout: 10_000 }).not.toContain('front'); // left at once, not after three beats
    await other.close();
  });
});
