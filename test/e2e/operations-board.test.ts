// The operator's console off the happy path, in Chromium: the operations board while a rehearsal arms and fires
// (countdown in both zones, readiness, live results, stock as it sells, the tab title counting down); the
// per-endpoint timeline with named lanes and no hidden bars; a second rehearsal in the same data dir whose first
// shots the target accepts (no 401 from a dead session); every flow by keyboard; and an accessibility pass (axe-core)
// with a screenshot of every page in English and Chinese, kept in test-results/e2e/pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { makeTempDir } from '../helpers/temp-dir';
import { startServe, type RunningServe } from '../helpers/serve';
import { launchChromium } from '../helpers/chromium';

const ARTEFACTS = 'test-results/e2e/pages';
const PAGES = ['dashboard', 'campaigns', 'accounts', 'targets', 'captcha', 'clock', 'reports', 'settings'] as const;
/** Values the main side sends that must never reach a Chinese page untranslated. */
const RAW_ENUMS =
  /\b(soldOut|notOpen|rateLimited|captchaRequired|captchaRejected|unauthorized|alreadyBooked|retryable|completed|cancelled|interrupted|armed|draft|firing|active|cooling|locked|banned|combined)\b/;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let serve: RunningServe;
let browser: Browser;
let page: Page;
const temp = makeTempDir();

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  serve = await startServe(temp.dir);
  browser = await launchChromium();
  page = await browser.newPage({ locale: 'en-US', viewport: { width: 1400, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  temp.remove();
});

const text = async (testId: string): Promise<string> => (await page.getByTestId(testId).first().textContent()) ?? '';
const activeTestId = (): Promise<string | null> =>
  page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? null);
