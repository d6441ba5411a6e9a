// One share of a cluster campaign, driven on this node: the dealt accounts taken into the local pool, each leased in
// Redis (a fence per account), then a local campaign of the engine over exactly those accounts — with the keys the
// cluster derives for them, so whichever node drives an account the target sees one key — armed for the open
// instant, or, for accounts another node held, settled first and then driven (EngineService.takeOver). Every attempt
// and every account's outcome goes to the campaign's outbox under its lease's fence; a lease that cannot be renewed
// before its deadline stops the share (the engine cancels it), so a node cut off from Redis stops driving in time.
import type { Redis } from 'ioredis';
import type { App } from '../app';
import type { LocalClock } from '../clock';
import type { CampaignSpecInput, RunSummary } from '../engine';
import { idempotencyKey } from '../engine/idempotency-key';
import type { IntentRecord } from '../store';
import { AccountLeases, type ClusterLease } from './account-leases';
import type { AttemptOutbox } from './attempt-outbox';
import type { CampaignPlan, DealtShare } from './campaign-plan';

export type ShareHost = Pick<App, 'engine' | 'accounts' | 'bus' | 'intents' | 'attempts'>;

/** What a share did, for the node's heartbeat and its log. */
export interface ShareCounters {
  accountsHeld: number;
  shots: number;
  successes: number;
}

/** An account's conclusion as a node sends it (`kind: outcome`): what its intent settled as. */
export interface OutcomeBody {
  state: IntentRecord['state'] | 'notLeased';
  orderId: string | null;
  idempotencyKey: string;
  nodeId: string;
}

/**
 * An attempt as a node sends it (`kind: attempt`): the row it recorded, less its local ids — what the coordinator's
 * record, timeline, attribution and exports need. Instants on the server's clock are comparable across nodes;
 * `sentLocalMs` is the sending node's own clock.
 */
export interface AttemptBody {
  nodeId: string;
  outcome: string;
  sentLocalMs: number;
  latencyMs: number | null;
  endpoint: string;
  retry: number;
  idempotencyKey: string;
  itemId?: string;
  plannedSendServerMs?: number | null;
  sentServerMs?: number | null;
  serverReceivedMs?: number | null;
  httpStatus?: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  captchaConfidence?: number | null;
  orderId?: string | null;
}

export interface ShareReport {
  localCampaignId: string;
  leased: number;
  /** Accounts this node could not lease before the campaign's end (another node kept them). */
  notLeased: number;
  summary: RunSummary | null;
  /** Why the share stopped early (a lease lapsed), or null. */
  stoppedBecause: string | null;
  /** A takeover waited one TTL first: Redis had lost the record of an account's earlier holder. */
  waitedForUnrecorded: boolean;
}

/** How long a takeover waits for the previous holder's leases to lapse before giving the account up. */
const ACQUIRE_ROUND_MS = 100;

export function clusterKey(plan: CampaignPlan, clusterAccountId: string): string {
  return idempotencyKey(plan.campaignId, Number(clusterAccountId), plan.spec.item);
}

async function acquireAll(
  leases: AccountLeases,
  accountIds: string[],
  untilLocalMs: number,
  clock: LocalClock,
  stopped: () => boolean,
): Promise<Map<string, ClusterLease>> {
  const held = new Map<string, ClusterLease>();
  while (!stopped()) {
    // Those already held are kept alive while the others are waited for (a takeover waits up to a TTL for them).
    const kept = await Promise.all([...held.values()].map((lease) => leases.renew(lease).catch(() => false)));
    [...held.keys()].forEach((id, index) => {
      if (!kept[index]) held.delete(id);
    });
    const waiting = accountIds.filter((id) => !held.has(id));
    const got = await Promise.all(waiting.map((id) => leases.acquire(id).catch(() => null)));
    got.forEach((lease, index) => {
      if (lease) held.set(waiting[index]!, lease);
    });
    if (held.size === accountIds.length || clock.nowMs() >= untilLocalMs) break;
    await new Promise((resolve) => setTimeout(resolve, ACQUIRE_ROUND_MS));
  }
  return held;
}

