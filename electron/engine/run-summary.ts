// What a campaign ended with: successes, sold out or not, attempts by outcome, how precisely the first shots left,
// and when the target actually opened compared with when it said it would.
import type { AttemptsRepository, StorageFault } from '../store';
import type { CampaignState } from '../ipc/contract';
import type { AccountRun } from './account-run';
import type { ReleaseFigures } from './fire-scheduler';

export interface FirstShot {
  /** The instant the plan fired this shot at. */
  plannedLocalMs: number;
  /** The slot the budget released it at: the instant, or later when the burst is more than the bucket holds. */
  slotLocalMs: number;
  sentLocalMs: number;
  /** Server receive stamp minus the planned instant on the server's clock; null where the target stamps nothing. */
  arrivalLateMs: number | null;
  /** Serialised ahead and written by the releasing loop on the account's own connection. */
  writtenAhead: boolean;
}

export interface RunSummary {
  campaignId: string;
  state: CampaignState;
  accounts: number;
  successes: number;
  soldOut: boolean;
  attempts: number;
  byOutcome: Record<string, number>;
  /** First success, server time, minus the open instant. */
  firstSuccessMs: number | null;
  /**
   * The first shots' timing: sent − released slot on the local clock (p50/p99/max: the timing error), arrival at
   * the target − planned instant (its stamp, where it gives one), and apart from both the budget's spacing — how far
   * past the instant the bucket put the shots a burst larger than it could not send at once.
   */
  fire: {
    shots: number;
    /** Of those, how many were written ahead on the accounts' own connections (the rest went through the pool). */
    writtenAhead: number;
    p50Ms: number | null;
    p99Ms: number | null;
    maxMs: number | null;
    arrival: { shots: number; p50Ms: number | null; p99Ms: number | null };
    /** Shots the budget released after their planned instant, and how far after (p50/p99/max). */
    spacing: { shots: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null };
    /** The largest release of the loop (the burst): how early its timer woke, how late it began, how long it took. */
    release?: ReleaseFigures | null;
  };
  /** Accounts that took no part, by why (sign-in, breaker, budget, unknown result), with the first few reasons. */
  satOut: {
    total: number;
    byReason: Record<string, number>;
    examples: Array<{ account: string; reason: string; message: string }>;
  };
  offsetMs: number;
  boundMs: number;
  openAtServerMs: number;
  observedOpenAtServerMs: number | null;
  /** Each account's booking as this run knows it: booked, not booked, or unknown (an answer lost and unsettled). */
  intents: { booked: number; notBooked: number; unknown: number };
  /** Accounts the ledger kept out of this campaign. */
  leftOut: { alreadyBooked: number; unsettled: number };
  /** A storage fault met during the run (the record waited in memory), or null. */
  storageFault: { code: string; message: string } | null;
  /** Why the campaign failed, in words, or null. */
  error: string | null;
  /** What the operator should know about the run (a local clock far off), in words. */
  warnings: string[];
}

const quantile = (sorted: number[], q: number): number | null =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export function summarise(input: {
  campaignId: string;
  state: CampaignState;
  openAtServerMs: number;
  accounts: number;
  soldOut: boolean;
  observedOpenAtServerMs: number | null;
  offsetMs: number;
  boundMs: number;
  firstShots: FirstShot[];
  attempts: AttemptsRepository;
  runs: AccountRun[];
  leftOut: { alreadyBooked: number; unsettled: number };
  storageFault: StorageFault | null;
  error: string | null;
  warnings: string[];
  release: ReleaseFigures | null;
}): RunSummary {
  const byOutcome = input.attempts.outcomeCounts(input.campaignId);
  const successes = input.attempts.successes(input.campaignId);
  const booked = input.runs.filter((run) => run.outcome === 'success' || run.outcome === 'alreadyBooked').length;
  const unknown = input.runs.filter((run) => run.unknown).length;
  const sorted = (values: number[]): number[] => values.sort((a, b) => a - b);
  const lateness = sorted(input.firstShots.map((shot) => shot.sentLocalMs - shot.slotLocalMs));
  const arrival = sorted(
    input.firstShots.map((shot) => shot.arrivalLateMs).filter((late): late is number => late !== null),
  );
  const spacing = sorted(
    input.firstShots.map((shot) => shot.slotLocalMs - shot.plannedLocalMs).filter((late) => late > 0.5),
  );
  const satOut = input.runs.filter((run) => run.satOut !== null);
  const byReason: Record<string, number> = {};
  for (const run of satOut) byReason[run.satOut!.reason] = (byReason[run.satOut!.reason] ?? 0) + 1;
  return {
    campaignId: input.campaignId,
    state: input.state,
    accounts: input.accounts,
    // From memory, not the table: under a storage fault the rows may still be waiting to be written.
    successes: Math.max(successes.accounts, input.runs.filter((run) => run.outcome === 'success').length),
    soldOut: input.soldOut,
    attempts: Object.values(byOutcome).reduce((sum, n) => sum + n, 0),
    byOutcome,
    firstSuccessMs: successes.atServerMs === null ? null : successes.atServerMs - input.openAtServerMs,
    fire: {
      shots: lateness.length,
      writtenAhead: input.firstShots.filter((shot) => shot.writtenAhead).length,
      p50Ms: quantile(lateness, 0.5),
      p99Ms: quantile(lateness, 0.99),
      maxMs: lateness.length > 0 ? lateness[lateness.length - 1]! : null,
      arrival: { shots: arrival.length, p50Ms: quantile(arrival, 0.5), p99Ms: quantile(arrival, 0.99) },
      spacing: {
        shots: spacing.length,
        p50Ms: quantile(spacing, 0.5),
        p99Ms: quantile(spacing, 0.99),
        maxMs: spacing.at(-1) ?? null,
      },
      release: input.release,
    },
    satOut: {
      total: satOut.length,
      byReason,
      examples: satOut.slice(0, 10).map((run) => ({
        account: run.account.username,
        reason: run.satOut!.reason,
        message: run.satOut!.message,
      })),
    },
    offsetMs: input.offsetMs,
    boundMs: input.boundMs,
    openAtServerMs: input.openAtServerMs,
    observedOpenAtServerMs: input.observedOpenAtServerMs,
    intents: { booked, notBooked: input.runs.length - booked - unknown, unknown },
    leftOut: input.leftOut,
    storageFault: input.storageFault && { code: input.storageFault.code, message: input.storageFault.message },
    error: input.error,
    warnings: input.warnings,
  };
}
