// Campaigns as the rest of Tminus sees them: create (checked against the target's profile), arm (at T − armLead, the
// runner does the rest), cancel, inspect; and, at start, reconcile campaigns a crash left running.
import type { ReadinessWire } from '../ipc/contract';
import { createHash, randomUUID } from 'node:crypto';
import type { LocalClock, ClockService } from '../clock';
import type { AccountsService } from '../accounts';
import type {
  AttemptsRepository,
  CampaignRecord,
  CampaignsRepository,
  IntentCounts,
  IntentsRepository,
  RecordWriter,
  StorageFault,
  TargetsRepository,
} from '../store';
import type { EventBus } from '../ipc/event-bus';
import type { SimService } from '../sim';
import { parseProfile, type TargetProfile } from '../targets';
import { TminusError } from '../errors';
import { resolveOpensAt } from '../common/opens-at';
import { CampaignSpecSchema, type CampaignSpec, type CampaignSpecInput } from './campaign-spec';
import { CampaignRunner } from './campaign-runner';
import { AttemptRecorder } from './attempt-recorder';
import type { CaptchaSampleSink, CaptchaSolver } from './captcha-solver';
import type { RunSummary } from './run-summary';
import { reconcileCampaign, type ReconcileReport } from './reconciler';
import { setLongTimeout, type LongTimer } from '../common/long-timer';
import { timeSourceFor } from './shot-plan';
import { TargetBudgets, type TargetBudget } from './target-budget';

export interface EngineDeps {
  clock: LocalClock;
  clockService: ClockService;
  accounts: AccountsService;
  campaigns: CampaignsRepository;
  attempts: AttemptsRepository;
  intents: IntentsRepository;
  /** Writes attempt rows and intent marks in one transaction. */
  writeRecord: RecordWriter;
  targets: TargetsRepository;
  bus: EventBus;
  sim: SimService;
  solver: CaptchaSolver;
  /** Keeps answered captchas as labelled samples per target (the captcha room's learning loop). */
  captchaSamples?: CaptchaSampleSink;
  /** The model the console chose for a target, over its profile's captcha.model. */
  captchaModelFor?: (targetId: string) => string | null;
  /** Throws STORAGE_LOW when the data directory's disk has too little room to arm. */
  checkStorage?: () => void;
  /** Each target's declared budget, shared with the sign-ins and the health check (one per process). */
  budgets?: TargetBudgets;
  /** How long closing waits for a faulty disk to take the record (default 60 s), and who hears about the wait. */
  drainTimeoutMs?: number;
  onDrainWait?: (pending: number, fault: StorageFault | null) => void;
}

/** Same campaign file, same hash: what `tminus run` compares to resume a crashed campaign instead of starting anew. */
export const specHash = (spec: CampaignSpec): string =>
  createHash('sha256').update(JSON.stringify(spec)).digest('base64url').slice(0, 32);

const ACTIVE = new Set(['armed', 'firing']);

/** A campaign this engine runs: its runner, its end, and the timer (and the wake-up) of the wait it is in. */
interface RunningEntry {
  runner: CampaignRunner;
  done: Promise<RunSummary | null>;
  timer: LongTimer | null;
  wake: (() => void) | null;
  cancelled: boolean;
}

/** How long a cluster campaign's coordinator may leave its record untouched before the campaign counts as stopped. */
export const COORDINATOR_SILENT_MS = 60_000;
const COORDINATOR_GONE = 'its coordinator stopped before the end (the process ended or crashed)';

/** A campaign coordinated across a cluster is driven by its nodes and its coordinator, never by this engine. */
function drivenHere(campaign: CampaignRecord, what: string): void {
  if (campaign.cluster !== null)
    throw new TminusError(
      'CAMPAIGN_STATE',
      `campaign ${campaign.name} is coordinated across the cluster (${campaign.cluster}): it is ${what} where it is coordinated`,
    );
}

