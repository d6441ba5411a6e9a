// What an account does after an answer (ARCHITECTURE.md, engine step 5): done on success or a fatal answer, every
// account stops on soldOut, a wait before trying again otherwise — the target's Retry-After or our backoff, whichever
// is longer, and never an immediate retry of a 429 — and a refresh-then-sign-in on unauthorized.
import type { SessionKeeper } from '../accounts';
import type { LocalClock } from '../clock';
import type { Outcome } from '../ipc/contract';
import type { TargetProfile } from '../targets';
import { sleep, type AccountRun } from './account-run';
import { backoffMs, retryAfterMs } from './backoff';
import type { Exchange } from './http-exchange';

export interface ReactContext {
  /** The matcher's scope: a client-scope rateLimited answer pauses every account of the target. */
  scope?: 'account' | 'client';
  onClientLimit?(untilLocalMs: number): void;
  retry: TargetProfile['retry'];
  clock: LocalClock;
  random: () => number;
  sessions: SessionKeeper;
  /** Ends every wait (cancel, deadline, sold out). */
  stopSignal: AbortSignal;
  /** The item sold out: the whole campaign stops. */
  onSoldOut(): void;
}

export async function react(run: AccountRun, outcome: Outcome, answer: Exchange, ctx: ReactContext): Promise<void> {
  const { retry, clock, random } = ctx;
  const wait = (ms: number): Promise<void> => sleep(ms, ctx.stopSignal);
  switch (outcome) {
    case 'success':
    case 'alreadyBooked': // the target holds a booking for this account already: it counts, and is never retried
      run.done = true;
      run.outcome = outcome;
      return;
    case 'pending': // accepted, not decided: the lookup before the next send settles it (intent-settler.ts)
      await wait(retry.notOpenMs * (0.5 + random()));
      return;
    case 'soldOut':
      run.outcome = 'soldOut';
      ctx.onSoldOut();
      return;
    case 'fatal':
      run.done = true;
      run.outcome = 'fatal';
      return;
    case 'notOpen':
      await wait(retry.notOpenMs * (0.5 + random()));
      return;
    case 'rateLimited': {
      // Never retried at once: the target's wait, or our backoff if it named none, whichever is longer.
      const asked = retryAfterMs(answer.headers, Date.now());
      const waitMs = Math.max(asked ?? 0, backoffMs(run.retry, retry.baseMs, retry.maxMs, random), 1);
      run.notBeforeMs = clock.nowMs() + waitMs;
      run.limiter.holdUntil(run.notBeforeMs);
      if (ctx.scope === 'client') ctx.onClientLimit?.(run.notBeforeMs);
      await wait(waitMs);
      return;
    }
    case 'captchaRequired':
    case 'captchaRejected':
      run.captcha = null;
      run.captchaAsked = true;
      return;
    case 'unauthorized':
      if (run.recoveries >= 2) {
        run.done = true;
        run.outcome = 'unauthorized';
        return;
      }
      run.recoveries += 1;
      try {
        await ctx.sessions.recoverFromUnauthorized(run.account.id);
        run.tokens = ctx.sessions.tokens(run.account.id);
      } catch {
        run.done = true;
        run.outcome = 'unauthorized';
      }
      return;
    case 'retryable': {
      const asked = retryAfterMs(answer.headers, Date.now());
      const waitMs = Math.max(asked ?? 0, backoffMs(run.retry, retry.baseMs, retry.maxMs, random));
      if (asked !== null) run.notBeforeMs = clock.nowMs() + waitMs;
      await wait(waitMs);
      return;
    }
  }
}
