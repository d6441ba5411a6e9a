// A node's side of cluster campaigns: it looks each beat for campaigns that deal it a share, drives each share once
// (./dealt-share.ts), and keeps one outbox per campaign flushing to the campaign's stream until the coordinator has
// committed everything it sent — also after the share ended, and across a Redis that went away and came back.
import type { Redis } from 'ioredis';
import type { LocalClock } from '../clock';
import { parseProfile } from '../targets';
import type { TargetsRepository } from '../store';
import { AttemptOutbox } from './attempt-outbox';
import { ClusterPauseRelay } from './pause-relay';
import { ClusterSharedBudget, openWindow } from './shared-budget';
import type { BucketLimit } from './cluster-bucket';
import {
  readPlan,
  readShares,
  runningCampaigns,
  campaignPhase,
  type CampaignPlan,
  type DealtShare,
} from './campaign-plan';
import type { ClusterSealer } from './cluster-key';
import { driveShare, type ShareCounters, type ShareHost, type ShareReport } from './dealt-share';

export interface NodeDriverOptions {
  host: ShareHost & { targets: TargetsRepository };
  redis: Redis;
  sealer: ClusterSealer;
  nodeId: string;
  clock: LocalClock;
  /** How often the deals are read and the outboxes flushed. */
  pollMs?: number;
  /** Told about each share as it starts and ends (the node's log). */
  onShare?: (event: {
    campaignId: string;
    shareId: string;
    phase: 'start' | 'end';
    report?: ShareReport;
    error?: string;
  }) => void;
}

interface CampaignOnNode {
  plan: CampaignPlan;
  outbox: AttemptOutbox;
  started: Set<string>;
  /** Shares to drive again (their leases lapsed while Redis was away). */
  again: DealtShare[];
  running: number;
  /** The coordinator ended the campaign: once the outbox is empty it is forgotten. */
  ended: boolean;
  /** The operator cancelled it: no share starts or starts again, the running ones are cancelled. */
  cancelled: boolean;
  /** Passes client-scope pauses between this node's budget for the target and every other node's. */
  relay: ClusterPauseRelay;
}

/** How long a record sent but not committed waits before it is sent again (Redis may have lost it). */
const RESEND_AFTER_MS = 3_000;

export class NodeDriver {
  readonly counters: ShareCounters = { accountsHeld: 0, shots: 0, successes: 0 };
  private readonly campaigns = new Map<string, CampaignOnNode>();
  /** By target id: this node's budget for it, shared with the other nodes through Redis outside its windows. */
  private readonly sharedBudgets = new Map<string, ClusterSharedBudget>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopping = false;
  private readonly shares = new Set<Promise<unknown>>();

  constructor(private readonly options: NodeDriverOptions) {}

  /** The campaign this node drives now (the latest started), for its heartbeat. */
  get campaignId(): string | null {
    const running = [...this.campaigns.entries()].filter(([, campaign]) => campaign.running > 0);
    return running.at(-1)?.[0] ?? null;
  }

  /** Records kept for every campaign that the coordinator has not committed yet. */
  get pendingRecords(): number {
    return [...this.campaigns.values()].reduce((sum, campaign) => sum + campaign.outbox.pending, 0);
  }

  start(): void {
    const tick = (): void => {
      if (this.stopping) return;
      this.polling = this.pollOnce()
        .catch(() => undefined) // Redis unreachable: shares keep running inside their leases; the next tick retries
        .finally(() => {
          if (!this.stopping) this.timer = setTimeout(tick, this.options.pollMs ?? 100);
        });
    };
    tick();
  }

