// Signing an account in while arming, inside the target's budget: its session is proven with the target (a health
// request or a refresh; a refused one is signed in again), and a 429/503 is waited out — the wait the target asked
// for, or our backoff — and tried again until shortly before the open instant, never dropped on the first refusal.
import type { SessionKeeper } from '../accounts';
import { isToldToWait } from '../accounts/session-keeper';
import type { LocalClock } from '../clock';
import type { TminusError } from '../errors';
import type { TargetProfile } from '../targets';
import { sleep, type AccountRun } from './account-run';
import { backoffMs } from './backoff';
import type { TargetBudget } from './target-budget';

/** Why an account sat a campaign out. */
export type SatOutReason = 'fields' | 'sign-in' | 'breaker' | 'budget' | 'unknown';

export interface SatOut {
  reason: SatOutReason;
  message: string;
}

export interface ArmSignInDeps {
  sessions: SessionKeeper;
  profile: TargetProfile;
  budget: TargetBudget;
  clock: LocalClock;
  random: () => number;
  /** The last local instant a sign-in may still be tried at (the first shots must not wait for it). */
  deadlineLocalMs: number;
  stopSignal: AbortSignal;
  /** Does a 429 on this target limit the whole client (the profile's rateLimited matchers say so)? */
  clientScope: boolean;
}

/** Signs `run` in (or proves its session); returns null when it holds a session, else why it sits out. */
export async function signInBeforeOpen(run: AccountRun, deps: ArmSignInDeps): Promise<SatOut | null> {
  const { clock, profile } = deps;
  let transientTries = 0;
  for (let tries = 0; ; tries += 1) {
    try {
      await deps.sessions.verify(run.account.id);
      run.tokens = deps.sessions.tokens(run.account.id);
      return null;
    } catch (error) {
      const message = (error as Error).message;
      // A server error or a lost connection is tried again a few times; a refusal (wrong password) is final.
      const transient = isTransient(error) && (transientTries += 1) <= TRANSIENT_TRIES;
      if (!(isToldToWait(error) || transient) || deps.stopSignal.aborted) return { reason: 'sign-in', message };
      const asked = (error as TminusError).details?.retryAfterMs;
      const waitMs = Math.max(
        typeof asked === 'number' ? asked : 0,
        backoffMs(tries, profile.retry.baseMs, profile.retry.maxMs, deps.random),
        1,
      );
      const until = clock.nowMs() + waitMs;
      if (until >= deps.deadlineLocalMs)
        return { reason: 'sign-in', message: `${message} (still told to wait when the sale was about to open)` };
      if (deps.clientScope) deps.budget.pauseUntil(until);
      await sleep(waitMs, deps.stopSignal);
    }
  }
}

const TRANSIENT_TRIES = 3;

/** No HTTP answer, or a 5xx other than 503 (which is a wait): worth another try. */
function isTransient(error: unknown): boolean {
  const status = (error as TminusError).details?.status;
  return typeof status !== 'number' || (status >= 500 && status !== 503);
}

/** Does any rateLimited matcher of the profile say the limit applies to the whole client? */
export const limitsWholeClient = (profile: TargetProfile): boolean =>
  profile.outcomes.some((matcher) => matcher.outcome === 'rateLimited' && matcher.scope === 'client');
