// What a campaign ended with: successes, sold out or not, attempts by outcome, how precisely the first shots left,
// and when the target actually opened compared with when it said it would.
import type { AttemptsRepository, StorageFault } from '../store';
import type { CampaignState } from '../ipc/contract';
import type { AccountRun } from './account-run';

export interface FirstShot {
  plannedLocalMs: number;
  sentLocalMs: number;
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
  /** Actual − planned send instant of each account's first shot, on the local clock. */
  fire: {
    shots: number;
    /** Of those, how many were written ahead on the accounts' own connections (the rest went through the pool). */
    writtenAhead: number;
    p50Ms: number | null;
    p99Ms: number | null;
    maxMs: number | null;
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
}): RunSummary {
  const byOutcome = input.attempts.outcomeCounts(input.campaignId);
  const successes = input.attempts.successes(input.campaignId);
  const booked = input.runs.filter((run) => run.outcome === 'success').length;
  const unknown = input.runs.filter((run) => run.unknown).length;
  const lateness = input.firstShots.map((shot) => shot.sentLocalMs - shot.plannedLocalMs).sort((a, b) => a - b);
  return {
    campaignId: input.campaignId,
    state: input.state,
    accounts: input.accounts,
    // From memory, not the table: under a storage fault the rows may still be waiting to be written.
    successes: Math.max(successes.accounts, booked),
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