  /** Reads the deals, starts new shares, flushes every outbox. */
  async pollOnce(): Promise<void> {
    const { redis, nodeId } = this.options;
    for (const campaignId of await runningCampaigns(redis)) {
      const shares = await readShares(redis, campaignId, nodeId);
      if (shares.length === 0) {
        this.campaigns.get(campaignId)?.again.splice(0);
        continue;
      }
      const campaign = await this.campaignFor(campaignId, shares[0]!);
      if (!campaign) continue;
      if (campaign.cancelled) continue;
      for (const share of shares) if (!campaign.started.has(share.shareId)) this.startShare(campaign, share);
      // A share stopped by a lapsed lease (Redis was away) is driven again once Redis answers, as a takeover: its
      // accounts are settled first, and those another node took meanwhile stay with it.
      // Only while the share is still dealt to this node: the coordinator withdraws the shares of a node it gave up.
      const dealt = new Set(shares.map((share) => share.shareId));
      for (const share of campaign.again.splice(0))
        if (dealt.has(share.shareId.replace(/r\d+$/, '')))
          this.startShare(campaign, share, 2 * campaign.plan.leaseTtlMs);
    }
    for (const [targetId, shared] of this.sharedBudgets) {
      // The engine's budget for the target is new when its profile changed: it shares again.
      this.options.host.engine.budgetFor(targetId).shareWith(shared);
      await shared.publish();
    }
    for (const [campaignId, campaign] of this.campaigns) {
      await campaign.relay.poll();
      await campaign.outbox.flush();
      if (!campaign.ended) {
        const phase = await campaignPhase(redis, campaignId); // not found: Redis may have lost it
        // Cancelled by the operator: this node's shares stop now (each account's conclusion is still sent).
        if (phase === 'cancelled') await this.cancelShares(campaignId, campaign);
        campaign.ended = phase !== null && phase !== 'running' && campaign.running === 0;
      }
      // Ended by its coordinator: sent once more above, then forgotten (nobody reads its stream any more).
      if (campaign.ended && campaign.running === 0) {
        campaign.relay.stop();
        this.sharedBudgets.get(campaign.plan.target.id)?.releaseWindow(campaignId);
        this.campaigns.delete(campaignId);
      }
    }
  }

  private async campaignFor(campaignId: string, firstShare: DealtShare): Promise<CampaignOnNode | null> {
    const known = this.campaigns.get(campaignId);
    if (known) return known;
    const plan = await readPlan(this.options.redis, this.options.sealer, campaignId);
    if (!plan) return null;
    const declared = this.installTarget(plan, firstShare);
    this.shareBudget(plan, declared);
    const campaign: CampaignOnNode = {
      plan,
      outbox: new AttemptOutbox(this.options.redis, {
        campaignId,
        nodeId: this.options.nodeId,
        resendAfterMs: RESEND_AFTER_MS,
        nowMs: () => this.options.clock.nowMs(),
      }),
      started: new Set(),
      again: [],
      running: 0,
      ended: false,
      cancelled: false,
      relay: new ClusterPauseRelay(
        this.options.redis,
        plan.target.id,
        this.options.host.engine.budgetFor(plan.target.id),
        this.options.clock,
      ),
    };
    this.campaigns.set(campaignId, campaign);
    return campaign;
  }

  /**
   * The target as the coordinator described it, with this node's share of its bucket as its limits: everything this
   * node sends the target (sign-ins, the first shots, retries) stays inside the share, and the shares never add up
   * past the declared budget. Later shares of the same campaign on this node (a takeover) stay inside it too.
   */
  private installTarget(plan: CampaignPlan, firstShare: DealtShare): BucketLimit {
    const { targets, engine } = this.options.host;
    const profile = parseProfile(plan.target.profileText, `the cluster's target ${plan.target.id}`);
    const declared = { ratePerSec: profile.limits.targetRatePerSec, burst: profile.limits.targetBurst };
    profile.limits.targetRatePerSec = Math.max(1 / 3_600, firstShare.bucket.ratePerSec);
    profile.limits.targetBurst = Math.max(1, firstShare.bucket.burst);
    targets.upsert(
      {
        id: plan.target.id,
        name: plan.target.name,
        profileText: JSON.stringify(profile),
        profileFormat: 'json',
        builtin: false,
      },
      this.options.clock.nowMs(),
    );
    engine.profile(plan.target.id); // checked now: a profile this version cannot read fails here, not at the instant
    return declared;
  }

