// What an answer proves about an account's intent, and settling an intent whose answer was lost: through the order
// lookup before the account may fire again (unless the target honours the key, when the retry itself settles it),
// and once more at the end of the campaign for whatever is still unknown.
import type { IntentMark } from '../store';
import type { Outcome } from '../ipc/contract';
import type { TargetProfile, TemplateContext } from '../targets';
import type { AccountRun } from './account-run';
import type { SessionCarrier } from '../targets/profile-requests';
import type { Exchange, PreparedRequest } from './http-exchange';
import { lookupOrder, mayHaveBooked, type LookupResult } from './order-lookup';

/** The marks one answer of `run` proves; updates `run.unknown`. */
export function marksForAnswer(
  campaignId: string,
  run: AccountRun,
  answer: Exchange,
  outcome: Outcome,
  orderId: string | null,
  keyHonoured: boolean,
): IntentMark[] {
  const who = { campaignId, accountId: run.account.id };
  if (outcome === 'success' || outcome === 'alreadyBooked') {
    run.unknown = false;
    return [{ kind: 'booked', ...who, orderId, by: 'answer' }];
  }
  // Accepted but not decided (a queued booking with nothing to poll): as good as a lost answer until looked up.
  if (mayHaveBooked(answer) || outcome === 'pending') {
    if (run.unknown) return [];
    run.unknown = true;
    const error = outcome === 'pending' ? 'PENDING' : (answer.networkError ?? `HTTP_${answer.status}`);
    return [{ kind: 'unknown', ...who, error }];
  }
  // With an honoured key, a replay would have returned the lost booking: "sold out" to the same key proves none.
  if (run.unknown && keyHonoured && outcome === 'soldOut') {
    run.unknown = false;
    return [{ kind: 'cleared', ...who }];
  }
  return [];
}

/** The marks that close a campaign's intents: never sent, or answered without a booking. Unknown ones stay open. */
export function closingMarks(campaignId: string, runs: AccountRun[]): IntentMark[] {
  const marks: IntentMark[] = [];
  for (const run of runs) {
    if (run.outcome === 'success' || run.outcome === 'alreadyBooked' || run.unknown) continue;
    marks.push({ kind: 'notBooked', campaignId, accountId: run.account.id, by: run.sent ? 'answer' : 'unsent' });
  }
  return marks;
}

export interface LookupDeps {
  profile: TargetProfile;
  /** Waits for the target's budget (and the account's) before each lookup. */
  waitForSlot(run: AccountRun): Promise<void>;
  send(request: PreparedRequest): Promise<Exchange | null>;
  context(run: AccountRun): TemplateContext;
  /** How the lookup carries the account's session (its header, its cookies); default the profile's header. */
  session?(run: AccountRun): SessionCarrier;
  /** A lookup answered 401: the session is renewed before the next try. */
  recoverSession(run: AccountRun): Promise<void>;
  backoffMs(tryNumber: number): number;
  sleep(ms: number): Promise<void>;
  /** Records what the lookup settled (a found booking as a success row). */
  settled(run: AccountRun, result: LookupResult & { kind: 'found' | 'notFound' }): void;
  failed(run: AccountRun, error: string): void;
}

/**
 * Asks the target about `run`'s booking until it answers found or not found, or `tries` run out, or `stopped()`.
 * Returns what it learnt: 'found', 'notFound', or 'unknown'.
 */
export async function settleByLookup(
  run: AccountRun,
  deps: LookupDeps,
  tries: number,
  stopped: () => boolean,
): Promise<'found' | 'notFound' | 'unknown'> {
  if (!deps.profile.orderStatus) return 'unknown';
  for (let tryNumber = 0; tryNumber < tries && !stopped(); tryNumber += 1) {
    await deps.waitForSlot(run);
    if (stopped()) break;
    let result: LookupResult | null = null;
    result = await lookupOrder(
      deps.profile,
      deps.context(run),
      async (request) => (await deps.send(request)) ?? noEndpoint(),
      deps.session?.(run),
    );
    if (result.kind !== 'failed') {
      run.unknown = false;
      deps.settled(run, result);
      return result.kind;
    }
    deps.failed(run, result.error);
    if (result.unauthorized) await deps.recoverSession(run).catch(() => undefined);
    await deps.sleep(Math.max(result.retryAfterMs ?? 0, deps.backoffMs(tryNumber)));
  }
  return 'unknown';
}

const noEndpoint = (): Exchange => ({
  endpoint: '',
  sentLocalMs: 0,
  latencyMs: null,
  status: null,
  headers: {},
  body: null,
  raw: null,
  networkError: 'CIRCUIT_OPEN',
});
