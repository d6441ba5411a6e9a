// One account's state for the length of a campaign, and the small waits the runner is made of.
import type { AccountView } from '../store';
import type { AccountTokens } from '../accounts';
import type { Outcome } from '../ipc/contract';
import type { RateLimiter } from './rate-limiter';
import { fieldVariables, type TemplateContext } from '../targets/template';
import type { ArmedConnection } from './armed-connection';
import type { Endpoint } from './endpoint-pool';
import { MAX_TIMER_MS } from '../common/long-timer';
import type { SessionCookies } from '../targets/session-cookies';
import type { SatOut } from './arm-sign-in';

export interface AccountRun {
  account: AccountView;
  key: string;
  limiter: RateLimiter;
  done: boolean;
  outcome: Outcome | null;
  retry: number;
  recoveries: number;
  /** The answer held for the next booking, and its sample's handle (for the target's verdict), if one is kept. */
  captcha: { id: string; answer: string; confidence: number | null; sample?: number | null } | null;
  /** The target asked this account for a captcha (profile `requiredFor: when-asked`). */
  captchaAsked: boolean;
  /** Local instant before which the target told this account not to send (Retry-After). */
  notBeforeMs: number;
  /** Tokens held in memory while the campaign runs, so the fire path reads no database and decrypts nothing. */
  tokens: AccountTokens | null;
  /** This account's own connection to its home endpoint, opened while arming; null where there is none. */
  armed: ArmedConnection | null;
  home: Endpoint | null;
  /** A request of this account has been written (its intent is marked sent). */
  sent: boolean;
  /** An answer was lost: the booking may exist. Settled by a lookup (or an honoured key's replay) before more. */
  unknown: boolean;
  /** Why this account did not take part (set while arming, or when the breaker or the budget held it back). */
  satOut: SatOut | null;
  /** The breaker held every endpoint open when this account wanted to send. */
  heldByBreaker: boolean;
  /** The account's cookie jar (targets whose session is a cookie), or null. */
  cookies: SessionCookies | null;
  /** Values the target's answers gave this account ({{vars.NAME}}: a queued booking's ticket). */
  vars: Record<string, string>;
  /** The account's fields ({{account.fields.NAME}}), secret ones opened while arming, held in memory. */
  fields: Record<string, string>;
}

/** A fresh run of `account` under `key`: nothing sent, nothing known, no session or connection yet. */
export function newAccountRun(account: AccountView, key: string, limiter: RateLimiter): AccountRun {
  return {
    account,
    key,
    limiter,
    done: false,
    outcome: null,
    retry: 0,
    recoveries: 0,
    captcha: null,
    captchaAsked: false,
    notBeforeMs: 0,
    tokens: null,
    armed: null,
    home: null,
    sent: false,
    unknown: false,
    satOut: null,
    heldByBreaker: false,
    cookies: null,
    vars: {},
    fields: { ...account.fields },
  };
}

/**
 * Waits `ms`, or less if `signal` aborts first. A wait past what a timer holds (a Retry-After of years) is held at
 * the timer's limit — 24 days, longer than any campaign — never fired at once as Node would.
 */
export const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (!(ms > 0) || signal.aborted) return resolve();
    ms = Math.min(ms, MAX_TIMER_MS);
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Runs `work` over `items`, at most `concurrency` at a time. */
export async function eachLimited<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** What a request template may name for this account now; `serverNowMs` is the corrected server time. */
export function templateContext(
  run: AccountRun,
  campaign: { id: string; name: string; item: string; openAtServerMs: number },
  serverNowMs: number,
): TemplateContext {
  return {
    'account.id': run.account.id,
    'account.username': run.account.username,
    'account.label': run.account.label,
    'tokens.access': run.tokens?.accessToken ?? '',
    'tokens.refresh': run.tokens?.refreshToken ?? '',
    'captcha.id': run.captcha?.id ?? '',
    'captcha.answer': run.captcha?.answer ?? '',
    'campaign.id': campaign.id,
    'campaign.name': campaign.name,
    'campaign.item': campaign.item,
    'campaign.openAtServerMs': campaign.openAtServerMs,
    'attempt.key': run.key,
    'attempt.retry': run.retry,
    'now.serverMs': Math.round(serverNowMs),
    ...fieldVariables(run.fields),
    ...Object.fromEntries(Object.entries(run.vars).map(([name, value]) => [`vars.${name}`, value])),
  };
}