export class EngineService {
  private readonly budgets: TargetBudgets;
  private readonly runners = new Map<string, RunningEntry>();
  readonly recorder: AttemptRecorder;
  /** Reconciliations in progress, by campaign: a second call waits for the first. */
  private readonly reconciling = new Map<string, Promise<ReconcileReport>>();
  private reconcileTimer: NodeJS.Timeout | null = null;
  /** Pushes every running campaign's readiness each second (the operations board); runs only while one runs. */
  private readinessTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Idempotency keys given by a cluster campaign, by local campaign then account (see `createDealt`). */
  private readonly givenKeys = new Map<string, ReadonlyMap<number, string>>();
  /** By target id: its profile as last parsed, and the text it was parsed from (parsing takes milliseconds). */
  private readonly parsedProfiles = new Map<string, { text: string; profile: TargetProfile }>();

  constructor(private readonly deps: EngineDeps) {
    this.recorder = new AttemptRecorder(deps.writeRecord, deps.bus, deps.clock);
    this.budgets = deps.budgets ?? new TargetBudgets(deps.clock);
  }

  profile(targetId: string): TargetProfile {
    const target = this.deps.targets.get(targetId);
    if (!target) throw new TminusError('TARGET_UNKNOWN', `unknown target '${targetId}'`);
    let parsed = this.parsedProfiles.get(targetId);
    if (parsed?.text !== target.profileText) {
      parsed = { text: target.profileText, profile: parseProfile(target.profileText, `target ${targetId}`) };
      this.parsedProfiles.set(targetId, parsed);
    }
    // Each caller gets its own copy: a campaign may adjust what it was given.
    const profile = structuredClone(parsed.profile);
    const chosen = this.deps.captchaModelFor?.(targetId);
    if (chosen && profile.captcha) profile.captcha.model = chosen;
    return profile;
  }

  endpoints(profile: TargetProfile): string[] {
    if (!profile.builtin) return profile.endpoints;
    const running = this.deps.sim.current();
    if (!running)
      throw new TminusError(
        'CAMPAIGN_INVALID',
        'the built-in simulator is not running: start it on the Dashboard (or with tminus sim)',
      );
    return running.urls;
  }

  private serverNowGuess(): number {
    return this.deps.clockService.serverNowMs() ?? this.deps.clock.nowMs();
  }

