// Campaigns as the rest of Tminus sees them: create (checked against the target's profile), arm (at T − armLead, the
// runner does the rest), cancel, inspect; and, at start, reconcile campaigns a crash left running.
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { LocalClock, ClockService } from '../clock';
import type { AccountsService } from '../accounts';
import type { AttemptsRepository, CampaignRecord, CampaignsRepository, TargetsRepository } from '../store';
import type { EventBus } from '../ipc/event-bus';
import type { SimService } from '../sim';
import { parseProfile, renderRequest, type TargetProfile } from '../targets';
import { TminusError } from '../errors';
import { resolveOpensAt } from '../common/opens-at';
import { CampaignSpecSchema, type CampaignSpec, type CampaignSpecInput } from './campaign-spec';
import { CampaignRunner } from './campaign-runner';
import { AttemptRecorder } from './attempt-recorder';
import type { CaptchaSolver } from './captcha-solver';
import { classify } from './classifier';
import type { RunSummary } from './run-summary';
import { idempotencyKey } from './idempotency-key';

export interface EngineDeps {
  clock: LocalClock;
  clockService: ClockService;
  accounts: AccountsService;
  campaigns: CampaignsRepository;
  attempts: AttemptsRepository;
  targets: TargetsRepository;
  bus: EventBus;
  sim: SimService;
  solver: CaptchaSolver;
}

const ACTIVE = new Set(['armed', 'firing']);

export class EngineService {
  private readonly runners = new Map<
    string,
    { runner: CampaignRunner; done: Promise<RunSummary | null>; timer: NodeJS.Timeout | null }
  >();
  private readonly recorder: AttemptRecorder;

  constructor(private readonly deps: EngineDeps) {
    this.recorder = new AttemptRecorder(deps.attempts, deps.bus);
  }

