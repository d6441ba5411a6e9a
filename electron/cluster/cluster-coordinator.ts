// The coordinator of a cluster campaign: checks the campaign like `create` does, leases its accounts out of this
// machine's pool (so nothing here drives them too), deals them to the live nodes by round trip and load with a share
// of the target's bucket each, publishes the plan sealed, and then keeps the one record — consuming the campaign's
// stream into SQLite — while it watches the nodes: the unconcluded accounts of a node that is isolated (three missed
// heartbeats) or gone are dealt again to the live ones as a takeover share (settled before they are driven again),
// with the lost node's share of the bucket, so the shares never add up past the declared budget. It ends when every
// account has a conclusion or the campaign's window (and one lease TTL) is over, or the operator cancels it.
// The record is kept twice in one transaction: as the stream's records (cluster_records: identity, fence, late) and
// as an ordinary campaign with its attempts (campaigns.cluster, attempts.node_id), which the console's timeline,
// attribution and exports read as they read a campaign this machine drove — by node as one more dimension.
import { randomUUID } from 'node:crypto';
import type { App } from '../app';
import type { CampaignSpecInput } from '../engine';
import { TminusError } from '../errors';
import type { CampaignState } from '../ipc/contract';
import { nodeName } from '../common/attribution-buckets';
import { OutcomeSchema } from '../common/outcome';
import { CampaignsRepository, ClusterRecordsRepository, type AttemptRecord, type ClusterRecordRow } from '../store';
import { dealAccounts, shareBucket, type BucketShare, type DealNode } from './account-deal';
import { AttemptConsumer, type StreamRecord } from './attempt-consumer';
import { endCampaign, publishPlan, writeShares, type CampaignPlan, type DealtShare } from './campaign-plan';
import type { ClusterMembership } from './cluster-membership';
import type { AttemptBody, OutcomeBody } from './dealt-share';
import type { ClusterNodeView } from './node-registry';
import { redisKeys } from './redis-keys';

export interface NodeFigures {
  nodeId: string;
  name: string;
  /** Accounts it concluded (its outcomes the record kept). */
  accounts: number;
  shots: number;
  successes: number;
  /** Attempts it recorded after another node had taken the account over. */
  late: number;
}

export interface ClusterCampaignReport {
  campaignId: string;
  accounts: number;
  booked: number;
  notBooked: number;
  /** Accounts whose result no node could tell (or that no node concluded before the end). */
  unknown: number;
  nodes: NodeFigures[];
  takeovers: Array<{ fromNodeId: string; accounts: number; toNodeIds: string[]; atMs: number }>;
  records: number;
  /** Attempts in the record (cluster_records of kind attempt), and how many booked. */
  attempts: number;
  successes: number;
  byOutcome: Record<string, number>;
  /** The campaign was cancelled by the operator before every account concluded. */
  cancelled: boolean;
}

export interface CoordinatorOptions {
  /** How long a node's lease on an account lasts without renewal (takeover waits at most this long). */
  leaseTtlMs?: number;
  /** Told what happens, in words (the CLI prints it). */
  onEvent?: (line: string) => void;
  /** Tests: how often the nodes are looked at. */
  watchEveryMs?: number;
  /** How long the end waits for records a node still holds (default: two lease TTLs and two seconds). */
  drainMs?: number;
}

const DEFAULT_LEASE_TTL_MS = 3_000;
/** How often the campaign's row is touched while it is coordinated (well inside COORDINATOR_SILENT_MS). */
const TOUCH_EVERY_MS = 5_000;

/** A node's attempt as a row of the coordinator's `attempts` (its account ids are this pool's: the plan's ids). */
function attemptRow(campaignId: string, record: ClusterRecordRow): AttemptRecord {
  const body = record.body as AttemptBody;
  const outcome = OutcomeSchema.safeParse(body.outcome);
  return {
    campaignId,
    accountId: Number(record.accountId),
    itemId: body.itemId ?? '',
    endpoint: body.endpoint,
    idempotencyKey: body.idempotencyKey,
    retry: body.retry,
    plannedSendLocalMs: null,
    plannedSendServerMs: body.plannedSendServerMs ?? null,
    sentLocalMs: body.sentLocalMs,
    sentServerMs: body.sentServerMs ?? null,
    serverReceivedMs: body.serverReceivedMs ?? null,
    latencyMs: body.latencyMs,
    httpStatus: body.httpStatus ?? null,
    // A node of a newer version may tell an outcome this one does not know: kept, as a fatal one that says so.
    outcome: outcome.success ? outcome.data : 'fatal',
    errorCode: outcome.success ? (body.errorCode ?? null) : 'UNKNOWN_OUTCOME',
    errorMessage: outcome.success ? (body.errorMessage ?? null) : `the node said ${String(body.outcome)}`,
    captchaConfidence: body.captchaConfidence ?? null,
    orderId: body.orderId ?? null,
    nodeId: record.nodeId,
  };
}

