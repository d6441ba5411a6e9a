import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { makeTempDir } from '../helpers/temp-dir';
import { startServe, type RunningServe } from '../helpers/serve';
import { launchChromium } from '../helpers/chromium';

const ARTEFACTS = 'test-results/e2e';
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

let serve: RunningServe;
let browser: Browser;
let page: Page;
const temp = makeTempDir();

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  serve = await startServe(temp.dir);
  browser = await launchChromium();
  page = await browser.newPage({ locale: 'en-US' });
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  temp.remove();
});

describe('console in Chromium', () => {
  it('shows the version and data directory on the Dashboard', async () => {
    await page.goto(serve.url);
    await expect.poll(() => page.getByTestId('app-version').textContent(), { timeout: 15_000 }).toBe(version);
    expect(await page.getByTestId('app-info').textContent()).toContain(temp.dir);
    // The token leaves the address bar once the console has it.
    expect(page.url()).not.toContain('token=');
    await page.screenshot({ path: `${ARTEFACTS}/dashboard.png`, fullPage: true });
  });

  it('switches the navigation to zh-CN from Settings and remembers it across a reload', async () => {
    const navigation = page.getByTestId('navigation');
    expect(await navigation.textContent()).toContain('Campaigns');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language').getByText('简体中文').click();
    await expect.poll(() => navigation.textContent()).toContain('抢购任务');
    expect(await navigation.textContent()).not.toContain('Campaigns');
    await page.screenshot({ path: `${ARTEFACTS}/settings-zh-CN.png`, fullPage: true });
    await page.reload();
    await expect.poll(() => page.getByTestId('navigation').textContent(), { timeout: 15_000 }).toContain('总览');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language').getByText('English').click();
  });

  it('validates a profile and names the line of a syntax error', async () => {
    await page.getByTestId('nav-targets').click();
    await page.getByTestId('profile-text').fill('id: simulator\nendpoints:\n  - http://127.0.0.1:8080\n  bad: [\n');
    await page.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => page.getByText(/\d+ problems? found/).count()).toBe(1);
    expect(await page.locator('.ant-alert-error').textContent()).toMatch(/line \d+, column \d+/);
    await page.screenshot({ path: `${ARTEFACTS}/targets.png`, fullPage: true });
  });

  it('starts the built-in simulator from the Dashboard, shows its nodes and items, and stops it', async () => {
    await page.getByTestId('nav-dashboard').click();
    expect(await page.getByTestId('sim-running').textContent()).toBe('stopped');
    await page.getByTestId('sim-start').click();
    await expect.poll(() => page.getByTestId('sim-running').textContent(), { timeout: 15_000 }).toBe('running');
    expect(await page.getByTestId('sim-nodes').textContent()).toMatch(
      /http:\/\/127\.0\.0\.1:\d+\s+http:\/\/127\.0\.0\.1:\d+/,
    );
    const items = await page.getByTestId('sim-items').textContent();
    expect(items).toContain('G1234');
    expect(items).toContain('20 / 20');
    await page.screenshot({ path: `${ARTEFACTS}/dashboard-simulator.png`, fullPage: true });
    const nodeUrl = (await page.getByTestId('sim-nodes').textContent())!.split(/\s+/)[0]!;
    const time = (await (await fetch(`${nodeUrl}/api/time`)).json()) as { serverTimeMs: number };
    expect(time.serverTimeMs - Date.now()).toBeGreaterThan(1400);
    await page.getByTestId('sim-stop').click();
    await expect.poll(() => page.getByTestId('sim-running').textContent()).toBe('stopped');
    await expect(fetch(`${nodeUrl}/api/time`)).rejects.toThrow();
  });

  it('imports accounts with an error preview, then signs them in against the running simulator', async () => {
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('sim-start').click();
    await expect.poll(() => page.getByTestId('sim-running').textContent(), { timeout: 15_000 }).toBe('running');
    await page.getByTestId('nav-accounts').click();
    await page.getByTestId('accounts-file').setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('username,password,priority\nuser0001,pass-0001,high\n'),
    });
    await expect.poll(() => page.getByTestId('import-preview').textContent()).toMatch(/1 bad row: /);
    expect(await page.getByTestId('import-problems').textContent()).toContain("'high' is not a whole number");
    await page.screenshot({ path: `${ARTEFACTS}/accounts-import-errors.png`, fullPage: true });
    await page.getByRole('button', { name: 'Cancel' }).click();

    const rows = [
      'username,password',
      ...Array.from(
        { length: 12 },
        (_, n) => `user${String(n + 1).padStart(4, '0')},pass-${String(n + 1).padStart(4, '0')}`,
      ),
    ];
    await page
      .getByTestId('accounts-file')
      .setInputFiles({ name: 'sim.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await expect.poll(() => page.getByTestId('import-preview').textContent()).toMatch(/12 accounts are ready/);
    await page.getByTestId('import-confirm').click();
    await expect.poll(() => page.getByText('12 accounts, 0 selected').count()).toBe(1);

    await page.getByTestId('accounts-table').locator('.ant-table-thead .ant-checkbox').first().click();
    await page.getByTestId('bulk-sign-in').click();
    await expect
      .poll(() => page.getByTestId('accounts-table').getByText('signed in', { exact: true }).count(), {
        timeout: 15_000,
      })
      .toBeGreaterThan(5);
    await page.screenshot({ path: `${ARTEFACTS}/accounts.png`, fullPage: true });
    await page.getByTestId('bulk-disable').click();
    await expect
      .poll(() => page.getByTestId('accounts-table').getByText('disabled', { exact: true }).count())
      .toBeGreaterThan(5);
  });

  it("edits an account's fields: a plain one shown, a secret one by name only, and removes one", async () => {
    const table = page.getByTestId('accounts-table');
    await table.getByRole('button', { name: 'Edit' }).first().click();
    const fields = page.getByTestId('account-fields');
    await fields.getByRole('button', { name: 'Add field' }).click();
    await fields.getByLabel('Name').last().fill('passengerId');
    await fields.getByLabel('Value').last().fill('P-100');
    await fields.getByRole('button', { name: 'Add field' }).click();
    await fields.getByLabel('Name').last().fill('memberPin');
    await fields.getByRole('checkbox').last().check();
    await fields.getByLabel('Value').last().fill('pin-4711');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => table.getByText('passengerId=P-100').count()).toBe(1);
    expect(await table.getByText('memberPin=••••').count()).toBe(1);
    expect(await page.content()).not.toContain('pin-4711');
    await page.screenshot({ path: `${ARTEFACTS}/account-fields.png`, fullPage: true });

    await table.getByRole('button', { name: 'Edit' }).first().click();
    await fields.getByRole('button', { name: 'Remove' }).first().click();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => table.getByText('passengerId=P-100').count()).toBe(0);
    expect(await table.getByText('memberPin=••••').count()).toBe(1);
  });

  it('shows each captcha model with its card and users, and switches a target to another model in one action', async () => {
    await page.getByTestId('nav-captcha').click();
    const target = page.getByTestId('captcha-target-simulator');
    await expect.poll(() => target.textContent()).toMatch(/labelled captchas waiting/);
    const general = page.getByTestId('captcha-model-captcha-general');
    expect(await general.textContent()).toMatch(/canvas\.held-out-fonts/);
    expect(await page.getByTestId('captcha-model-captcha-sim').textContent()).toMatch(/simulator/);
    await page.getByTestId('captcha-model-select-simulator').click();
    await page.locator('.ant-select-item-option', { hasText: 'captcha-general' }).click();
    await expect.poll(() => general.locator('.ant-tag', { hasText: 'simulator' }).count()).toBe(1);
    await page.screenshot({ path: `${ARTEFACTS}/captcha.png`, fullPage: true });
    await target.getByRole('button', { name: "Use the profile's model" }).click();
    await expect.poll(() => general.locator('.ant-tag', { hasText: 'simulator' }).count()).toBe(0);
  });

  it('keeps the page in the URL: reload stays, Back and Forward move between pages', async () => {
    await page.getByTestId('nav-targets').click();
    await page.getByTestId('nav-clock').click();
    expect(new URL(page.url()).hash).toBe('#/clock');
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 3 }).first().textContent()).toBe('Clock');
    await page.goBack();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/targets');
    await expect.poll(() => page.getByTestId('profile-text').count()).toBe(1);
    await page.goForward();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/clock');
  });

  it('says so, and how to get in, when the page has no valid access token', async () => {
    const stranger = await browser.newPage({ locale: 'en-US' });
    try {
      await stranger.goto(serve.url.replace(/#token=.*/, '#token=wrong'));
      await expect
        .poll(() => stranger.getByTestId('connection-banner').textContent(), { timeout: 15_000 })
        .toMatch(/no valid access token.*tminus serve/s);
    } finally {
      await stranger.close();
    }
  });

  it('shows a banner when the connection to Tminus is lost', async () => {
    await serve.stop();
    await expect.poll(() => page.getByTestId('connection-banner').count(), { timeout: 20_000 }).toBe(1);
    await page.screenshot({ path: `${ARTEFACTS}/disconnected.png`, fullPage: true });
  });
});
