// Arming's account step: the ledger decides who sits out (already booked this item, or a result for it still
// unknown), the pool leases the rest (up to the campaign's count), and every intent is written in one transaction —
// before any request of the campaign can be on the wire.
import type { AccountsService } from '../accounts';
import { fieldsNamedBy } from '../accounts/account-fields';
import type { IntentsRepository } from '../store';
import type { TargetProfile } from '../targets';
import type { CampaignSpec } from './campaign-spec';
import { newAccountRun, type AccountRun } from './account-run';
import { idempotencyKey } from './idempotency-key';
import { RateLimiter } from './rate-limiter';

/** How the accounts a campaign left out were chosen: the ledger says they booked, or their result is unknown. */
export interface LeftOut {
  alreadyBooked: number;
  unsettled: number;
}

export interface LeaseRunsInput {
  campaignId: string;
  spec: CampaignSpec;
  profile: TargetProfile;
  accounts: AccountsService;
  intents: IntentsRepository;
  leaseTtlMs: number;
  /** A resumed campaign drives these (its own accounts that have not booked). */
  resumeAccountIds?: number[];
  /**
   * Accounts taken over from another holder that may have sent (a cluster takeover on a target that honours the
   * key): driven though unsettled, each starting as unknown — its booking, sent with the same key, settles it.
   */
  takenOverAccountIds?: number[];
  /** Where the first shots are planned, on the local clock (kept with each intent). */
  plannedLocalMs: number;
  /**
   * Keys given from outside (a cluster campaign: derived from the cluster's account id, so every node that drives an
   * account sends the same key); accounts not in it get the key derived here.
   */
  keys?: ReadonlyMap<number, string>;
  nowMs: number;
}

/**
 * Opens each account's secret fields (held in memory for the campaign, like its tokens) and sets aside, before any
 * request, the accounts that lack a field the profile names: their requests could not be written.
 */
function leaveOutMissingFields(runs: AccountRun[], profile: TargetProfile, accounts: AccountsService): void {
  const needed = fieldsNamedBy(profile);
  if (needed.length === 0) return;
  for (const run of runs) {
    run.fields = accounts.fieldsOf(run.account.id);
    const missing = needed.filter((name) => (run.fields[name] ?? '') === '');
    if (missing.length === 0) continue;
    run.satOut = {
      reason: 'fields',
      message: `${run.account.username} has no ${missing.map((name) => `field ${name}`).join(', ')} (the profile sends {{account.fields.${missing[0]}}})`,
    };
    run.done = true;
  }
}

export function leaseRuns(input: LeaseRunsInput): { runs: AccountRun[]; leftOut: LeftOut } {
  const { campaignId, spec, profile } = input;
  const excluded = input.intents.excluded(spec.target, spec.item, spec.accounts.bookingsPerAccount);
  const takenOver = new Set(input.takenOverAccountIds ?? []);
  const unsettled = excluded.unsettled.filter((id) => !excluded.booked.includes(id) && !takenOver.has(id));
  const excludeIds = [...excluded.booked, ...unsettled];
  const leased = input.accounts.lease(spec.target, campaignId, spec.accounts.count, input.leaseTtlMs, {
    group: spec.accounts.group,
    tag: spec.accounts.tag,
    accountIds: input.resumeAccountIds ?? spec.accounts.ids,
    excludeIds,
    upTo: excludeIds.length > 0 || input.resumeAccountIds !== undefined,
  });
  const accountRate = Math.min(profile.limits.accountRatePerSec, spec.limits.accountRatePerSec ?? Infinity);
  const runs = leased.map((account) =>
    newAccountRun(
      account,
      input.keys?.get(account.id) ?? idempotencyKey(campaignId, account.id, spec.item),
      new RateLimiter(accountRate, profile.limits.accountBurst),
    ),
  );
  for (const run of runs) if (takenOver.has(run.account.id)) run.unknown = true;
  leaveOutMissingFields(runs, profile, input.accounts);
  input.intents.prepare(
    runs.map((run) => ({
      campaignId,
      accountId: run.account.id,
      targetId: spec.target,
      itemId: spec.item,
      idempotencyKey: run.key,
      plannedSendLocalMs: input.plannedLocalMs,
    })),
    input.nowMs,
  );
  return { runs, leftOut: { alreadyBooked: excluded.booked.length, unsettled: unsettled.length } };
}
