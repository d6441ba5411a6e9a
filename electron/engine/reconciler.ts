// Reconciliation: every open intent of a campaign that is not running (a crash left it prepared or sent, a lost
// answer left it unknown) is asked about through the profile's order lookup — inside the target's budget, with
// backoff — and settled as booked (recorded, in the ledger) or not booked; what still cannot be told stays unknown
// and keeps its lease, and the next reconciliation asks again.
import type { AccountsService } from '../accounts';
import type { LocalClock } from '../clock';
import type { AttemptRecord, CampaignRecord, IntentRecord, IntentsRepository } from '../store';
import type { TargetProfile } from '../targets';
import type { AccountRun } from './account-run';
import { eachLimited, newAccountRun, sleep, templateContext } from './account-run';
import type { AttemptRecorder } from './attempt-recorder';
import { backoffMs } from './backoff';
import { EndpointPool } from './endpoint-pool';
import { exchange } from './http-exchange';
import { settleByLookup } from './intent-settler';
import { RateLimiter, reserveAll } from './rate-limiter';
import type { TargetBudget } from './target-budget';

export interface ReconcileReport {
  campaignId: string;
  /** Open intents asked about. */
  checked: number;
  found: number;
  notFound: number;
  /** Still unknown: the target could not tell (unreachable, refused), or the profile has no order lookup. */
  unknown: number;
  /** Why some stay unknown, in words, or null. */
  error: string | null;
}

export interface ReconcileDeps {
  /** The target's declared budget, shared with everything else that talks to it. */
  budget?: TargetBudget;
  clock: LocalClock;
  accounts: AccountsService;
  intents: IntentsRepository;
  recorder: AttemptRecorder;
  random?: () => number;
}

/** Tries per intent in one reconciliation; the next `tminus reconcile` starts again. */
const TRIES = 5;

