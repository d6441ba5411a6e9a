// The operator path for captchas the model cannot read: the console shows the image with a countdown, the operator
// types the answer and presses Enter, and the waiting attempt gets it — through the real app, transport and browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { createApp, type App } from '../../electron/app';
import { startConsoleServer, type ConsoleServer } from '../../electron/ipc/ws-transport';
import { makeTempDir } from '../helpers/temp-dir';
import { launchChromium } from '../helpers/chromium';

const ARTEFACTS = 'test-results/e2e';
const temp = makeTempDir();
let app: App;
let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  app = createApp({ dataDir: temp.dir });
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

function image(): string {
  const png = new PNG({ width: 120, height: 40 });
  png.data.fill(200);
  return PNG.sync.write(png).toString('base64');
}

describe('operator captcha in the console', () => {
  it('shows the captcha with its countdown; Enter answers it and the attempt receives the answer', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(server.url);
    // The console subscribes to its topics as the socket opens, before its first calls on the same socket: once
    // app/info has answered, the subscription is in place.
    await expect.poll(() => page.getByTestId('app-version').textContent(), { timeout: 15_000 }).toMatch(/\d+\.\d+/);
    const solved = app.operatorCaptcha.solve(
      {
        id: 'cap-1',
        imageBase64: image(),
        debugAnswer: null,
        model: 'captcha-sim',
        charset: null,
        minConfidence: 0.9,
        onLowConfidence: 'operator',
        expiresAtMs: Date.now() + 20_000,
      },
      { campaignId: 'c1', accountId: 7 },
    );
    await page.getByTestId('captcha-image').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('captcha-dialog').textContent()).toMatch(/Expires in \d+\.\d s/);
    await page.waitForTimeout(400); // the dialog's opening animation
    await page.screenshot({ path: `${ARTEFACTS}/operator-captcha.png` });
    await page.getByTestId('captcha-input').fill('x7k2');
    await page.getByTestId('captcha-input').press('Enter');
    await expect(solved).resolves.toEqual({ answer: 'x7k2', confidence: null, by: 'operator' });
    await expect.poll(() => page.getByTestId('captcha-dialog').count()).toBe(0);
  });
});
