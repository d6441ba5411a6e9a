// The order lookups of a running campaign, wired to its budget and connections: what `settleByLookup` needs, for an
// account whose answer was lost (phase 'run': not found lets it go on) and for what is still unknown at the end
// (phase 'end': not found settles it as not booked).
import type { SessionKeeper } from '../accounts';
import type { LocalClock } from '../clock';
import type { IntentMark } from '../store';
import type { TargetProfile, TemplateContext } from '../targets';
import { sleep, type AccountRun } from './account-run';
import type { AttemptRecorder } from './attempt-recorder';
import { backoffMs } from './backoff';
import type { Endpoint } from './endpoint-pool';
import { exchange, type Exchange } from './http-exchange';
import type { LookupDeps } from './intent-settler';

export interface LookupHost {
  campaignId: string;
  profile: TargetProfile;
  clock: LocalClock;
  sessions: SessionKeeper;
  recorder: AttemptRecorder;
  random: () => number;
  /** Waits for a request's turn in the target's budget and the account's. */
  turn(run: AccountRun, signal: AbortSignal): Promise<void>;
  /** An endpoint whose breaker lets a request through, or null (none, or the pool is closed). */
  chooseEndpoint(): Endpoint | null;
  context(run: AccountRun): TemplateContext;
  /** Records a booking the lookup found, as a success row with its marks. */
  recordFound(run: AccountRun, answer: Exchange, orderId: string | null, marks: IntentMark[]): void;
}

export function runLookups(host: LookupHost, signal: AbortSignal, phase: 'run' | 'end'): LookupDeps {
  const { campaignId, profile, clock } = host;
  return {
    profile,
    waitForSlot: async (run) => {
      await host.turn(run, signal);
    },
    send: (request) => {
      const endpoint = host.chooseEndpoint();
      return endpoint ? exchange(endpoint, request, clock, profile.limits.timeoutMs) : Promise.resolve(null);
    },
    context: (run) => host.context(run),
    session: (run) => ({
      header: profile.auth?.header,
      cookie: run.cookies?.header((host.chooseEndpoint()?.url ?? '') + (profile.orderStatus?.request.path ?? '/')),
    }),
    recoverSession: async (run) => {
      await host.sessions.recoverFromUnauthorized(run.account.id);
      run.tokens = host.sessions.tokens(run.account.id);
    },
    backoffMs: (n) => backoffMs(n, profile.retry.baseMs, profile.retry.maxMs, host.random) + 50,
    sleep: (ms) => sleep(ms, signal),
    settled: (run, result) => {
      const who = { campaignId, accountId: run.account.id };
      if (result.kind === 'found') {
        run.done = true;
        run.outcome = 'success';
        host.recordFound(run, result.answer, result.orderId, [
          { kind: 'booked', ...who, orderId: result.orderId, by: 'lookup' },
        ]);
      } else {
        host.recorder.mark(phase === 'run' ? { kind: 'cleared', ...who } : { kind: 'notBooked', ...who, by: 'lookup' });
      }
    },
    failed: (run, error) => host.recorder.mark({ kind: 'lookupFailed', campaignId, accountId: run.account.id, error }),
  };
}