function dealNode(node: ClusterNodeView): DealNode {
  return { nodeId: node.nodeId, roundTripMs: node.roundTripMs, load: node.accountsHeld };
}

export class ClusterCoordinator {
  private readonly records: ClusterRecordsRepository;
  private readonly campaigns: CampaignsRepository;
  private cancelledAtMs: number | null = null;
  /** The campaign's id, once `run` has made it (the console opens it at once). */
  campaignId: string | null = null;
  private readonly outcomes = new Map<string, OutcomeBody & { fence: number }>();
  /** Where each account is dealt now. */
  private readonly holder = new Map<string, string>();
  private readonly shares = new Map<string, DealtShare[]>();
  private readonly lostNodes = new Set<string>();
  /** When each dealt node was first missing from the registry's list (not isolated: gone, or Redis forgot it). */
  private readonly absentSince = new Map<string, number>();
  private readonly takeovers: ClusterCampaignReport['takeovers'] = [];
  private shareCount = 0;
  private plan: CampaignPlan | null = null;

  constructor(
    private readonly app: App,
    private readonly membership: ClusterMembership,
    private readonly options: CoordinatorOptions = {},
  ) {
    this.records = new ClusterRecordsRepository(app.store.db);
    this.campaigns = new CampaignsRepository(app.store.db);
  }

  /** Stops the campaign on every node (each cancels its shares); `run` ends once their records are in. */
  cancel(): void {
    this.cancelledAtMs ??= Date.now();
  }

  private setState(campaignId: string, state: CampaignState): void {
    this.app.bus.emit('campaign/state', { campaignId, state, atMs: Date.now() });
  }

  private say(line: string): void {
    this.options.onEvent?.(line);
  }

  private nextShareId(): string {
    this.shareCount += 1;
    return `s${this.shareCount}`;
  }