  /** Checks a campaign against its target's profile; the error names the field. */
  private checked(input: CampaignSpecInput): { spec: CampaignSpec; openAtServerMs: number; timeZone: string } {
    const parsed = CampaignSpecSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new TminusError('CAMPAIGN_INVALID', `${issue.path.join('.')}: ${issue.message}`);
    }
    const spec = parsed.data;
    const profile = this.profile(spec.target);
    const { limits } = profile;
    if (spec.limits.targetRatePerSec !== undefined && spec.limits.targetRatePerSec > limits.targetRatePerSec) {
      throw new TminusError(
        'CAMPAIGN_INVALID',
        `limits.targetRatePerSec: ${spec.limits.targetRatePerSec} is more than the target allows (${limits.targetRatePerSec}/s)`,
      );
    }
    if (spec.accounts.bookingsPerAccount > limits.bookingsPerAccount) {
      throw new TminusError(
        'CAMPAIGN_INVALID',
        `accounts.bookingsPerAccount: ${spec.accounts.bookingsPerAccount} is more than the target allows (${limits.bookingsPerAccount} per account)`,
      );
    }
    if (spec.limits.accountRatePerSec !== undefined && spec.limits.accountRatePerSec > limits.accountRatePerSec) {
      throw new TminusError(
        'CAMPAIGN_INVALID',
        `limits.accountRatePerSec: ${spec.limits.accountRatePerSec} is more than the target allows (${limits.accountRatePerSec}/s per account)`,
      );
    }
    return {
      spec,
      openAtServerMs: this.resolveOpenInstant(spec, profile),
      timeZone: spec.timeZone ?? profile.timeZone,
    };
  }

  create(input: CampaignSpecInput, options: { scheduleId?: number; specHash?: string } = {}): CampaignRecord {
    const { spec, openAtServerMs, timeZone } = this.checked(input);
    const id = randomUUID();
    this.deps.campaigns.insert(
      {
        id,
        targetId: spec.target,
        name: spec.name,
        itemId: spec.item,
        openAtServerMs,
        timeZone,
        spec,
        scheduleId: options.scheduleId ?? null,
        specHash: options.specHash ?? null,
      },
      this.deps.clock.nowMs(),
    );
    return this.get(id);
  }

  /** What `create` would store, checked the same way (the cluster coordinator deals it out instead). */
  check(input: CampaignSpecInput): { spec: CampaignSpec; openAtServerMs: number; timeZone: string } {
    return this.checked(input);
  }

  /**
   * A campaign dealt to this machine by a cluster's coordinator: its own id (one per share), the coordinator's open
   * instant (already on the target's clock) and the keys every node sends for each account, so that whichever node
   * drives an account, the target sees one key for it. Checked like `create`.
   */
  createDealt(
    input: CampaignSpecInput,
    dealt: { id: string; openAtServerMs: number; keys: ReadonlyMap<number, string> },
  ): CampaignRecord {
    const { spec, timeZone } = this.checked({ ...input, opensAt: dealt.openAtServerMs });
    this.deps.campaigns.insert(
      {
        id: dealt.id,
        targetId: spec.target,
        name: spec.name,
        itemId: spec.item,
        openAtServerMs: dealt.openAtServerMs,
        timeZone,
        spec,
      },
      this.deps.clock.nowMs(),
    );
    this.givenKeys.set(dealt.id, dealt.keys);
    return this.get(dealt.id);
  }

  /**
   * Drives a dealt campaign whose accounts another node held (it was isolated): each may have sent. On a target that
   * honours the key, each is driven at once as an account whose answer was lost — its booking, sent with the same
   * key, is the settlement (the target answers a booked key with its order; "sold out" to it proves none). Else each
   * is first settled like a crashed campaign's, by the target's order lookup, and only those not booked are driven
   * again. Either way at the open instant if it is still ahead, else at once.
   */
  async takeOver(id: string): Promise<{ campaign: CampaignRecord; done: Promise<RunSummary | null> }> {
    const campaign = this.get(id);
    const keys = this.givenKeys.get(id);
    if (campaign.state !== 'draft' || !keys)
      throw new TminusError('CAMPAIGN_STATE', `campaign ${campaign.name} is not a dealt draft: nothing to take over`);
    const spec = CampaignSpecSchema.parse(campaign.spec);
    const accountIds = spec.accounts.ids ?? [];
    const nowMs = this.deps.clock.nowMs();
    this.deps.intents.prepare(
      accountIds.map((accountId) => ({
        campaignId: id,
        accountId,
        targetId: campaign.targetId,
        itemId: campaign.itemId,
        idempotencyKey: keys.get(accountId) ?? '',
        plannedSendLocalMs: null,
      })),
      nowMs,
    );
    if (this.profile(campaign.targetId).book.idempotencyKeyHonoured) {
      // Unknown until answered: a crash of this process leaves each to reconciliation, as a lost answer would.
      this.deps.intents.apply(
        accountIds.map((accountId) => ({ kind: 'unknown', campaignId: id, accountId, error: 'TAKEN_OVER' })),
        nowMs,
      );
      return this.start(campaign, accountIds, accountIds);
    }
    this.deps.intents.apply(
      accountIds.map((accountId) => ({ kind: 'sent', campaignId: id, accountId, atMs: nowMs })),
      nowMs,
    );
    this.deps.campaigns.setState(id, 'interrupted', nowMs);
    return this.resume(id);
  }

  /** Replaces a draft's spec (checked as on create); an armed or finished campaign is not edited. */
  update(id: string, input: CampaignSpecInput): CampaignRecord {
    const campaign = this.get(id);
    if (campaign.state !== 'draft')
      throw new TminusError(
        'CAMPAIGN_STATE',
        `campaign ${campaign.name} is ${campaign.state}; only a draft can be edited`,
      );
    const { spec, openAtServerMs, timeZone } = this.checked(input);
    this.deps.campaigns.updateDraft(
      { id, targetId: spec.target, name: spec.name, itemId: spec.item, openAtServerMs, timeZone, spec },
      this.deps.clock.nowMs(),
    );
    return this.get(id);
  }

  private resolveOpenInstant(spec: CampaignSpec, profile: TargetProfile): number {
    if (spec.opensAt !== 'item') return resolveOpensAt(spec.opensAt, this.serverNowGuess());
    const running = profile.builtin ? this.deps.sim.current() : null;
    const item = running?.stats().items.find((candidate) => candidate.id === spec.item);
    if (!item) {
      throw new TminusError(
        'CAMPAIGN_INVALID',
        `opensAt: 'item' needs the built-in simulator running with item ${spec.item}`,
      );
    }
    return item.openAtServerMs;
  }

  get(id: string): CampaignRecord {
    const campaign = this.deps.campaigns.get(this.resolveId(id));
    if (!campaign) throw new TminusError('CAMPAIGN_NOT_FOUND', `no campaign ${id}`);
    return campaign;
  }

  /** A campaign's full id from any unique prefix of it (the 8-character short id the console and CLI show). */
  resolveId(idOrPrefix: string): string {
    if (this.deps.campaigns.get(idOrPrefix)) return idOrPrefix;
    const matches = idOrPrefix.length >= 4 ? this.deps.campaigns.idsStartingWith(idOrPrefix, 5) : [];
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0)
      throw new TminusError(
        'CAMPAIGN_NOT_FOUND',
        idOrPrefix.length < 4
          ? `no campaign ${idOrPrefix} (a short id needs at least 4 characters)`
          : `no campaign ${idOrPrefix}`,
      );
    throw new TminusError(
      'CAMPAIGN_NOT_FOUND',
      `${idOrPrefix} names more than one campaign (${matches.map((id) => id.slice(0, 12)).join(', ')}…): give more of the id`,
    );
  }

  intentCounts(id: string): IntentCounts {
    return this.deps.intents.counts(id);
  }

  list(): CampaignRecord[] {
    return this.deps.campaigns.list(500, 0);
  }

  /** Arms now or at T − armLead; resolves once armed (or scheduled). `done` settles when the campaign ends. */
  arm(id: string): { campaign: CampaignRecord; done: Promise<RunSummary | null> } {
    const campaign = this.get(id);
    if (campaign.state !== 'draft')
      throw new TminusError(
        'CAMPAIGN_STATE',
        `campaign ${campaign.name} is ${campaign.state}; only a draft can be armed`,
      );
    // A sale already open cannot be rushed at its instant: arming it would fire a late salvo the operator never planned.
    const serverNowMs = this.serverNowFor(this.profile(campaign.targetId));
    if (campaign.openAtServerMs <= serverNowMs)
      throw new TminusError(
        'CAMPAIGN_PAST',
        `campaign ${campaign.name} opened ${formatAgo(serverNowMs - campaign.openAtServerMs)} ago ` +
          `(${new Date(campaign.openAtServerMs).toISOString()} on the target's clock): pick a later open instant`,
      );
    return this.start(campaign);
  }

  private start(
    campaign: CampaignRecord,
    resumeAccountIds?: number[],
    takenOverAccountIds?: number[],
  ): { campaign: CampaignRecord; done: Promise<RunSummary | null> } {
    const { id } = campaign;
    const spec = CampaignSpecSchema.parse(campaign.spec);
    const profile = this.profile(campaign.targetId);
    const runner = new CampaignRunner({
      campaignId: id,
      spec,
      openAtServerMs: campaign.openAtServerMs,
      profile,
      endpoints: this.endpoints(profile),
      clock: this.deps.clock,
      clockService: this.deps.clockService,
      accounts: this.deps.accounts,
      sessions: this.deps.accounts.sessions,
      campaigns: this.deps.campaigns,
      attempts: this.deps.attempts,
      intents: this.deps.intents,
      recorder: this.recorder,
      bus: this.deps.bus,
      solver: this.deps.solver,
      captchaSamples: this.deps.captchaSamples,
      resumeAccountIds,
      takenOverAccountIds,
      keys: this.givenKeys.get(id),
      checkStorage: this.deps.checkStorage,
      budget: this.budgets.for(profile),
    });
    const entry: RunningEntry = { runner, done: Promise.resolve(null), timer: null, wake: null, cancelled: false };
    // The wait to arm is re-read against the server's time at least every ten minutes, so a campaign days away
    // arms on time (a timer of more than 2³¹ ms would fire at once) and a clock estimate made meanwhile counts.
    const armAt = campaign.openAtServerMs - spec.armLeadMs;
    // The wait is measured on the target's clock from the start: with the local clock 20 s behind, a wait measured
    // locally would arm 20 s late (and fire past the sale).
    const armed = this.ensureTargetEstimate(profile).then(
      () =>
        new Promise<void>((resolve) => {
          entry.wake = resolve;
          entry.timer = setLongTimeout(resolve, () => armAt - this.serverNowFor(profile));
        }),
    );
    entry.done = armed
      .then(async () => {
        if (entry.cancelled) return null; // cancelled while it waited to arm (cancel() recorded it)
        await runner.arm();
        // The board hears "ready" when it is, not at the next tick (a short lead can fire within that second).
        this.deps.bus.emit('campaign/readiness', runner.readiness());
        // Keep syncing the clock until shortly before the open instant, then fire with the freshest offset.
        const fireAt = campaign.openAtServerMs - 2_000;
        await new Promise<void>((resolve) => {
          entry.wake = resolve;
          entry.timer = setLongTimeout(resolve, () => fireAt - this.serverNowFor(profile));
        });
        if (entry.cancelled || runner.state === 'cancelled') return null;
        return runner.fire();
      })
      .catch((error: unknown) => {
        // The reason is kept with the campaign: the console and `tminus run` show it.
        const message = (error as Error).message;
        this.recorder.defer(() => this.deps.campaigns.setError(id, message, this.deps.clock.nowMs()));
        return null;
      })
      .finally(() => {
        this.deps.bus.emit('campaign/readiness', runner.readiness());
        this.runners.delete(id);
        if (this.runners.size === 0 && this.readinessTimer) {
          clearInterval(this.readinessTimer);
          this.readinessTimer = null;
        }
      });
    this.runners.set(id, entry);
    this.readinessTimer ??= setInterval(() => {
      for (const { runner: each } of this.runners.values()) this.deps.bus.emit('campaign/readiness', each.readiness());
    }, 1_000);
    this.readinessTimer.unref();
    this.recorder.defer(() => this.deps.campaigns.setState(id, 'armed', this.deps.clock.nowMs()));
    this.deps.bus.emit('campaign/state', { campaignId: id, state: 'armed', atMs: this.deps.clock.nowMs() });
    return { campaign: this.get(id), done: entry.done };
  }

  /** The target's time now, as `serverNowFor` reads it (a cluster node asks before it arms a dealt share). */
  /** The budget everything this process sends a target shares (a cluster node relays its pauses). */
  budgetFor(targetId: string): TargetBudget {
    return this.budgets.for(this.profile(targetId));
  }

  serverNowForTarget(targetId: string): number {
    return this.serverNowFor(this.profile(targetId));
  }

  /** The target's time now: its own source's estimate where there is one, else the latest of any, else local. */
  private serverNowFor(profile: TargetProfile): number {
    const now = this.deps.clock.nowMs();
    const endpoint = this.endpointsOrNull(profile)?.[0];
    const own = endpoint ? this.deps.clockService.current(now, [timeSourceFor(profile, endpoint)]) : null;
    if (own) return now + own.offsetMs;
    return this.serverNowGuess();
  }

  /** A short probe of the target's own time when there is no estimate of it yet; a failure leaves it to the arm. */
  private async ensureTargetEstimate(profile: TargetProfile): Promise<void> {
    const endpoint = this.endpointsOrNull(profile)?.[0];
    if (!endpoint) return;
    const source = timeSourceFor(profile, endpoint);
    if (this.deps.clockService.current(undefined, [source])) return;
    const budget = this.budgets.for(profile);
    await this.deps.clockService.probe([source], { samples: 4, gate: () => budget.take() }).catch(() => undefined);
  }

  private endpointsOrNull(profile: TargetProfile): string[] | null {
    try {
      return this.endpoints(profile);
    } catch {
      return null;
    }
  }

  /**
   * A crashed campaign run again (`tminus run` with the same file): its open intents are reconciled, then it is armed
   * again under the same id — the same idempotency keys — with its accounts that have not booked. Its open instant
   * is kept; past it (but inside the campaign's duration) the accounts fire at once.
   */
  async resume(id: string): Promise<{ campaign: CampaignRecord; done: Promise<RunSummary | null> }> {
    const campaign = this.get(id);
    drivenHere(campaign, 'resumed');
    if (campaign.state !== 'interrupted' || this.runners.has(id))
      throw new TminusError(
        'CAMPAIGN_STATE',
        `campaign ${campaign.name} is ${campaign.state}; only an interrupted one resumes`,
      );
    await this.reconcileOne(campaign);
    const accountIds = this.deps.intents
      .list(id)
      .filter((intent) => intent.state === 'notBooked' || intent.state === 'prepared')
      .map((intent) => intent.accountId);
    if (accountIds.length === 0)
      throw new TminusError(
        'CAMPAIGN_STATE',
        `campaign ${campaign.name} has no account left to drive: nothing to resume`,
      );
    this.deps.accounts.releaseLease(
      id,
      this.deps.intents.open(id).map((intent) => intent.accountId),
    );
    return this.start(campaign, accountIds);
  }

  /** A crashed campaign of this spec that can still be resumed (its window not over), or null. */
  resumable(hash: string): CampaignRecord | null {
    const latest = this.deps.campaigns.latestBySpecHash(hash);
    if (!latest || latest.state !== 'interrupted') return null;
    const spec = CampaignSpecSchema.parse(latest.spec);
    return latest.openAtServerMs + spec.limits.maxDurationMs > this.serverNowGuess() ? latest : null;
  }

  /** Arms and waits for the end (the CLI's `tminus run`). */
  async run(id: string): Promise<RunSummary> {
    return this.settled(id, await this.arm(id).done);
  }

  /** Resumes a crashed campaign and waits for the end. */
  async runResumed(id: string): Promise<RunSummary> {
    return this.settled(id, await (await this.resume(id)).done);
  }

  private settled(id: string, summary: RunSummary | null): RunSummary {
    if (summary) return summary;
    const campaign = this.get(id);
    throw new TminusError(
      'CAMPAIGN_STATE',
      `campaign ${campaign.name} ended ${campaign.state}${campaign.errorMessage ? `: ${campaign.errorMessage}` : ''}`,
    );
  }

  async cancel(id: string): Promise<CampaignRecord> {
    const campaign = this.get(id);
    const running = this.runners.get(id);
    if (!running) {
      drivenHere(campaign, 'cancelled');
      if (campaign.state === 'draft' || campaign.state === 'armed') {
        this.deps.campaigns.setState(id, 'cancelled', this.deps.clock.nowMs());
        this.deps.accounts.releaseLease(id);
        this.deps.bus.emit('campaign/state', { campaignId: id, state: 'cancelled', atMs: this.deps.clock.nowMs() });
      }
      return this.get(id);
    }
    running.cancelled = true;
    running.timer?.clear();
    running.runner.cancel();
    running.wake?.(); // a wait to arm or to fire ends now, so `done` settles (null: nothing fired)
    if (running.runner.state === 'armed' || running.runner.state === 'draft') {
      this.deps.campaigns.setState(id, 'cancelled', this.deps.clock.nowMs());
      this.deps.accounts.releaseLease(id);
      this.deps.bus.emit('campaign/state', { campaignId: id, state: 'cancelled', atMs: this.deps.clock.nowMs() });
    }
    await Promise.race([running.done, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    return this.get(id);
  }

  /**
   * At start (and on demand): campaigns a crash left armed or firing are marked interrupted; then every campaign
   * with an open intent — prepared, sent or unknown — is reconciled by its order lookups, so a booking made just
   * before the crash (or whose answer was lost) is found and recorded, not repeated. A campaign whose lookups could
   * not all tell is reconciled again next time.
   */
  async reconcileInterrupted(): Promise<ReconcileReport[]> {
    // A cluster campaign whose coordinator stopped touching its record (it crashed) is over: its nodes end their
    // shares by their window, and what they sent stays in the campaign's stream in Redis.
    for (const campaign of this.deps.campaigns.inStates(['armed', 'firing'], { coordinated: true })) {
      const nowMs = this.deps.clock.nowMs();
      if (nowMs - campaign.updatedAtMs < COORDINATOR_SILENT_MS) continue;
      this.deps.campaigns.finish(campaign.id, 'interrupted', campaign.summary, null, nowMs, COORDINATOR_GONE);
      this.deps.bus.emit('campaign/state', { campaignId: campaign.id, state: 'interrupted', atMs: nowMs });
    }
    for (const campaign of this.deps.campaigns.inStates(['armed', 'firing'])) {
      if (this.runners.has(campaign.id)) continue;
      this.deps.campaigns.setState(campaign.id, 'interrupted', this.deps.clock.nowMs());
      this.deps.bus.emit('campaign/state', {
        campaignId: campaign.id,
        state: 'interrupted',
        atMs: this.deps.clock.nowMs(),
      });
    }
    const reports: ReconcileReport[] = [];
    for (const id of this.deps.intents.campaignsWithOpenIntents()) {
      if (this.runners.has(id)) continue;
      reports.push(await this.reconcileOne(this.get(id)));
    }
    return reports;
  }

  /**
   * For the long-running hosts (desktop, serve, daemon): reconciles at once, then every `everyMs` while any result is
   * still open, so a target that was unreachable at start is asked again. Never throws from its timer.
   */
  keepReconciling(everyMs: number, onReport: (report: ReconcileReport) => void = () => undefined): void {
    const tick = async (): Promise<void> => {
      try {
        for (const report of await this.reconcileInterrupted()) onReport(report);
      } catch (error) {
        onReport({ campaignId: '', checked: 0, found: 0, notFound: 0, unknown: 0, error: (error as Error).message });
      }
      if (this.closed) return;
      this.reconcileTimer = setTimeout(() => void tick(), everyMs);
      this.reconcileTimer.unref();
    };
    void tick();
  }

  /** Reconciles one campaign that is not running (`tminus reconcile --campaign ID`, the console). */
  async reconcile(id: string): Promise<ReconcileReport> {
    const campaign = this.get(id);
    drivenHere(campaign, 'reconciled');
    if (this.runners.has(id))
      throw new TminusError('CAMPAIGN_STATE', `campaign ${campaign.name} is running; it settles its own results`);
    if (campaign.state === 'armed' || campaign.state === 'firing') {
      this.deps.campaigns.setState(id, 'interrupted', this.deps.clock.nowMs());
    }
    return this.reconcileOne(campaign);
  }

  private reconcileOne(campaign: CampaignRecord): Promise<ReconcileReport> {
    const running = this.reconciling.get(campaign.id);
    if (running) return running;
    const work = (async () => {
      const profile = this.profile(campaign.targetId);
      let endpoints: string[] = [];
      let unreachable: string | null = null;
      try {
        endpoints = this.endpoints(profile);
      } catch (error) {
        unreachable = (error as Error).message;
      }
      const report = await reconcileCampaign(campaign, profile, endpoints, {
        budget: this.budgets.for(profile),
        clock: this.deps.clock,
        accounts: this.deps.accounts,
        intents: this.deps.intents,
        recorder: this.recorder,
      });
      return unreachable && report.unknown > 0 ? { ...report, error: unreachable } : report;
    })().finally(() => this.reconciling.delete(campaign.id));
    this.reconciling.set(campaign.id, work);
    return work;
  }

  /** A running campaign's readiness now; null when it is not running in this process. */
  readiness(id: string): ReadinessWire | null {
    return this.runners.get(this.get(id).id)?.runner.readiness() ?? null;
  }

  isActive(id: string): boolean {
    return this.runners.has(id) || ACTIVE.has(this.get(id).state);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    if (this.readinessTimer) clearInterval(this.readinessTimer);
    for (const [id] of this.runners) await this.cancel(id);
    await Promise.all(this.reconciling.values());
    // The record must reach the disk before the store closes: a disk that is full right now may take it in a moment.
    const unwritten = await this.recorder.drain(this.deps.drainTimeoutMs ?? 60_000, (pending) =>
      this.deps.onDrainWait?.(pending, this.recorder.fault),
    );
    this.recorder.close();
    if (unwritten > 0) {
      const fault = this.recorder.fault;
      throw new TminusError(
        'RECORD_UNWRITTEN',
        `${unwritten} write(s) of the record could not reach the disk (${fault?.code ?? 'unknown'}: ${fault?.message ?? ''}); ` +
          'their bookings are at the target: run `tminus reconcile` once the disk has room',
      );
    }
  }
}

/** "3.2 s", "4 min", "2 h": how long ago an instant was, for a message. */
function formatAgo(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}