export async function reconcileCampaign(
  campaign: CampaignRecord,
  profile: TargetProfile,
  endpoints: string[],
  deps: ReconcileDeps,
  tries = TRIES,
): Promise<ReconcileReport> {
  const open = deps.intents.open(campaign.id);
  const report: ReconcileReport = {
    campaignId: campaign.id,
    checked: open.length,
    found: 0,
    notFound: 0,
    unknown: 0,
    error: null,
  };
  if (open.length === 0) return finish(report, campaign, deps, []);
  if (!profile.orderStatus || endpoints.length === 0) {
    report.unknown = open.length;
    report.error = !profile.orderStatus
      ? `target '${profile.id}' has no orderStatus in its profile: ${open.length} result(s) cannot be looked up`
      : `target '${profile.id}' has no endpoint to ask`;
    return finish(report, campaign, deps, open);
  }
  const random = deps.random ?? Math.random;
  const { limits } = profile;
  const targetLimiter = deps.budget?.limiter ?? new RateLimiter(limits.targetRatePerSec, limits.targetBurst);
  const pool = new EndpointPool(endpoints, Math.min(8, limits.concurrency), profile.breaker, random);
  const never = new AbortController().signal;
  const turn = async (run: AccountRun): Promise<void> => {
    if (deps.budget) return deps.budget.turn(targetLimiter, run.limiter, never);
    await sleep(reserveAll([targetLimiter, run.limiter], deps.clock.nowMs()) - deps.clock.nowMs(), never);
  };
  const lastErrors = new Map<number, string>();
  const stillOpen: IntentRecord[] = [];
  try {
    await eachLimited(open, 8, async (intent) => {
      const run = runFor(intent, deps, limits);
      // Signing in is a request to the target too: it takes its slot in the budget.
      await turn(run);
      try {
        await deps.accounts.sessions.ensureFresh(intent.accountId);
        run.tokens = deps.accounts.sessions.tokens(intent.accountId);
      } catch (error) {
        lastErrors.set(intent.accountId, `sign-in: ${(error as Error).message}`);
      }
      run.fields = deps.accounts.fieldsOf(intent.accountId); // a lookup may name a secret field too
      const learnt = await settleByLookup(
        run,
        {
          profile,
          waitForSlot: () => turn(run),
          send: (request) => {
            const endpoint = pool.choose(deps.clock.nowMs());
            return endpoint ? exchange(endpoint, request, deps.clock, limits.timeoutMs) : Promise.resolve(null);
          },
          context: () =>
            templateContext(
              run,
              { id: campaign.id, name: campaign.name, item: campaign.itemId, openAtServerMs: campaign.openAtServerMs },
              Date.now(),
            ),
          recoverSession: async () => {
            await deps.accounts.sessions.recoverFromUnauthorized(intent.accountId);
            run.tokens = deps.accounts.sessions.tokens(intent.accountId);
          },
          backoffMs: (n) => 100 + backoffMs(n, 200, 5_000, random),
          sleep: (ms) => sleep(ms, never),
          settled: (_, result) => {
            const who = { campaignId: campaign.id, accountId: intent.accountId };
            if (result.kind === 'found') {
              deps.recorder.record(
                reconciledRow(campaign, intent, result.answer, result.orderId),
                [{ kind: 'booked', ...who, orderId: result.orderId, by: 'lookup' }],
                true,
              );
              deps.accounts.recordOutcome(intent.accountId, 'success'); // the account's own count of bookings
            } else {
              deps.recorder.mark({ kind: 'notBooked', ...who, by: 'lookup' });
            }
          },
          failed: (_, error) => {
            lastErrors.set(intent.accountId, error);
            deps.recorder.mark({ kind: 'lookupFailed', campaignId: campaign.id, accountId: intent.accountId, error });
          },
        },
        tries,
        () => false,
      );
      if (learnt === 'found') report.found += 1;
      else if (learnt === 'notFound') report.notFound += 1;
      else stillOpen.push(intent);
    });
  } finally {
    await pool.close();
  }
  report.unknown = stillOpen.length;
  if (stillOpen.length > 0) {
    const reasons = [...new Set(stillOpen.map((intent) => lastErrors.get(intent.accountId) ?? 'no answer'))];
    report.error = `the target could not tell for ${stillOpen.length} account(s): ${reasons.slice(0, 3).join('; ')}`;
  }
  return finish(report, campaign, deps, stillOpen);
}

function finish(
  report: ReconcileReport,
  campaign: CampaignRecord,
  deps: ReconcileDeps,
  stillOpen: IntentRecord[],
): ReconcileReport {
  deps.recorder.flush();
  // Leases are released for every account settled; an account whose result is unknown stays held.
  deps.accounts.releaseLease(
    campaign.id,
    stillOpen.map((intent) => intent.accountId),
  );
  return report;
}

/** The run reconciliation asks about: sent, its result unknown, with the account's own budget. */
function runFor(intent: IntentRecord, deps: ReconcileDeps, limits: TargetProfile['limits']): AccountRun {
  const run = newAccountRun(
    deps.accounts.get(intent.accountId),
    intent.idempotencyKey,
    new RateLimiter(limits.accountRatePerSec, limits.accountBurst),
  );
  run.sent = true;
  run.unknown = true;
  return run;
}

function reconciledRow(
  campaign: CampaignRecord,
  intent: IntentRecord,
  answer: { endpoint: string; sentLocalMs: number; latencyMs: number | null; status: number | null },
  orderId: string | null,
): AttemptRecord {
  return {
    campaignId: campaign.id,
    accountId: intent.accountId,
    itemId: campaign.itemId,
    endpoint: answer.endpoint,
    idempotencyKey: intent.idempotencyKey,
    retry: 0,
    plannedSendLocalMs: null,
    plannedSendServerMs: null,
    sentLocalMs: answer.sentLocalMs,
    sentServerMs: null,
    serverReceivedMs: null,
    latencyMs: answer.latencyMs,
    httpStatus: answer.status,
    outcome: 'success',
    errorCode: 'RECONCILED',
    errorMessage: 'found by the order lookup during reconciliation',
    captchaConfidence: null,
    orderId,
  };
}