  /**
   * Deals, publishes, keeps the record and watches the nodes until the campaign ends. `onStarted` is told the
   * campaign's id once its record exists and its plan is published (the console opens it then).
   */
  async run(input: CampaignSpecInput, onStarted?: (campaignId: string) => void): Promise<ClusterCampaignReport> {
    const { app, membership } = this;
    const { spec, openAtServerMs, timeZone } = app.engine.check(input);
    const profile = app.engine.profile(spec.target);
    const leaseTtlMs = this.options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    const nodes = (await membership.registry.list()).filter(
      (node) => node.health === 'live' && node.nodeId !== membership.nodeId,
    );
    if (nodes.length === 0)
      throw new TminusError(
        'CLUSTER_NO_NODES',
        `no live node in ${membership.connection.where} to deal the campaign to: start one with tminus node --cluster URL`,
      );
    const campaignId = randomUUID();
    const windowMs = openAtServerMs + spec.limits.maxDurationMs - (app.clock.serverNowMs() ?? Date.now());
    const leased = app.accounts.lease(spec.target, `cluster:${campaignId}`, spec.accounts.count, windowMs + 60_000, {
      group: spec.accounts.group,
      tag: spec.accounts.tag,
      accountIds: spec.accounts.ids,
    });
    const accountIds = leased.map((account) => String(account.id));
    const portable = app.accounts.portable(leased.map((account) => account.id));
    // Nodes reach the target themselves: a built-in simulator is described to them by the endpoints it runs on here.
    const forNodes = profile.builtin
      ? { ...profile, builtin: false, endpoints: app.engine.endpoints(profile) }
      : profile;
    const plan: CampaignPlan = {
      campaignId,
      coordinatorId: membership.nodeId,
      spec,
      openAtServerMs,
      target: { id: spec.target, name: profile.name, profileText: JSON.stringify(forNodes) },
      accounts: Object.fromEntries(accountIds.map((id, index) => [id, portable[index]!])),
      leaseTtlMs,
    };
    const declared: BucketShare = { ratePerSec: profile.limits.targetRatePerSec, burst: profile.limits.targetBurst };
    const deal = dealAccounts(accountIds, nodes.map(dealNode));
    this.addShares(deal, declared, false);
    this.plan = plan;
    this.campaigns.insert(
      {
        id: campaignId,
        targetId: spec.target,
        name: spec.name,
        itemId: spec.item,
        openAtServerMs,
        timeZone,
        spec,
        cluster: membership.connection.where,
      },
      Date.now(),
    );
    this.campaignId = campaignId;
    try {
      await publishPlan(membership.connection.redis, membership.connection.sealer, plan, this.shares);
    } catch (error) {
      this.finish(campaignId, 'failed', null, `the plan could not be published: ${(error as Error).message}`);
      app.accounts.releaseLease(`cluster:${campaignId}`);
      throw error;
    }
    this.campaigns.markArmed(campaignId, Date.now());
    this.setState(campaignId, 'armed');
    onStarted?.(campaignId);
    for (const node of nodes) {
      const count = [...deal.values()].filter((id) => id === node.nodeId).length;
      this.say(
        `dealt ${count} accounts to ${node.name} (${node.nodeId}, round trip ${node.roundTripMs?.toFixed(1) ?? '—'} ms)`,
      );
    }

    const consumerConnection = membership.connection.redis.duplicate();
    consumerConnection.on('error', () => undefined); // a lost Redis shows as failed reads, retried by the consumer
    const consumer = new AttemptConsumer(consumerConnection, {
      campaignId,
      consumer: membership.nodeId,
      committed: this.records.committedSeqs(campaignId),
      commit: (records) => this.commit(campaignId, records),
    });
    consumer.start();
    const endServerMs = openAtServerMs + spec.limits.maxDurationMs + leaseTtlMs + 2_000;
    const serverNow = (): number => app.clock.serverNowMs() ?? Date.now();
    let state: CampaignState = 'armed';
    let failure: string | null = null;
    let touchedAtMs = Date.now();
    let report: ClusterCampaignReport | null = null;
    try {
      while (this.outcomes.size < accountIds.length && serverNow() < endServerMs && this.cancelledAtMs === null) {
        await new Promise((resolve) => setTimeout(resolve, this.options.watchEveryMs ?? 200));
        if (state === 'armed' && serverNow() >= openAtServerMs) {
          state = 'firing';
          this.campaigns.setState(campaignId, state, Date.now());
          this.setState(campaignId, state);
        }
        await this.watchNodes(campaignId, declared).catch((error: unknown) =>
          this.say(`could not read the nodes: ${(error as Error).message}`),
        );
        if (Date.now() - touchedAtMs >= TOUCH_EVERY_MS) {
          touchedAtMs = Date.now();
          this.campaigns.touch(campaignId, touchedAtMs); // still coordinated (../engine/engine-service.ts)
        }
      }
      if (this.cancelledAtMs !== null) {
        // Every node cancels its shares within a poll; what they sent until then still comes in below.
        await endCampaign(membership.connection.redis, campaignId, 'cancelled');
        this.say('cancelled: every node stops its shares');
        await new Promise((resolve) => setTimeout(resolve, leaseTtlMs));
      }
      await this.drainRecords(leaseTtlMs);
    } catch (error) {
      failure = (error as Error).message;
      throw error;
    } finally {
      await consumer.stop();
      await consumer.pollOnce(0).catch(() => 0); // what arrived during the last pass
      consumerConnection.disconnect();
      if (this.cancelledAtMs === null)
        await endCampaign(membership.connection.redis, campaignId).catch(() => undefined);
      app.accounts.releaseLease(`cluster:${campaignId}`);
      report = this.report(campaignId, accountIds.length);
      this.finish(
        campaignId,
        failure !== null ? 'failed' : this.cancelledAtMs !== null ? 'cancelled' : 'completed',
        report,
        failure,
      );
    }
    return report!; // read once, in `finally`: the stored summary and what the caller gets are the same
  }

