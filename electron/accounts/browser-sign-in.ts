// Sign-ins that need a person (2FA, sliders): open a real Chromium window at the target's login page, let the
// operator sign in by hand, and capture the cookies the profile names as the account's tokens. No input is simulated
// and nothing is hidden from the site: this is the operator's own browser session, recorded.
import { existsSync } from 'node:fs';
// playwright-core is loaded only when a browser sign-in starts: it costs ~90 MB of memory to load.
import type { Page } from 'playwright-core';
import { TminusError } from '../errors';
import type { AccountTokens } from './sign-in';

export interface BrowserSignInOptions {
  loginUrl: string;
  /** Cookie holding the access token, and (optionally) the refresh token. */
  accessCookie: string;
  refreshCookie?: string;
  /** Other cookies to keep with the tokens. */
  keepCookies?: string[];
  headless?: boolean;
  timeoutMs?: number;
  executablePath?: string;
  /** Tests (and only tests) fill the form here in place of a person. */
  onPage?: (page: Page) => Promise<void>;
}

const CANDIDATE_BROWSERS = [
  process.env.TMINUS_CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

export function findBrowser(): string {
  const found = CANDIDATE_BROWSERS.find((path) => path && existsSync(path));
  if (!found) {
    throw new TminusError(
      'BROWSER_UNAVAILABLE',
      'no Chromium or Chrome found: install one, or set TMINUS_CHROMIUM to its path',
    );
  }
  return found;
}

export async function browserSignIn(options: BrowserSignInOptions): Promise<AccountTokens> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: options.executablePath ?? findBrowser(),
    headless: options.headless ?? false,
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    let closed = false;
    page.on('close', () => (closed = true));
    await page.goto(options.loginUrl);
    const filling = options.onPage?.(page);
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    while (Date.now() < deadline) {
      const cookies = await context.cookies();
      const access = cookies.find((cookie) => cookie.name === options.accessCookie);
      if (access) {
        await filling;
        const refresh = options.refreshCookie
          ? cookies.find((cookie) => cookie.name === options.refreshCookie)
          : undefined;
        const expiresAt = (seconds: number | undefined): number =>
          seconds === undefined || seconds < 0 ? Date.now() + 3_600_000 : seconds * 1000;
        const kept = Object.fromEntries(
          cookies
            .filter((cookie) => options.keepCookies?.includes(cookie.name))
            .map((cookie) => [cookie.name, cookie.value]),
        );
        return {
          accessToken: access.value,
          refreshToken: refresh?.value ?? null,
          accessExpiresAtMs: expiresAt(access.expires),
          refreshExpiresAtMs: refresh ? expiresAt(refresh.expires) : expiresAt(access.expires),
          cookies: kept,
        };
      }
      if (closed) throw new TminusError('SIGN_IN_FAILED', 'the browser window was closed before the sign-in finished');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new TminusError(
      'SIGN_IN_FAILED',
      `no ${options.accessCookie} cookie after ${Math.round((options.timeoutMs ?? 300_000) / 1000)} s: the sign-in did not finish`,
    );
  } finally {
    await browser.close();
  }
}
