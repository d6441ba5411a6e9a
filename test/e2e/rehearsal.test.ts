// A new user rehearses in the browser console: one click on the first-run card starts the simulator, imports its
// accounts, creates a campaign and arms it; successes appear on the live timeline; a second campaign is created
// with the form and armed; attribution opens and compares them; the attempts export as CSV and the file holds them.
// Screenshots of each page are kept in test-results/e2e.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { makeTempDir } from '../helpers/temp-dir';
import { startServe, type RunningServe } from '../helpers/serve';
import { launchChromium } from '../helpers/chromium';

const ARTEFACTS = 'test-results/e2e';

let serve: RunningServe;
let browser: Browser;
let page: Page;
const temp = makeTempDir();

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  serve = await startServe(temp.dir);
  browser = await launchChromium();
  page = await browser.newPage({ locale: 'en-US', viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  temp.remove();
});

const timelineCount = async (name: 'attempts' | 'successes'): Promise<number> =>
  Number((await page.getByTestId('timeline').getAttribute(`data-${name}`)) ?? '0');

describe('rehearsal in the console (Chromium)', () => {
  it('rehearses with one click from the first-run card and shows successes on the live timeline', async () => {
    await page.goto(serve.url);
    await expect.poll(() => page.getByTestId('first-run').count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: `${ARTEFACTS}/first-run.png`, fullPage: true });
    await page.getByTestId('first-run').getByTestId('rehearse').click();
    await expect.poll(() => page.getByTestId('campaign-detail').count(), { timeout: 20_000 }).toBe(1);
    await expect
      .poll(() => page.getByTestId('campaign-state').textContent(), { timeout: 20_000 })
      .toMatch(/armed|firing/);
    expect(await page.getByTestId('countdown').textContent()).toMatch(/T[−+]\d\d:\d\d:\d\d\.\d{3}/);
    await page.screenshot({ path: `${ARTEFACTS}/campaign-armed.png`, fullPage: true });
    await expect.poll(() => timelineCount('successes'), { timeout: 45_000, interval: 500 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('campaign-state').textContent(), { timeout: 30_000 }).toBe('completed');
    expect(await timelineCount('attempts')).toBeGreaterThanOrEqual(await timelineCount('successes'));
    // The run summary: how the first shots left, and how many were written ahead on the accounts' own connections.
    await expect
      .poll(() => page.getByTestId('campaign-fire').textContent(), { timeout: 10_000 })
      .toMatch(/First shots left -?\d+\.\d\d ms .* · \d+ of \d+ written ahead on their own connections/);
    // Hovering a bar shows the attempt.
    const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
    for (let x = box.x + 5; x < box.x + box.width && (await page.getByTestId('timeline-tooltip').count()) === 0; x += 4)
      await page.mouse.move(x, box.y + 4);
    await page.screenshot({ path: `${ARTEFACTS}/campaign-timeline.png`, fullPage: true });
    expect(await page.getByTestId('campaign-accounts').textContent()).toContain('user0001');
  });

  it('creates a second campaign with the form, edits the draft, arms it with Alt+A, and it ends', async () => {
    await page.getByRole('button', { name: '← All campaigns' }).click();
    await page.getByTestId('campaign-new').click();
    await page.getByTestId('campaign-name').fill('Second rush');
    await page.getByTestId('campaign-item').fill('G1234');
    await page
      .getByTestId('campaign-form')
      .getByText('Open at the instant the simulator announces for the item')
      .click();
    // Far enough ahead to edit the draft before arming it (an instant already past is refused).
    const soon = new Date(Date.now() + 1_500 + 9_000); // the simulator's clock runs 1.5 s fast
    const zone = await page.getByTestId('campaign-zone').inputValue(); // the target's zone, where it is typed
    expect(zone).toBe('Asia/Shanghai');
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: zone,
      dateStyle: 'short',
      timeStyle: 'medium',
    }).format(soon);
    await page.getByTestId('campaign-opens-at').fill(local);
    await page.getByTestId('campaign-count').fill('5');
    await page.screenshot({ path: `${ARTEFACTS}/campaign-form.png`, fullPage: true });
    await page.getByTestId('campaign-create').click();
    await expect.poll(() => page.getByTestId('campaign-state').textContent(), { timeout: 10_000 }).toBe('draft');
    // A draft can be edited.
    await page.getByTestId('campaign-edit').click();
    await page.getByTestId('campaign-name').fill('Second rush (edited)');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('campaign-detail').textContent()).toContain('Second rush (edited)');
    await page.keyboard.press('Alt+KeyA');
    await expect.poll(() => page.getByTestId('campaign-state').textContent(), { timeout: 45_000 }).toBe('completed');
    await expect.poll(() => timelineCount('attempts'), { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('opens attribution, drills into a bar, compares campaigns and exports the attempts as CSV', async () => {
    await page.getByRole('button', { name: '← All campaigns' }).click();
    await page.getByTestId('campaigns-table').getByText('Rehearsal — G1234').click();
    await page.getByTestId('campaign-attribution').click();
    await expect.poll(() => page.getByTestId('attribution-bar').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.getByTestId('reports-dimension').getByText('Outcome').click();
    await expect.poll(() => page.getByTestId('attribution').textContent()).toContain('success');
    await page.getByTestId('attribution').getByText('success', { exact: true }).click();
    await expect.poll(() => page.getByTestId('drill-tag').textContent()).toContain('success');
    const drilled = Number((await page.getByTestId('attempts-total').textContent())!.replace(/\D/g, ''));
    expect(drilled).toBeGreaterThan(0);
    await page.getByTestId('drill-tag').locator('.ant-tag-close-icon').click();
    await expect
      .poll(async () => Number((await page.getByTestId('attempts-total').textContent())!.replace(/\D/g, '')))
      .toBeGreaterThan(drilled);
    const total = Number((await page.getByTestId('attempts-total').textContent())!.replace(/\D/g, ''));
    await page.getByTestId('reports-compare').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Second rush (edited)' }).click();
    await expect.poll(() => page.getByTestId('attribution-compare').textContent()).toMatch(/\d+\/\d+/);
    await page.screenshot({ path: `${ARTEFACTS}/reports.png`, fullPage: true });
    const download = page.waitForEvent('download');
    await page.getByTestId('export-attempts').click();
    const file = join(temp.dir, 'attempts.csv');
    await (await download).saveAs(file);
    const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(total);
    expect(rows.filter((row) => row.outcome === 'success').length).toBe(drilled);
    expect(rows[0]!.sent_server).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
  });

  it('shows the clock, schedules and settings pages', async () => {
    await page.getByTestId('nav-clock').click();
    await expect.poll(() => page.getByTestId('clock-summary').textContent()).toMatch(/±/);
    await page.getByTestId('clock-sync').click();
    await page.screenshot({ path: `${ARTEFACTS}/clock.png`, fullPage: true });
    await page.getByTestId('nav-campaigns').click();
    await page.getByRole('tab', { name: 'Schedules' }).click();
    await page.screenshot({ path: `${ARTEFACTS}/schedules.png`, fullPage: true });
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('notifier-add').click();
    await page.getByTestId('notifier-name').fill('This desk');
    await page.getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => page.getByTestId('notifiers-table').textContent()).toContain('This desk');
    await page.getByTestId('notifier-test').click();
    await expect.poll(() => page.getByText(/Delivered \(attempt 1\)/).count(), { timeout: 10_000 }).toBe(1);
    await page.screenshot({ path: `${ARTEFACTS}/settings.png`, fullPage: true });
    await page.getByTestId('nav-accounts').click();
    await page.screenshot({ path: `${ARTEFACTS}/accounts.png`, fullPage: true });
  });
});