export async function driveShare(input: {
  host: ShareHost;
  redis: Redis;
  nodeId: string;
  clock: LocalClock;
  plan: CampaignPlan;
  share: DealtShare;
  outbox: AttemptOutbox;
  counters: ShareCounters;
  /** Local instant after which nothing of this campaign may start (its window is over). */
  endLocalMs: number;
  /** This node is leaving, or the operator cancelled the campaign: nothing more starts, nothing is concluded. */
  stopped: () => boolean;
}): Promise<ShareReport> {
  const { host, plan, share, outbox, counters, clock } = input;
  const localCampaignId = `${plan.campaignId}~${share.shareId}`;
  const targetId = plan.spec.target;
  const localIds = host.accounts.adopt(
    targetId,
    share.accounts.map((id) => plan.accounts[id]!),
  );
  const localOf = new Map(share.accounts.map((id) => [id, localIds.get(plan.accounts[id]!.username)!]));
  const clusterOf = new Map([...localOf].map(([clusterId, localId]) => [localId, clusterId]));
  const keyOf = new Map(share.accounts.map((id) => [id, clusterKey(plan, id)]));

  const leases = new AccountLeases(input.redis, {
    campaignId: plan.campaignId,
    nodeId: input.nodeId,
    ttlMs: plan.leaseTtlMs,
    clock,
  });
  const held = await acquireAll(leases, share.accounts, input.endLocalMs, clock, input.stopped);
  const notLeased = share.accounts.filter((id) => !held.has(id));
  for (const id of notLeased)
    outbox.push(
      id,
      0,
      { state: 'notLeased', orderId: null, idempotencyKey: keyOf.get(id)!, nodeId: input.nodeId },
      'outcome',
    );
  const report: ShareReport = {
    localCampaignId,
    leased: held.size,
    notLeased: notLeased.length,
    summary: null,
    stoppedBecause: null,
    waitedForUnrecorded: false,
  };
  if (held.size === 0) return report;
  if (input.stopped()) {
    await Promise.all([...held.values()].map((lease) => leases.release(lease).catch(() => undefined)));
    return { ...report, stoppedBecause: 'stopped before it was driven' };
  }
  counters.accountsHeld += held.size;

  const leasedClusterIds = [...held.keys()];
  const spec: CampaignSpecInput = {
    ...plan.spec,
    opensAt: plan.openAtServerMs,
    accounts: { ...plan.spec.accounts, count: held.size, ids: leasedClusterIds.map((id) => localOf.get(id)!) },
  };
  host.engine.createDealt(spec, {
    id: localCampaignId,
    openAtServerMs: plan.openAtServerMs,
    keys: new Map(leasedClusterIds.map((id) => [localOf.get(id)!, keyOf.get(id)!])),
  });

  const unsubscribe = host.bus.on('attempt/recorded', (attempt) => {
    if (attempt.campaignId !== localCampaignId) return;
    const clusterId = clusterOf.get(attempt.accountId);
    const lease = clusterId === undefined ? undefined : held.get(clusterId);
    if (!lease) return;
    counters.shots += 1;
    if (attempt.outcome === 'success') counters.successes += 1;
    // Heard after the batch was written (never on the fire path): the row as stored, by its id.
    const row = host.attempts.get(attempt.attemptId);
    const body: AttemptBody = {
      nodeId: input.nodeId,
      outcome: attempt.outcome,
      sentLocalMs: attempt.sentLocalMs,
      latencyMs: attempt.latencyMs,
      endpoint: attempt.endpoint,
      retry: attempt.retry,
      idempotencyKey: keyOf.get(clusterId!)!,
      itemId: row?.itemId ?? plan.spec.item,
      plannedSendServerMs: row?.plannedSendServerMs ?? null,
      sentServerMs: row?.sentServerMs ?? null,
      serverReceivedMs: row?.serverReceivedMs ?? null,
      httpStatus: row?.httpStatus ?? null,
      errorCode: row?.errorCode ?? null,
      errorMessage: row?.errorMessage ?? null,
      captchaConfidence: row?.captchaConfidence ?? null,
      orderId: row?.orderId ?? null,
    };
    outbox.push(clusterId!, lease.fence, body, 'attempt');
  });

  // Renewed three times per TTL, all at once (one round trip on the wire, however many accounts); one that lapses
  // (Redis unreachable past the deadline, or taken) stops the share.
  const renewTimer = setInterval(
    () => {
      void (async () => {
        const all = [...held.values()];
        const renewed = await Promise.all(all.map((lease) => leases.renew(lease).catch(() => false)));
        const lapsed = all.find((lease, index) => !renewed[index] && !leases.holds(lease));
        if (lapsed && report.stoppedBecause === null) {
          report.stoppedBecause = `the lease of account ${lapsed.accountId} lapsed (Redis unreachable or taken over)`;
          await host.engine.cancel(localCampaignId).catch(() => undefined);
        }
      })();
    },
    Math.max(50, Math.floor(plan.leaseTtlMs / 3)),
  );
  renewTimer.unref();
  // The deadline is also watched without Redis: the renewal above may hang on a dead connection.
  const deadlineTimer = setInterval(() => {
    const lapsed = [...held.values()].find((lease) => !leases.holds(lease));
    if (lapsed && report.stoppedBecause === null) {
      report.stoppedBecause = `the lease of account ${lapsed.accountId} lapsed (no renewal before its deadline)`;
      void host.engine.cancel(localCampaignId).catch(() => undefined);
    }
  }, 20);
  deadlineTimer.unref();

  try {
    // A takeover whose account Redis had no fence for (it restarted empty, or failed over to a replica without it)
    // cannot tell when the previous holder's deadline passes: it waits one TTL (renewing), after which that holder
    // has stopped.
    if (share.takeover && [...held.values()].some((lease) => lease.unrecorded)) {
      report.waitedForUnrecorded = true;
      await new Promise((resolve) => setTimeout(resolve, plan.leaseTtlMs));
    }
    const openPassed = host.engine.serverNowForTarget(targetId) >= plan.openAtServerMs;
    try {
      const started =
        share.takeover || openPassed ? await host.engine.takeOver(localCampaignId) : host.engine.arm(localCampaignId);
      report.summary = await started.done;
    } catch (error) {
      // A takeover whose every account the lookup found booked has nothing left to drive: that is its conclusion.
      if (!/nothing to resume/.test((error as Error).message)) throw error;
    }
  } finally {
    clearInterval(renewTimer);
    clearInterval(deadlineTimer);
    unsubscribe();
  }
  const intents = new Map(host.intents.list(localCampaignId).map((intent) => [intent.accountId, intent]));
  // Stopped early (a lapsed lease, the node leaving), its accounts are not concluded: whoever holds them next is.
  const concluded = report.stoppedBecause === null && !input.stopped();
  for (const [clusterId, lease] of concluded ? held : []) {
    const intent = intents.get(localOf.get(clusterId)!);
    const body: OutcomeBody = {
      state: intent?.state ?? 'prepared',
      orderId: intent?.orderId ?? null,
      idempotencyKey: keyOf.get(clusterId)!,
      nodeId: input.nodeId,
    };
    outbox.push(clusterId, lease.fence, body, 'outcome');
  }
  await Promise.all([...held.values()].map((lease) => leases.release(lease).catch(() => undefined)));
  counters.accountsHeld -= held.size;
  return report;
}