const campaignIdInUrl = (): Promise<string | null> =>
  page.evaluate(() => /#\/campaigns\/([^/]+)$/.exec(window.location.hash)?.[1] ?? null);
/**
 * Presses Tab until the focused element has `testId` (and, given, the text `withText`), at most `limit` times;
 * names where focus went when it does not get there.
 */
async function tabTo(testId: string, limit = 80, withText?: string): Promise<string> {
  const visited: Array<string | null> = [];
  const there = async (): Promise<boolean> => {
    visited.push(await activeTestId());
    if (visited.at(-1) !== testId) return false;
    return withText === undefined || (await page.evaluate(() => document.activeElement?.textContent)) === withText;
  };
  for (let i = 0; i < limit; i += 1) {
    if (await there()) return testId;
    await page.keyboard.press('Tab');
  }
  return (await there()) ? testId : `not reached: ${visited.join(' → ')}`;
}

/** The campaign's attempts as the server-side record exports them (CSV over the console's token). */
async function attemptsCsv(campaignId: string): Promise<Array<Record<string, string>>> {
  const { origin, hash } = new URL(serve.url);
  const token = new URLSearchParams(hash.slice(1)).get('token')!;
  const reply = await fetch(`${origin}/download/attempts.csv?campaign=${campaignId}&token=${token}`);
  expect(reply.status).toBe(200);
  return parse(await reply.text(), { columns: true }) as Array<Record<string, string>>;
}

describe('operations board, keyboard and pages (Chromium)', () => {
  it('shows the rehearsal on the board as it arms and fires: countdown, both zones, readiness, results, stock', async () => {
    await page.goto(serve.url);
    await expect.poll(() => page.getByTestId('first-run').count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId('first-run').getByTestId('rehearse').click();
    await expect.poll(campaignIdInUrl, { timeout: 20_000 }).not.toBeNull();
    await page.getByTestId('nav-dashboard').click();
    const card = page.getByTestId('board-campaign').first();
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
    expect(await text('board-countdown')).toMatch(/^T−00:00:\d\d\.\d{3}$/);
    const opens = await text('board-opens');
    expect(opens).toContain('Asia/Shanghai');
    expect(opens).toContain(Intl.DateTimeFormat().resolvedOptions().timeZone);
    // The tab title counts down too (whole seconds, server time).
    await expect.poll(() => page.title(), { timeout: 5_000 }).toMatch(/^T−00:00:\d\d · Rehearsal — G1234 · Tminus$/);
    // At T−a few seconds everything that matters is ready, and says so.
    await expect.poll(() => text('board-phase'), { timeout: 25_000, interval: 250 }).toBe('ready to fire');
    expect(await text('board-accounts')).toMatch(/^20 leased · 20 signed in$/);
    expect((await text('board-endpoints')).match(/healthy/g)).toHaveLength(2);
    expect(await text('board-clock')).toMatch(/^[+-]\d+\.\d ± \d+\.\d ms, read \d+ s ago$/);
    expect(await text('board-captcha')).toBe('ready'); // the simulator may ask for one: the reader is loaded
    await page.screenshot({ path: `${ARTEFACTS}/board-ready.png`, fullPage: true });
    // Live while it fires: results and the simulator's stock follow events (12 for sale, 20 accounts).
    await expect.poll(() => text('board-results'), { timeout: 30_000, interval: 200 }).toMatch(/^[1-9]\d* booked/);
    await expect.poll(() => text('sim-items'), { timeout: 20_000, interval: 250 }).toMatch(/Hongqiao0 \/ 12/);
    await page.screenshot({ path: `${ARTEFACTS}/board-firing.png`, fullPage: true });
    await expect.poll(() => text('board-state'), { timeout: 30_000 }).toBe('completed');
    expect(await text('board-countdown')).toBe('Ended');
    expect(await text('board-results')).toMatch(/^12 booked · 8 not booked · 0 unknown$/);
    await expect.poll(() => page.title()).toBe('Tminus');
  });

  it('draws the per-endpoint timeline with a named lane per node and every bar visible', async () => {
    await page.getByTestId('board-campaign').first().getByRole('button', { name: 'Rehearsal — G1234' }).click();
    await expect.poll(() => page.getByTestId('campaign-detail').count()).toBe(1);
    await expect.poll(() => text('countdown')).toMatch(/^Until the open instant \(server time\)Ended/);
    await page.getByText('Per endpoint', { exact: true }).click();
    await page.getByTestId('timeline-fit').click();
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.getAttribute('data-lanes')).toBe('2');
    const attempts = Number(await timeline.getAttribute('data-attempts'));
    expect(attempts).toBeGreaterThanOrEqual(20);
    // 20 first shots at once on two nodes overlap: they stack on tracks instead of hiding each other.
    expect(Number(await timeline.getAttribute('data-rows'))).toBeGreaterThan(2);
    await expect.poll(async () => Number(await timeline.getAttribute('data-drawn'))).toBe(attempts);
    await page.screenshot({ path: `${ARTEFACTS}/timeline-per-endpoint.png`, fullPage: true });
  });

  it('rehearses again in the same data dir: the target accepts every first shot (no dead session, no 401)', async () => {
    const first = (await campaignIdInUrl())!;
    await page.getByRole('button', { name: '← All campaigns' }).click();
    await page.getByTestId('rehearse').first().click();
    await expect.poll(async () => ((await campaignIdInUrl()) ?? first) !== first, { timeout: 20_000 }).toBe(true);
    const second = (await campaignIdInUrl())!;
    await expect.poll(() => text('campaign-state'), { timeout: 60_000 }).toBe('completed');
    const rows = await attemptsCsv(second);
    const firstShots = rows.filter((row) => row.retry === '0');
    expect(firstShots.length).toBe(20);
    expect(firstShots.filter((row) => row.outcome === 'unauthorized')).toEqual([]);
    expect(rows.filter((row) => row.outcome === 'success')).toHaveLength(12);
  });

  it('creates, arms, cancels (with confirmation), opens and drills by keyboard alone', async () => {
    await page.getByRole('button', { name: '← All campaigns' }).click();
    await page.getByTestId('campaign-new').focus();
    await page.keyboard.press('Enter');
    await expect.poll(activeTestId).toBe('campaign-name'); // focus on the first field, not the close button
    await page.keyboard.type('Keyboard rush');
    expect(await tabTo('campaign-item', 6)).toBe('campaign-item');
    await page.keyboard.type('G1234');
    expect(await tabTo('campaign-item-instant', 4)).toBe('campaign-item-instant');
    await page.keyboard.press('Space'); // the item's own instant has passed: give one
    await expect.poll(() => page.getByTestId('campaign-opens-at').count()).toBe(1);
    expect(await tabTo('campaign-opens-at', 4)).toBe('campaign-opens-at');
    const soon = new Date(Date.now() + 1_500 + 120_000);
    const zone = await page.getByTestId('campaign-zone').inputValue();
    expect(zone).toBe('Asia/Shanghai'); // typed in the target's zone
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'medium' });
    await page.keyboard.type(local.format(soon));
    await page.keyboard.press('Enter'); // Enter submits
    await expect.poll(() => text('campaign-state'), { timeout: 10_000 }).toBe('draft');
    await page.keyboard.press('Alt+KeyA');
    await expect.poll(() => text('campaign-state'), { timeout: 10_000 }).toBe('armed');
    // Alt+X asks first; Escape keeps the campaign armed.
    await page.keyboard.press('Alt+KeyX');
    await expect.poll(() => page.getByTestId('cancel-confirm').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('cancel-confirm').count()).toBe(0);
    expect(await text('campaign-state')).toBe('armed');
    await page.keyboard.press('Alt+KeyX');
    await expect.poll(activeTestId).not.toBe('cancel-confirm'); // the safe choice has the focus
    expect(await tabTo('cancel-confirm', 3)).toBe('cancel-confirm');
    await page.keyboard.press('Enter');
    await expect.poll(() => text('campaign-state'), { timeout: 10_000 }).toBe('cancelled');
    await expect.poll(() => page.locator('.ant-modal-wrap:visible').count(), { timeout: 5_000 }).toBe(0);
    // Open a campaign from the list by Tab and Enter.
    await page.getByRole('button', { name: '← All campaigns' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('campaigns-table').count()).toBe(1);
    expect(await tabTo('campaign-open', 40, 'Rehearsal — G1234')).toBe('campaign-open');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('campaign-detail').count()).toBe(1);
    // Drill into a report's bucket by keyboard.
    await page.getByTestId('campaign-attribution').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('attribution-bar').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.getByTestId('reports-dimension').focus();
    expect(await tabTo('attribution-bar', 60)).toBe('attribution-bar');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('drill-tag').count()).toBe(1);
  });

  it('passes axe-core with no serious violation and keeps a screenshot of every page, in English and Chinese', async () => {
    const found: string[] = [];
    for (const language of ['en', 'zh-CN'] as const) {
      await page.getByTestId('nav-settings').click();
      await page
        .getByTestId('language')
        .getByText(language === 'en' ? 'English' : '简体中文')
        .click();
      for (const id of PAGES) {
        await page.getByTestId(`nav-${id}`).click();
        await page.waitForTimeout(600); // let charts and tables settle
        // A notification that is fading in or out (a campaign of an earlier test ending now) is checked at rest, not
        // mid-animation, where its text is part-transparent: wait until every notice is fully opaque or gone.
        await expect
          .poll(
            () =>
              page.evaluate(() =>
                [...document.querySelectorAll('.ant-notification-notice')].every((notice) => {
                  for (let node: Element | null = notice; node; node = node.parentElement)
                    if (Number(getComputedStyle(node).opacity) < 1) return false;
                  return true;
                }),
              ),
            { timeout: 5_000 },
          )
          .toBe(true);
        await page.screenshot({ path: `${ARTEFACTS}/${language}-${id}.png`, fullPage: true });
        if ((await page.evaluate(() => typeof (window as { axe?: unknown }).axe)) === 'undefined')
          await page.evaluate(axeSource);
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResults> } }).axe;
          const results = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
          return results.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map(
              (v) =>
                `${v.id}: ${v.help} (${v.nodes
                  .map((n) => n.html.slice(0, 200))
                  .slice(0, 3)
                  .join(', ')})`,
            );
        });
        found.push(...violations.map((v) => `${language} ${id}: ${v}`));
        if (language === 'zh-CN') {
          const body = await page.evaluate(() => document.body.innerText);
          expect(RAW_ENUMS.exec(body)?.[0] ?? null, `${id} shows a raw value`).toBeNull();
        }
      }
    }
    writeFileSync(`${ARTEFACTS}/axe-violations.json`, JSON.stringify(found, null, 2));
    expect(found).toEqual([]);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language').getByText('English').click();
  });
});

interface AxeResults {
  violations: Array<{
    id: string;
    help: string;
    impact: string | null;
    nodes: Array<{ target: string[]; html: string }>;
  }>;
}