  private finish(
    campaignId: string,
    state: CampaignState,
    report: ClusterCampaignReport | null,
    error: string | null,
  ): void {
    // Shaped like a run summary where the console reads one (successes, attempts, outcomes, intents).
    const summary = report && {
      cluster: true,
      ...report,
      successes: report.booked,
      intents: { booked: report.booked, notBooked: report.notBooked, unknown: report.unknown },
      openAtServerMs: this.plan?.openAtServerMs ?? null,
    };
    this.campaigns.finish(campaignId, state, summary, null, Date.now(), error);
    this.setState(campaignId, state);
  }

  /**
   * Every account concluded, the record may still miss what a node sent while it was cut off (its attempts, kept
   * until committed): the coordinator keeps reading while a node it dealt to reports records not yet committed, or
   * is isolated but may come back, for up to `drainMs` (default: two lease TTLs and two seconds).
   */
  private async drainRecords(leaseTtlMs: number): Promise<void> {
    const until = Date.now() + (this.options.drainMs ?? 2 * leaseTtlMs + 2_000);
    while (Date.now() < until) {
      const views = await this.membership.registry.list().catch(() => null);
      if (views) {
        const dealt = views.filter((node) => this.shares.has(node.nodeId) || this.lostNodes.has(node.nodeId));
        const waiting = dealt.filter((node) => node.health === 'isolated' || (node.pendingRecords ?? 0) > 0);
        if (waiting.length === 0) return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.watchEveryMs ?? 200));
    }
    this.say(
      'a node that was cut off has not sent everything it kept: what it sends later stays in the stream in Redis, not in this record',
    );
  }

  private addShares(deal: ReadonlyMap<string, string>, bucket: BucketShare, takeover: boolean): string[] {
    const byNode = new Map<string, string[]>();
    for (const [accountId, nodeId] of deal) {
      byNode.set(nodeId, [...(byNode.get(nodeId) ?? []), accountId]);
      this.holder.set(accountId, nodeId);
    }
    const buckets = shareBucket(bucket, new Map([...byNode].map(([nodeId, ids]) => [nodeId, ids.length])));
    for (const [nodeId, ids] of byNode)
      this.shares.set(nodeId, [
        ...(this.shares.get(nodeId) ?? []),
        { shareId: this.nextShareId(), accounts: ids, takeover, bucket: buckets.get(nodeId)! },
      ]);
    return [...byNode.keys()];
  }

  /** The first-deal bucket share a node was given (what it frees when it is lost). */
  private bucketOf(nodeId: string): BucketShare {
    const shares = this.shares.get(nodeId) ?? [];
    return shares.reduce(
      (sum, share) => ({ ratePerSec: sum.ratePerSec + share.bucket.ratePerSec, burst: sum.burst + share.bucket.burst }),
      { ratePerSec: 0, burst: 0 },
    );
  }

  private async watchNodes(campaignId: string, declared: BucketShare): Promise<void> {
    const { redis, sealer } = this.membership.connection;
    // A Redis that restarted empty (or failed over without the latest writes) lost the plan: the nodes find it again.
    if (this.plan && (await redis.exists(redisKeys.plan(campaignId))) === 0) {
      await publishPlan(redis, sealer, this.plan, this.shares);
      this.say('Redis had lost the campaign: its plan and deal are published again');
    }
    const views = await this.membership.registry.list();
    const live = views.filter((node) => node.health === 'live' && node.nodeId !== this.membership.nodeId);
    const liveIds = new Set(live.map((node) => node.nodeId));
    const now = Date.now();
    for (const nodeId of [...this.shares.keys()]) {
      if (liveIds.has(nodeId)) this.absentSince.delete(nodeId);
      if (liveIds.has(nodeId) || this.lostNodes.has(nodeId)) continue;
      // Isolated (its beats stopped) is enough; missing from the list is not, until it has stayed missing for a
      // lease TTL: a Redis that restarted empty lists only the nodes that beat since, and those are all still alive.
      const listed = views.some((node) => node.nodeId === nodeId);
      if (!listed) {
        const since = this.absentSince.get(nodeId) ?? now;
        this.absentSince.set(nodeId, since);
        if (now - since < (this.options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS)) continue;
      }
      const orphans = [...this.holder].filter(
        ([accountId, holder]) => holder === nodeId && !this.outcomes.has(accountId),
      );
      if (orphans.length === 0 || live.length === 0) continue;
      this.lostNodes.add(nodeId);
      const freed = this.bucketOf(nodeId);
      // What the lost node was given is all the takers may spend on its accounts (never more than the declared).
      const bucket = {
        ratePerSec: Math.min(freed.ratePerSec, declared.ratePerSec),
        burst: Math.min(freed.burst, declared.burst),
      };
      const deal = dealAccounts(
        orphans.map(([accountId]) => accountId),
        live.map(dealNode),
      );
      const toNodeIds = this.addShares(deal, bucket, true);
      for (const taker of toNodeIds)
        await writeShares(this.membership.connection.redis, campaignId, taker, this.shares.get(taker)!);
      // Withdrawn from the lost node (also from a plan published again): if it comes back, it drives nothing more.
      this.shares.set(nodeId, []);
      await writeShares(this.membership.connection.redis, campaignId, nodeId, []);
      this.takeovers.push({ fromNodeId: nodeId, accounts: orphans.length, toNodeIds, atMs: Date.now() });
      const names = toNodeIds.map((id) => live.find((node) => node.nodeId === id)?.name ?? id);
      this.say(
        `node ${nodeId} is ${views.some((node) => node.nodeId === nodeId) ? 'isolated' : 'gone'}: its ${orphans.length} unconcluded accounts go to ${names.join(', ')}`,
      );
    }
  }

  private commit(campaignId: string, records: StreamRecord[]): void {
    const db = this.app.store.db;
    const attemptIds = db.transaction(() => {
      const added = this.records.commit(records.map((record) => ({ ...record, campaignId })));
      const attempts = added.filter((row) => row.kind === 'attempt');
      const ids = this.app.attempts.insertBatch(attempts.map((row) => attemptRow(campaignId, row)));
      return new Map(attempts.map((row, index) => [row, ids[index]!]));
    })();
    for (const [row, attemptId] of attemptIds) {
      const body = row.body as AttemptBody;
      this.app.bus.emit('attempt/recorded', {
        campaignId,
        attemptId,
        accountId: Number(row.accountId),
        endpoint: body.endpoint,
        retry: body.retry,
        sentLocalMs: body.sentLocalMs,
        sentServerMs: body.sentServerMs ?? null,
        nodeId: row.nodeId,
        latencyMs: body.latencyMs,
        outcome: OutcomeSchema.catch('fatal').parse(body.outcome),
      });
    }
    for (const record of records) {
      if (record.kind !== 'outcome') continue;
      const body = record.body as OutcomeBody;
      const known = this.outcomes.get(record.accountId);
      if (body.state === 'notLeased') continue;
      if (!known || known.fence <= record.fence) this.outcomes.set(record.accountId, { ...body, fence: record.fence });
    }
  }

  private report(campaignId: string, accounts: number): ClusterCampaignReport {
    const rows = this.records.list(campaignId);
    const figures = new Map<string, NodeFigures>();
    const figuresOf = (nodeId: string): NodeFigures => {
      let known = figures.get(nodeId);
      if (!known) {
        known = { nodeId, name: nodeName(nodeId), accounts: 0, shots: 0, successes: 0, late: 0 };
        figures.set(nodeId, known);
      }
      return known;
    };
    const byOutcome: Record<string, number> = {};
    let attempts = 0;
    for (const row of rows) {
      const node = figuresOf(row.nodeId);
      if (row.kind === 'outcome') {
        if ((row.body as OutcomeBody).state !== 'notLeased') node.accounts += 1;
        continue;
      }
      node.shots += 1;
      attempts += 1;
      const outcome = (row.body as AttemptBody).outcome;
      byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
      if (outcome === 'success') node.successes += 1;
      if (row.late) node.late += 1;
    }
    const states = [...this.outcomes.values()].map((outcome) => outcome.state);
    const booked = states.filter((state) => state === 'booked').length;
    const notBooked = states.filter((state) => state === 'notBooked').length;
    return {
      campaignId,
      accounts,
      booked,
      notBooked,
      unknown: accounts - booked - notBooked,
      nodes: [...figures.values()].sort((a, b) => a.nodeId.localeCompare(b.nodeId)),
      takeovers: this.takeovers,
      records: rows.length,
      attempts,
      successes: byOutcome.success ?? 0,
      byOutcome,
      cancelled: this.cancelledAtMs !== null,
    };
  }
}