  profile(targetId: string): TargetProfile {
    const target = this.deps.targets.get(targetId);
    if (!target) throw new TminusError('TARGET_UNKNOWN', `unknown target '${targetId}'`);
    return parseProfile(target.profileText, `target ${targetId}`);
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

  create(input: CampaignSpecInput, options: { scheduleId?: number } = {}): CampaignRecord {
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
      },
      this.deps.clock.nowMs(),
    );
    return this.get(id);
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
    const campaign = this.deps.campaigns.get(id);
    if (!campaign) throw new TminusError('CAMPAIGN_NOT_FOUND', `no campaign ${id}`);
    return campaign;
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
      recorder: this.recorder,
      bus: this.deps.bus,
      solver: this.deps.solver,
    });
    let timer: NodeJS.Timeout | null = null;
    const armInMs = campaign.openAtServerMs - this.serverNowGuess() - spec.armLeadMs;
    const done = new Promise<void>((resolve) => {
      if (armInMs <= 0) resolve();
      else timer = setTimeout(resolve, armInMs);
    })
      .then(async () => {
        await runner.arm();
        // Keep syncing the clock until shortly before the open instant, then fire with the freshest offset.
        const fireInMs = campaign.openAtServerMs - this.serverNowGuess() - 2_000;
        if (fireInMs > 0) await new Promise((resolve) => setTimeout(resolve, fireInMs));
        if (runner.state === 'cancelled') return null;
        return runner.fire();
      })
      .catch(() => null)
      .finally(() => this.runners.delete(id));
    this.runners.set(id, { runner, done, timer });
    this.deps.campaigns.setState(id, 'armed', this.deps.clock.nowMs());
    this.deps.bus.emit('campaign/state', { campaignId: id, state: 'armed', atMs: this.deps.clock.nowMs() });
    return { campaign: this.get(id), done };
  }

  /** Arms and waits for the end (the CLI's `tminus run`). */
  async run(id: string): Promise<RunSummary> {
    const summary = await this.arm(id).done;
    if (!summary) {
      const campaign = this.get(id);
      throw new TminusError('CAMPAIGN_STATE', `campaign ${campaign.name} ended ${campaign.state} without a summary`);
    }
    return summary;
  }

  async cancel(id: string): Promise<CampaignRecord> {
    const campaign = this.get(id);
    const running = this.runners.get(id);
    if (!running) {
      if (campaign.state === 'draft' || campaign.state === 'armed') {
        this.deps.campaigns.setState(id, 'cancelled', this.deps.clock.nowMs());
        this.deps.accounts.releaseLease(id);
        this.deps.bus.emit('campaign/state', { campaignId: id, state: 'cancelled', atMs: this.deps.clock.nowMs() });
      }
      return this.get(id);
    }
    if (running.timer) clearTimeout(running.timer);
    running.runner.cancel();
    if (running.runner.state === 'armed' || running.runner.state === 'draft') {
      this.deps.campaigns.setState(id, 'cancelled', this.deps.clock.nowMs());
      this.deps.accounts.releaseLease(id);
      this.deps.bus.emit('campaign/state', { campaignId: id, state: 'cancelled', atMs: this.deps.clock.nowMs() });
    }
    await Promise.race([running.done, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    return this.get(id);
  }

  /**
   * At start: campaigns a crash left armed or firing are marked interrupted, and every (account, item) they sent for
   * is looked up by its idempotency key with the profile's order-status request, so a booking made just before the
   * crash is found and recorded — not repeated.
   */
  async reconcileInterrupted(): Promise<Array<{ campaignId: string; found: number; checked: number }>> {
    const results: Array<{ campaignId: string; found: number; checked: number }> = [];
    for (const campaign of this.deps.campaigns.inStates(['armed', 'firing'])) {
      if (this.runners.has(campaign.id)) continue;
      this.deps.campaigns.setState(campaign.id, 'interrupted', this.deps.clock.nowMs());
      let found = 0;
      let checked = 0;
      try {
        found = await this.reconcile(campaign, () => (checked += 1));
      } catch {
        // the target may be unreachable now; the campaign stays interrupted and can be reconciled later
      }
      this.deps.accounts.releaseLease(campaign.id);
      this.deps.bus.emit('campaign/state', {
        campaignId: campaign.id,
        state: 'interrupted',
        atMs: this.deps.clock.nowMs(),
      });
      results.push({ campaignId: campaign.id, found, checked });
    }
    return results;
  }

  async reconcile(campaign: CampaignRecord, onChecked: () => void = () => undefined): Promise<number> {
    const profile = this.profile(campaign.targetId);
    const base = this.endpoints(profile)[0]!;
    const accountIds = [
      ...new Set(this.deps.attempts.page(campaign.id, 1_000_000, 0).map((attempt) => attempt.accountId)),
    ];
    let found = 0;
    for (const accountId of accountIds) {
      const key = idempotencyKey(campaign.id, accountId, campaign.itemId);
      const history = this.deps.attempts.byKey(campaign.id, key);
      if (history.some((attempt) => attempt.outcome === 'success')) continue;
      onChecked();
      await this.deps.accounts.sessions.ensureFresh(accountId);
      const tokens = this.deps.accounts.sessions.tokens(accountId);
      const rendered = renderRequest(
        profile.orderStatus.request,
        {
          'attempt.key': key,
          'tokens.access': tokens?.accessToken ?? '',
          'campaign.item': campaign.itemId,
          'campaign.id': campaign.id,
        },
        profile.auth.header,
      );
      const sentLocalMs = this.deps.clock.nowMs();
      const response = await request(base + rendered.path, {
        method: rendered.method as 'GET',
        headers: rendered.headers,
        body: rendered.body,
      });
      const body = (await response.body.json().catch(() => null)) as unknown;
      const latencyMs = this.deps.clock.nowMs() - sentLocalMs;
      const matched = classify(
        {
          endpoint: base,
          sentLocalMs,
          latencyMs,
          status: response.statusCode,
          headers: response.headers,
          body,
          networkError: null,
        },
        [
          { ...profile.orderStatus.found, outcome: 'success' },
          { outcome: 'fatal', extract: {} },
        ],
        profile.errorCode,
      );
      if (matched.outcome !== 'success') continue;
      found += 1;
      this.recorder.record(
        {
          campaignId: campaign.id,
          accountId,
          itemId: campaign.itemId,
          endpoint: base,
          idempotencyKey: key,
          retry: history.length,
          plannedSendLocalMs: null,
          plannedSendServerMs: null,
          sentLocalMs,
          sentServerMs: null,
          serverReceivedMs: null,
          latencyMs,
          httpStatus: response.statusCode,
          outcome: 'success',
          errorCode: 'RECONCILED',
          errorMessage: 'found by order status after an interruption',
          captchaConfidence: null,
          orderId: typeof matched.extracted.orderId === 'string' ? matched.extracted.orderId : null,
        },
        true,
      );
    }
    return found;
  }

  isActive(id: string): boolean {
    return this.runners.has(id) || ACTIVE.has(this.get(id).state);
  }

  async close(): Promise<void> {
    for (const [id] of this.runners) await this.cancel(id);
    this.recorder.flush();
  }
}