  /**
   * From now on this node's budget for the target is the cluster's: around the campaign's open instant it spends its
   * own share (the first shots), everywhere else it takes tokens from the Redis bucket (./shared-budget.ts).
   */
  private shareBudget(plan: CampaignPlan, declared: BucketLimit): void {
    const { engine } = this.options.host;
    const targetId = plan.target.id;
    let shared = this.sharedBudgets.get(targetId);
    if (!shared) {
      shared = new ClusterSharedBudget(
        this.options.redis,
        targetId,
        declared,
        this.options.nodeId,
        this.options.clock,
        () => engine.serverNowForTarget(targetId),
      );
      this.sharedBudgets.set(targetId, shared);
    }
    const { strategy } = plan.spec;
    const shots = Object.keys(plan.accounts).length * (strategy.kind === 'salvo' ? strategy.salvo : 1);
    shared.holdWindow(plan.campaignId, openWindow({ openAtServerMs: plan.openAtServerMs, shots, declared }));
    engine.budgetFor(targetId).shareWith(shared);
  }

  private startShare(campaign: CampaignOnNode, share: DealtShare, acquireForMs = Infinity): void {
    const { plan } = campaign;
    campaign.started.add(share.shareId);
    if (this.drivenHere(`${plan.campaignId}~${share.shareId}`)) return; // already driven (before Redis lost the plan)
    campaign.running += 1;
    this.options.onShare?.({ campaignId: plan.campaignId, shareId: share.shareId, phase: 'start' });
    const endLocalMs =
      this.options.clock.nowMs() +
      (plan.openAtServerMs +
        plan.spec.limits.maxDurationMs -
        this.options.host.engine.serverNowForTarget(plan.spec.target));
    const driving = driveShare({
      host: this.options.host,
      redis: this.options.redis,
      nodeId: this.options.nodeId,
      clock: this.options.clock,
      plan,
      share,
      outbox: campaign.outbox,
      counters: this.counters,
      endLocalMs: Math.min(endLocalMs, this.options.clock.nowMs() + acquireForMs),
      stopped: () => this.stopping || campaign.cancelled,
    })
      .then((report) => {
        this.options.onShare?.({ campaignId: plan.campaignId, shareId: share.shareId, phase: 'end', report });
        const halted = this.stopping || campaign.cancelled;
        if (report.stoppedBecause !== null && !halted && this.options.clock.nowMs() < endLocalMs)
          campaign.again.push({ ...share, shareId: `${share.shareId}r${campaign.started.size}`, takeover: true });
      })
      .catch((error: unknown) =>
        this.options.onShare?.({
          campaignId: plan.campaignId,
          shareId: share.shareId,
          phase: 'end',
          error: (error as Error).message,
        }),
      )
      .finally(() => {
        campaign.running -= 1;
        this.shares.delete(driving);
      });
    this.shares.add(driving);
  }

  private async cancelShares(campaignId: string, campaign: CampaignOnNode): Promise<void> {
    if (campaign.cancelled) return;
    campaign.cancelled = true;
    campaign.again.splice(0);
    // A share still waiting for its leases sees `cancelled` and stops; one already driving is cancelled here.
    for (const shareId of campaign.started)
      await this.options.host.engine.cancel(`${campaignId}~${shareId}`).catch(() => undefined);
  }

  private drivenHere(localCampaignId: string): boolean {
    try {
      this.options.host.engine.get(localCampaignId);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops looking for shares, lets the running ones end (their campaigns cancelled), and flushes what is left. */
  async stop(flushForMs = 5_000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    for (const campaignId of this.campaigns.keys())
      for (const shareId of this.campaigns.get(campaignId)!.started)
        await this.options.host.engine.cancel(`${campaignId}~${shareId}`).catch(() => undefined);
    await Promise.all(this.shares);
    const until = this.options.clock.nowMs() + flushForMs;
    for (const campaign of this.campaigns.values())
      while (campaign.outbox.pending > 0 && this.options.clock.nowMs() < until) {
        await campaign.outbox.flush().catch(() => undefined);
        if (campaign.outbox.pending > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
  }
}
