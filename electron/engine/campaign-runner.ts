// One campaign from arm to end: sync the clock, lease and sign in the accounts, warm the connections; then fire each
// account at its corrected instant and react to every answer inside the target's limits until it books, the item
// sells out, the time is up, or the operator cancels. Every attempt is recorded.
import { setMaxListeners } from 'node:events';
import type { LocalClock, ClockService, TimeSourceSpec } from '../clock';
import type { AccountsService, SessionKeeper } from '../accounts';
import type {
  AttemptRecord,
  AttemptsRepository,
  CampaignsRepository,
  IntentMark,
  IntentsRepository,
  StorageFault,
} from '../store';
import { writeIfStorageAllows } from '../store';
import type { EventBus } from '../ipc/event-bus';
import type { CampaignState, Outcome } from '../ipc/contract';
import type { TargetProfile } from '../targets';
import { renderRequest, type TemplateContext } from '../targets';
import type { SessionCarrier } from '../targets/profile-requests';
import { SessionCookies } from '../targets/session-cookies';
import { TminusError } from '../errors';
import type { CampaignSpec } from './campaign-spec';
import { EndpointPool, type Endpoint } from './endpoint-pool';
import { exchange, type Exchange, type PreparedRequest } from './http-exchange';
import { classify } from './classifier';
import { LimiterChain, RateLimiter, reserveAll, type Limiter } from './rate-limiter';
import { TargetBudget } from './target-budget';
import { limitsWholeClient, signInBeforeOpen } from './arm-sign-in';
import { backoffMs } from './backoff';
import { keepVars, pollQueued, runSteps, type StepHost } from './booking-steps';
import { react, type ReactContext } from './react';
import { FireScheduler } from './fire-scheduler';
import { burstLeadMs, type BurstCalibration } from './burst-calibration';
import { eachLimited, sleep, templateContext, type AccountRun } from './account-run';
import { obtainCaptcha } from './captcha-step';
import { attemptRow, OPEN_EVIDENCE } from './attempt-row';
import { shotInstants, timeSourceFor } from './shot-plan';
import type { AttemptRecorder } from './attempt-recorder';
import { captchaVerdict, type CaptchaSampleSink, type CaptchaSolver } from './captcha-solver';
import { summarise, type RunSummary, type FirstShot } from './run-summary';
import { readinessOf } from './readiness';
import type { ReadinessWire } from '../ipc/contract';
import type { LoadedShot } from './armed-connection';
import { disarm, fireFirstShot, loadFirstShot, reopenClosed, sendOnArmed, serialiseFor } from './armed-shots';
import { armConnections } from './arm-connections';
import { leaseRuns, type LeftOut } from './lease-runs';
import { closingMarks, marksForAnswer, settleByLookup, type LookupDeps } from './intent-settler';
import { runLookups } from './run-lookups';

/** When a first shot was planned, and the slot the budget gave it (later when the burst is more than the bucket). */
interface ShotTiming {
  plannedLocalMs: number;
  slotLocalMs: number;
}

export interface RunnerDeps {
  campaignId: string;
  spec: CampaignSpec;
  openAtServerMs: number;
  profile: TargetProfile;
  endpoints: string[];
  clock: LocalClock;
  clockService: ClockService;
  accounts: AccountsService;
  sessions: SessionKeeper;
  campaigns: CampaignsRepository;
  attempts: AttemptsRepository;
  intents: IntentsRepository;
  recorder: AttemptRecorder;
  bus: EventBus;
  solver: CaptchaSolver;
  captchaSamples?: CaptchaSampleSink;
  /** Accounts a resumed campaign drives again (its own, not yet booked); a new campaign leases from the pool. */
  resumeAccountIds?: number[];
  /** Taken over from a holder that may have sent, on a target that honours the key (./lease-runs.ts). */
  takenOverAccountIds?: number[];
  /** Idempotency keys given from outside, by account (a cluster campaign's: ../cluster/dealt-campaign.ts). */
  keys?: ReadonlyMap<number, string>;
  /** The target's declared budget, shared with everything else that talks to it (sign-ins, the health check). */
  budget?: TargetBudget;
  /** Refuses to arm when the data directory's disk is nearly full (throws STORAGE_LOW). */
  checkStorage?: () => void;
  random?: () => number;
}

export class CampaignRunner {
  state: CampaignState = 'draft';
  /** Cancel: aborts everything, requests in flight included. */
  private readonly abort = new AbortController();
  /** Stop: ends every wait (cancel, deadline, sold out); a request already sent still gets its answer recorded. */
  private readonly stop = new AbortController();
  private deadlineTimer: NodeJS.Timeout | null = null;
  private readonly scheduler: FireScheduler;
  private readonly random: () => number;
  private pool: EndpointPool | null = null;
  private readonly budget: TargetBudget;
  private targetLimiter: Limiter;
  private runs: AccountRun[] = [];
  private soldOut = false;
  private observedOpenAtServerMs: number | null = null;
  private firstShots: FirstShot[] = [];
  private renewTimer: NodeJS.Timeout | null = null;
  private offsetMs = 0;
  private boundMs = 0;
  /** The typical (median) round trip to the target, and the fastest one seen, from the clock burst while arming. */
  private rttMs = 0;
  private fastestRttMs = 0;
  /** This campaign's time source: its offset is read from that source's estimate, not another target's. */
  private timeSources: TimeSourceSpec[] = [];
  /** How late the median of a burst of `size` requests released together is, measured while arming. */
  private burstCalibration: BurstCalibration = { size: 1, lateMs: 0 };
  private deadlineLocalMs = Number.POSITIVE_INFINITY;
  /** The first request can be rendered ahead of its instant unless it needs a fresh captcha or the time itself. */
  private readonly prepareEarly: boolean;
  /** The target answers a repeated key with its first result: a retry after a lost answer settles it. */
  private readonly keyHonoured: boolean;
  leftOut: LeftOut = { alreadyBooked: 0, unsettled: 0 };
  /** Arming has finished (leases, sessions, connections, the captcha reader); and the reader is loaded. */
  private armDone = false;
  private captchaLoaded = false;
  /** What the operator should know about this run (a far-off local clock), in words. */
  readonly warnings: string[] = [];
  /** Set while the record cannot be written: no account that has not fired yet starts. */
  private storageFault: StorageFault | null = null;
  private readonly unwatchStorage: () => void;
  private readonly steps: StepHost;

  constructor(private readonly deps: RunnerDeps) {
    this.scheduler = new FireScheduler(deps.clock);
    // Every request in flight and every wait listens to these: hundreds at once is the normal case.
    setMaxListeners(0, this.abort.signal, this.stop.signal);
    this.random = deps.random ?? Math.random;
    const book = deps.profile.book.request;
    const usesNow = JSON.stringify(book).includes('now.serverMs');
    // Steps before the booking (or a booking that names what they gave) cannot be rendered ahead of the instant.
    this.prepareEarly =
      !usesNow && deps.profile.captcha?.requiredFor !== 'book' && deps.profile.book.steps.length === 0;
    this.keyHonoured = deps.profile.book.idempotencyKeyHonoured;
    this.storageFault = deps.recorder.fault;
    this.unwatchStorage = deps.recorder.onFault((fault) => {
      if (fault) this.storageFault ??= fault;
    });
    const limits = deps.profile.limits;
    this.budget = deps.budget ?? new TargetBudget(limits.targetRatePerSec, limits.targetBurst, deps.clock);
    // A campaign may ask for less than the target allows: then both buckets must allow each request.
    const own = deps.spec.limits.targetRatePerSec;
    this.targetLimiter =
      own !== undefined && own < limits.targetRatePerSec
        ? new LimiterChain([this.budget.limiter, new RateLimiter(own, limits.targetBurst)])
        : this.budget.limiter;
    this.steps = this.stepHost();
  }

  private setState(state: CampaignState): void {
    this.state = state;
    const atMs = this.deps.clock.nowMs();
    this.deps.recorder.defer(() => this.deps.campaigns.setState(this.deps.campaignId, state, atMs));
    this.deps.bus.emit('campaign/state', { campaignId: this.deps.campaignId, state, atMs: this.deps.clock.nowMs() });
  }

  private leaseTtlMs(): number {
    return Math.max(60_000, this.deps.openAtServerMs - this.serverNow() + this.deps.spec.limits.maxDurationMs + 60_000);
  }

  private serverNow(): number {
    return this.deps.clockService.serverNowMs() ?? this.deps.clock.nowMs();
  }

  /** Arm: clock burst, leases, sessions, warm connections. Throws (and marks the campaign failed) when it cannot. */
  async arm(): Promise<void> {
    const { deps } = this;
    const { profile, spec } = deps;
    this.setState('armed');
    try {
      deps.checkStorage?.();
      deps.campaigns.markArmed(deps.campaignId, deps.clock.nowMs());
      const source = timeSourceFor(profile, deps.endpoints[0]!);
      // Clock probes are requests to the target too: each waits for its slot in the budget.
      const gate = (): Promise<void> => this.budget.take(this.stop.signal);
      // Armed after its instant (a takeover, a late resume), every shot goes at once: nothing is timed to the
      // millisecond, so an estimate of the target's clock this process keeps fresh is used as it is, and nothing is
      // sent to warm or calibrate a burst that will not be.
      const late = this.serverNow() >= deps.openAtServerMs;
      const kept = late ? deps.clockService.current(undefined, [source]) : null;
      const offsetAtArm =
        kept && kept.ageMs <= spec.clockSyncEveryMs ? kept.offsetMs : await this.probeClock(source, gate);
      if (Math.abs(offsetAtArm) >= 1_000)
        this.warnings.push(
          `this machine's clock is ${(Math.abs(offsetAtArm) / 1000).toFixed(1)} s ${offsetAtArm > 0 ? 'behind' : 'ahead of'} ` +
            "the target's: every instant of the plan is on the target's clock",
        );
      this.timeSources = [source];

      // The ledger first (booked and unsettled accounts sit out), then the leases, then every intent, durable.
      const leased = leaseRuns({
        campaignId: deps.campaignId,
        spec,
        profile,
        accounts: deps.accounts,
        intents: deps.intents,
        leaseTtlMs: this.leaseTtlMs(),
        resumeAccountIds: deps.resumeAccountIds,
        takenOverAccountIds: deps.takenOverAccountIds,
        keys: deps.keys,
        plannedLocalMs: deps.openAtServerMs - (deps.clockService.current(undefined, [source])?.offsetMs ?? 0),
        nowMs: deps.clock.nowMs(),
      });
      this.runs = leased.runs;
      this.leftOut = leased.leftOut;
      this.renewTimer = setInterval(
        () => writeIfStorageAllows(() => deps.accounts.renewLease(deps.campaignId, this.leaseTtlMs())),
        30_000,
      );
      this.renewTimer.unref();
      if (profile.auth) await this.signInAll(source);

      const armed = await armConnections({
        late,
        runs: this.runs,
        endpoints: deps.endpoints,
        profile,
        armAccounts: this.prepareEarly, // only a first shot rendered ahead can be written ahead
        clock: deps.clock,
        random: this.random,
        scheduler: this.scheduler,
        targetLimiter: this.targetLimiter,
        budget: this.budget,
        stopSignal: this.stop.signal,
        offsetMs: deps.clockService.current(undefined, [source])?.offsetMs ?? 0,
        rttMs: this.rttMs,
      });
      this.pool = armed.pool;
      this.burstCalibration = armed.calibration;
      // compiles the render path too (not where the booking names what steps give: that exists only at the time)
      if (this.runs[0] && this.prepareEarly) this.prepare(this.runs[0]);
      if (profile.captcha && profile.captcha.requiredFor !== 'none')
        await deps.solver.warm?.({ model: profile.captcha.model, charset: profile.captcha.charset ?? null });
      this.captchaLoaded = true;
      // How late this machine's timers wake now, loaded as it is while armed: the release's coarse timer leads by it.
      if (!late) await this.scheduler.measureWake();
      deps.clockService.startSync([source], spec.clockSyncEveryMs, deps.campaignId, { gate });
      this.armDone = true;
    } catch (error) {
      await this.finish('failed', (error as Error).message);
      throw error;
    }
  }

  /** A burst of samples of the target's clock (inside the budget): its offset, and the round trip for the fire plan. */
  private async probeClock(source: TimeSourceSpec, gate: () => Promise<void>): Promise<number> {
    const report = await this.deps.clockService.probe([source], { samples: 8, campaignId: this.deps.campaignId, gate });
    if (!report.combined)
      throw new TminusError('CLOCK_SOURCE_FAILED', report.sources[0]?.error ?? 'the target time could not be read');
    this.rttMs = report.sources[0]?.estimate?.medianDelayMs ?? 0;
    this.fastestRttMs = report.sources[0]?.estimate?.delayMs ?? this.rttMs;
    return report.combined.offsetMs;
  }

  /**
   * Every leased account signed in, its session proven, inside the budget (the sign-in adapter takes a slot for each
   * request); a 429 is waited out until shortly before the instant. No account signed in: the campaign fails, naming
   * each account's reason.
   */
  private async signInAll(source: TimeSourceSpec): Promise<void> {
    const { deps } = this;
    const offsetMs = deps.clockService.current(undefined, [source])?.offsetMs ?? 0;
    const deps2 = {
      sessions: deps.sessions,
      profile: deps.profile,
      budget: this.budget,
      clock: deps.clock,
      random: this.random,
      deadlineLocalMs: deps.openAtServerMs - offsetMs - 2_500,
      stopSignal: this.stop.signal,
      clientScope: limitsWholeClient(deps.profile),
    };
    await eachLimited(this.runs, 16, async (run) => {
      if (run.satOut) return; // left out while leasing (a field the profile needs is missing)
      run.satOut = await signInBeforeOpen(run, deps2);
      if (run.satOut)
        run.done = true; // its error is on the account too
      else if (deps.profile.auth?.cookies) run.cookies = SessionCookies.fromTokens(run.tokens, deps.endpoints[0]!);
    });
    if (this.runs.length > 0 && this.runs.every((run) => run.satOut !== null)) {
      const reasons = this.runs.slice(0, 5).map((run) => run.satOut!.message);
      const more = this.runs.length > 5 ? `; and ${this.runs.length - 5} more` : '';
      const what = this.runs.some((run) => run.satOut!.reason === 'sign-in')
        ? 'no account could sign in'
        : 'no account can take part';
      throw new TminusError('SIGN_IN_FAILED', `${what}: ${reasons.join('; ')}${more}`);
    }
  }

  /** What this campaign has ready now (./readiness.ts). */
  readiness(): ReadinessWire {
    const { deps } = this;
    const needsCaptcha = deps.profile.captcha !== undefined && deps.profile.captcha.requiredFor !== 'none';
    const phase =
      this.state === 'draft'
        ? 'waiting'
        : this.state === 'armed'
          ? this.armDone
            ? 'ready'
            : 'arming'
          : this.state === 'firing'
            ? 'firing'
            : 'done';
    return readinessOf({
      campaignId: deps.campaignId,
      atMs: deps.clock.nowMs(),
      phase,
      runs: this.runs,
      endpointUrls: deps.endpoints,
      pool: this.pool,
      leftOut: this.leftOut,
      captcha: !needsCaptcha ? 'notNeeded' : this.captchaLoaded ? 'ready' : 'loading',
      clock: this.timeSources.length > 0 ? deps.clockService.current(undefined, this.timeSources) : null,
      signInNeeded: deps.profile.auth !== undefined,
    });
  }

  /** Local instant before which nothing goes to the target for this account (its Retry-After, or the client's). */
  private notBefore(run: AccountRun): number {
    return Math.max(run.notBeforeMs, this.budget.pausedUntilMs);
  }

  /** Fire: each account at its corrected instant, then its reactions, until everything is settled. */
  async fire(): Promise<RunSummary> {
    const { deps } = this;
    deps.clockService.stopSync(deps.campaignId);
    const current = deps.clockService.current(undefined, this.timeSources.length > 0 ? this.timeSources : undefined);
    this.offsetMs = current?.offsetMs ?? 0;
    this.boundMs = current?.boundMs ?? 0;
    // An on-time campaign plans for its fastest request (half the fastest round trip) to arrive at the instant, so
    // that latency jitter does not make requests early (an early one is answered notOpen, and waits); a centered one
    // plans for the typical request to (./burst-calibration.ts).
    const oneWayMs = (deps.spec.strategy.burst === 'centered' ? this.rttMs : this.fastestRttMs) / 2;
    const plannedLocal = deps.openAtServerMs - this.offsetMs - oneWayMs - deps.spec.strategy.leadMs;
    // Tokens that would expire during the rush are refreshed now, before the instant, not answered with a 401 at it,
    // and the accounts' own connections the target has closed since arming are opened again.
    const neededUntil = plannedLocal + Math.min(deps.spec.limits.maxDurationMs, 30_000);
    const reopening = reopenClosed(this.runs, deps.clock, deps.profile.limits.timeoutMs);
    await eachLimited(
      this.runs.filter((run) => !run.done && run.tokens !== null && run.tokens.accessExpiresAtMs < neededUntil),
      32,
      async (run) => {
        try {
          await deps.sessions.ensureFresh(run.account.id);
          run.tokens = deps.sessions.tokens(run.account.id);
        } catch {
          // it keeps its token; an unauthorized answer will get the usual refresh-then-login
        }
      },
    );
    await reopening;
    this.deadlineLocalMs = plannedLocal + deps.spec.limits.maxDurationMs;
    this.deadlineTimer = setTimeout(() => this.stop.abort(), Math.max(0, this.deadlineLocalMs - deps.clock.nowMs()));
    this.deadlineTimer.unref();
    this.setState('firing');
    this.scheduler.largestRelease = null; // the calibration's burst was arming's; the summary tells the fire's
    const shotsAt = shotInstants(deps.spec.strategy, plannedLocal, this.boundMs);
    const firing = this.runs.filter((run) => !run.done);
    // Requests released together leave and are taken in one after another. A centered burst starts early by its
    // median's measured lateness, scaled to its size, so that the median lands on the instant; an on-time burst
    // (the default) leaves at the instant, so that none arrives before it.
    const burstLead = burstLeadMs(this.burstCalibration, firing.length, deps.spec.strategy.burst);
    await Promise.all(firing.map((run) => this.runAccount(run, shotsAt, burstLead)));
    if (this.abort.signal.aborted) return this.finish('cancelled');
    // A campaign that sent nothing did not happen: it fails, saying why, rather than "completing".
    if (!this.runs.some((run) => run.sent)) return this.finish('failed', this.whyNothingWasSent());
    return this.finish('completed');
  }

  private whyNothingWasSent(): string {
    if (this.storageFault) return `no request was sent: the record could not be written (${this.storageFault.code})`;
    if (this.deps.profile.auth && this.runs.every((run) => run.tokens === null))
      return 'no request was sent: no account could sign in';
    if (this.deps.clock.nowMs() >= this.deadlineLocalMs)
      return "no request was sent: the campaign's window had passed before its first shot";
    return 'no request was sent: every account sat out';
  }

  private stopped(run: AccountRun): boolean {
    return run.done || this.stop.signal.aborted || this.deps.clock.nowMs() >= this.deadlineLocalMs;
  }

  private async runAccount(run: AccountRun, shotsAt: number[], burstLeadMs: number): Promise<void> {
    // The first shots go at their planned instants (a salvo: several, across the clock bound), inside the limits.
    const shots = shotsAt.map(async (at, index) => {
      // A cluster node's first shots outside its own window (a takeover after the instant) are ordinary requests.
      if (!this.budget.spendsLocally(at - burstLeadMs)) return this.shootOutsideWindow(run, at);
      const slot = reserveAll([this.targetLimiter, run.limiter], at - burstLeadMs);
      if (!this.budget.spendsLocally(slot)) return this.shootOutsideWindow(run, at);
      // Everything that can be done before the instant is done before it: the request is rendered now, and the
      // first shot of an account with its own connection is serialised, to be written by the releasing loop itself.
      const prepared = this.prepareEarly ? this.prepare(run) : null;
      const shot = index === 0 && prepared ? loadFirstShot(run, prepared, this.deps.profile.limits.timeoutMs) : null;
      let fired = false;
      await this.scheduler.at(
        slot,
        shot ? () => (fired = this.fireLoaded(run, shot)) : undefined,
        shot ? () => this.warmLoaded(run, shot) : undefined,
      );
      const timing = { plannedLocalMs: at, slotLocalMs: slot };
      if (fired) {
        this.markSent(run);
        return this.complete(run, at, run.home!, shot!.answer, true, timing);
      }
      // A shot planned before the target said "wait" is dropped rather than sent inside that wait; no account
      // starts while the record cannot be written.
      if (this.stopped(run) || this.deps.clock.nowMs() < this.notBefore(run)) return;
      if (this.storageFault && !run.sent) return;
      await this.attempt(run, at, prepared, timing);
    });
    await Promise.all(shots);
    while (!this.stopped(run) && !(this.storageFault && !run.sent)) {
      await this.budget.turn(this.targetLimiter, run.limiter, this.stop.signal);
      if (this.stopped(run)) break;
      await this.attempt(run, this.deps.clock.nowMs(), null);
    }
  }

  /** A first shot whose slot is not this node's to spend: at its instant, with a token from the shared bucket. */
  private async shootOutsideWindow(run: AccountRun, at: number): Promise<void> {
    await sleep(at - this.deps.clock.nowMs(), this.stop.signal);
    await this.budget.turn(this.targetLimiter, run.limiter, this.stop.signal);
    if (this.stopped(run) || this.deps.clock.nowMs() < this.notBefore(run)) return;
    if (this.storageFault && !run.sent) return;
    const slot = this.deps.clock.nowMs();
    await this.attempt(run, at, null, { plannedLocalMs: at, slotLocalMs: slot });
  }

  /** At the instant, in the releasing loop: the loaded first shot goes out now; false to go the ordinary way. */
  private fireLoaded(run: AccountRun, shot: LoadedShot): boolean {
    const now = this.deps.clock.nowMs();
    return this.mayFireLoaded(run, now) && fireFirstShot(run, shot, now);
  }

  /** Just before the releasing loop, in its pass: the same checks, and the shot's connection state read (nothing sent). */
  private warmLoaded(run: AccountRun, shot: LoadedShot): void {
    if (this.mayFireLoaded(run, this.deps.clock.nowMs())) shot.warm();
  }

  private mayFireLoaded(run: AccountRun, now: number): boolean {
    if (run.done || this.stop.signal.aborted || now >= this.deadlineLocalMs || now < this.notBefore(run)) return false;
    return this.storageFault === null;
  }

  /** After the send, never inside the releasing loop: the mark goes out with the next batch. */
  private markSent(run: AccountRun): void {
    if (run.sent) return;
    run.sent = true;
    this.deps.recorder.mark({
      kind: 'sent',
      campaignId: this.deps.campaignId,
      accountId: run.account.id,
      atMs: this.deps.clock.nowMs(),
    });
  }

  /** Before an account whose last answer was lost may send again: the lookup says whether it booked. */
  private async settleBeforeRetry(run: AccountRun): Promise<boolean> {
    if (!run.unknown || this.keyHonoured) return true;
    if (!this.deps.profile.orderStatus) {
      run.done = true; // nothing can tell whether it booked: it stops, its result stays unknown
      return false;
    }
    const learnt = await settleByLookup(run, this.lookupDeps(this.stop.signal, 'run'), Infinity, () =>
      this.stopped(run),
    );
    return learnt === 'notFound';
  }

  private lookupDeps(signal: AbortSignal, phase: 'run' | 'end'): LookupDeps {
    const { deps } = this;
    return runLookups(
      {
        campaignId: deps.campaignId,
        profile: deps.profile,
        clock: deps.clock,
        sessions: deps.sessions,
        recorder: deps.recorder,
        random: this.random,
        turn: (run, signal) => this.budget.turn(this.targetLimiter, run.limiter, signal),
        chooseEndpoint: () => (this.pool ? this.chooseEndpoint() : null),
        context: (run) => this.context(run),
        recordFound: (run, answer, orderId, marks) =>
          this.record(run, answer, answer.sentLocalMs, 'success', 'ORDER_LOOKUP', null, orderId, marks),
      },
      signal,
      phase,
    );
  }

  private prepare(run: AccountRun): PreparedRequest {
    return renderRequest(this.deps.profile.book.request, this.context(run), this.session(run));
  }

  /** How this account's requests carry its session: the profile's header, its cookies, or nothing (no sign-in). */
  private session(run: AccountRun): SessionCarrier {
    const auth = this.deps.profile.auth;
    const path = this.deps.profile.book.request.path;
    return { header: auth?.header, cookie: run.cookies?.header(this.deps.endpoints[0]! + path) };
  }

  private context(run: AccountRun): TemplateContext {
    const { deps } = this;
    return templateContext(
      run,
      { id: deps.campaignId, name: deps.spec.name, item: deps.spec.item, openAtServerMs: deps.openAtServerMs },
      deps.clock.nowMs() + this.offsetMs,
    );
  }

  private chooseEndpoint(): Endpoint | null {
    return this.pool!.choose(this.deps.clock.nowMs());
  }

  private ensureCaptcha(run: AccountRun): Promise<boolean> {
    return obtainCaptcha(run, {
      profile: this.deps.profile,
      clock: this.deps.clock,
      solver: this.deps.solver,
      samples: this.deps.captchaSamples,
      campaignId: this.deps.campaignId,
      turn: (signal) => this.budget.turn(this.targetLimiter, null, signal),
      stopSignal: this.stop.signal,
      abortSignal: this.abort.signal,
      choose: () => this.chooseEndpoint(),
      context: (account) => this.context(account),
      stopped: (account) => this.stopped(account),
    });
  }

  private async attempt(
    run: AccountRun,
    plannedLocalMs: number,
    prepared: PreparedRequest | null,
    timing: ShotTiming | null = null,
  ): Promise<void> {
    const { deps } = this;
    // Told to wait (this account, or the whole client): the wait, then a new slot — one taken before the wait began
    // is not spent at its end, where every waiting account would spend theirs together.
    while (deps.clock.nowMs() < this.notBefore(run) && !this.stopped(run)) {
      await sleep(this.notBefore(run) - deps.clock.nowMs(), this.stop.signal);
      await this.budget.turn(this.targetLimiter, run.limiter, this.stop.signal);
    }
    if (this.stopped(run)) return;
    if (!(await this.settleBeforeRetry(run)) || this.stopped(run)) return;
    if (prepared === null && !(await this.ensureCaptcha(run))) {
      await sleep(
        backoffMs(run.retry, deps.profile.retry.baseMs, deps.profile.retry.maxMs, this.random),
        this.stop.signal,
      );
      run.retry += 1;
      return;
    }
    if (deps.profile.book.steps.length > 0 && !(await runSteps(run, plannedLocalMs, this.steps))) return;
    const endpoint = this.chooseEndpoint();
    if (!endpoint) {
      run.heldByBreaker = true; // every endpoint's breaker is open
      await sleep(deps.profile.breaker.openMs / 2, this.stop.signal);
      return;
    }
    endpoint.breaker.onSend();
    const request: PreparedRequest = prepared ?? this.prepare(run);
    // The account's own connection when the choice fell on its home endpoint and it is free, else the pool.
    // No abort signal on booking requests: it costs ~40% of undici's per-request time on the fire path, and a booking
    // already on the wire should be answered and recorded anyway (the per-attempt timeout still bounds it).
    const { timeoutMs } = deps.profile.limits;
    const bytes = endpoint === run.home && run.armed?.ready ? serialiseFor(run.armed, request) : null;
    const sent = bytes
      ? sendOnArmed(run, bytes, request, timeoutMs)
      : exchange(endpoint, request, deps.clock, timeoutMs);
    this.markSent(run);
    await this.complete(run, plannedLocalMs, endpoint, sent, false, timing);
  }

  /** An answer (or its failure) classified, recorded, and reacted to. */
  private async complete(
    run: AccountRun,
    plannedLocalMs: number,
    endpoint: Endpoint,
    sent: Promise<Exchange>,
    writtenAhead = false,
    timing: ShotTiming | null = null,
  ): Promise<void> {
    const { deps } = this;
    const answer = await sent;
    run.cookies?.take(answer.endpoint + deps.profile.book.request.path, answer.headers);
    const classification = classify(answer, deps.profile.outcomes, deps.profile.errorCode);
    const { outcome } = classification;
    const failed = outcome === 'retryable';
    endpoint.observe(!failed, answer.latencyMs, deps.clock.nowMs());
    const captchaConfidence = run.captcha?.confidence ?? null;
    const { orderId } = classification.extracted;
    const order = typeof orderId === 'string' ? orderId : null;
    const marks = marksForAnswer(deps.campaignId, run, answer, outcome, order, this.keyHonoured);
    const row = this.record(
      run,
      answer,
      plannedLocalMs,
      outcome,
      classification.errorCode,
      captchaConfidence,
      order,
      marks,
    );
    // First shots are judged on their timing: sent vs the slot they were released at, and (where the target stamps
    // its answers) arrival vs the planned instant. The budget's spacing of shots past the burst is reported apart.
    if (timing && this.firstShots.length < this.runs.length * 4) {
      this.firstShots.push({
        plannedLocalMs: timing.plannedLocalMs,
        slotLocalMs: timing.slotLocalMs,
        sentLocalMs: answer.sentLocalMs,
        arrivalLateMs:
          row.serverReceivedMs === null ? null : row.serverReceivedMs - (timing.plannedLocalMs + this.offsetMs),
        writtenAhead,
      });
    }
    run.retry += 1;
    keepVars(run, classification.extracted);
    const verdict = captchaVerdict(outcome);
    if (verdict && typeof run.captcha?.sample === 'number') {
      deps.captchaSamples?.verdict(run.captcha.sample, verdict); // the target judged the answer: a labelled sample
      run.captcha.sample = null;
    }
    if (run.captcha && outcome !== 'notOpen' && outcome !== 'rateLimited') run.captcha = null; // one-time captchas
    if (outcome === 'pending' && deps.profile.book.poll) return pollQueued(run, this.steps);
    await react(run, outcome, answer, this.reactContext(classification.scope));
  }

  /** What the steps before a booking and the polls after a queued one need of this campaign. */
  private stepHost(): StepHost {
    return {
      profile: this.deps.profile,
      clock: this.deps.clock,
      campaignId: this.deps.campaignId,
      keyHonoured: this.deps.profile.book.idempotencyKeyHonoured,
      stopSignal: this.stop.signal,
      abortSignal: this.abort.signal,
      waitForSlot: (run, signal) => this.budget.turn(this.targetLimiter, run.limiter, signal),
      chooseEndpoint: () => this.chooseEndpoint(),
      render: (run, template) => renderRequest(template, this.context(run), this.session(run)),
      stopped: (run) => this.stopped(run),
      record: (run, answer, plannedLocalMs, outcome, errorCode, orderId, marks) =>
        void this.record(run, answer, plannedLocalMs, outcome, errorCode, null, orderId, marks),
      react: (run, outcome, answer, scope) => react(run, outcome, answer, this.reactContext(scope)),
    };
  }

  /** What `react` needs for an answer read with this scope. */
  private reactContext(scope: 'account' | 'client'): ReactContext {
    return {
      scope,
      onClientLimit: (untilMs) => this.budget.pauseUntil(untilMs),
      retry: this.deps.profile.retry,
      clock: this.deps.clock,
      random: this.random,
      sessions: this.deps.sessions,
      stopSignal: this.stop.signal,
      onSoldOut: () => {
        this.soldOut = true;
        this.stop.abort(); // the item is gone: every account stops
      },
    };
  }

  private record(
    run: AccountRun,
    answer: Exchange,
    plannedLocalMs: number,
    outcome: Outcome,
    errorCode: string | null,
    captchaConfidence: number | null,
    orderId: string | null,
    marks: IntentMark[],
  ): AttemptRecord {
    const { deps } = this;
    const row = attemptRow(
      {
        campaignId: deps.campaignId,
        itemId: deps.spec.item,
        serverTimeHeader: deps.profile.serverTimeHeader,
        offsetMs: this.offsetMs,
      },
      run,
      answer,
      plannedLocalMs,
      { outcome, errorCode, captchaConfidence, orderId },
    );
    // The open instant as observed: the first answer that proves the sale open, stamped by the target where the
    // profile names its stamp; never an outage, an auth failure or a limiter's refusal (OPEN_EVIDENCE).
    if (this.observedOpenAtServerMs === null && OPEN_EVIDENCE.has(outcome)) {
      this.observedOpenAtServerMs = row.serverReceivedMs ?? row.sentServerMs! + (answer.latencyMs ?? 0) / 2;
    }
    deps.recorder.record(row, marks, outcome === 'success');
    writeIfStorageAllows(() => deps.accounts.recordOutcome(run.account.id, outcome)); // health counters, not the record
    return row;
  }

  /** Accounts that never sent (and were not told the item sold out) or whose result stays unknown: why, in words. */
  private noteWhoSatOut(): void {
    for (const run of this.runs) {
      if (run.satOut) continue;
      if (run.unknown)
        run.satOut = {
          reason: 'unknown',
          message: this.deps.profile.orderStatus
            ? 'its answer was lost and the order lookup could not settle it'
            : 'its answer was lost and the profile has no orderStatus to ask: it stopped',
        };
      else if (!run.sent && run.heldByBreaker)
        run.satOut = { reason: 'breaker', message: "every endpoint's breaker was open whenever it was to send" };
      else if (!run.sent && !this.soldOut && !this.storageFault)
        run.satOut = { reason: 'budget', message: "its slot in the target's budget came after the campaign's end" };
    }
  }

  /** Stops everything within one frame: pending waits end, requests in flight are aborted, leases released. */
  cancel(): void {
    this.abort.abort();
    this.stop.abort();
    this.scheduler.cancelAll();
  }

  private async finish(state: CampaignState, error: string | null = null): Promise<RunSummary> {
    const { deps } = this;
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    deps.clockService.stopSync(deps.campaignId);
    // What is still unknown is asked about once more (a few tries each, inside the budget) before the campaign ends.
    const unknown = this.runs.filter((run) => run.unknown);
    if (state !== 'cancelled' && this.pool && unknown.length > 0) {
      const lookups = this.lookupDeps(this.abort.signal, 'end');
      await eachLimited(unknown, 8, async (run) => {
        await settleByLookup(run, lookups, 4, () => this.abort.signal.aborted);
      });
    }
    for (const mark of closingMarks(deps.campaignId, this.runs)) deps.recorder.mark(mark);
    if (state !== 'cancelled') this.noteWhoSatOut();
    deps.recorder.flush();
    // Leases are kept for accounts whose result is still unknown: nothing drives them until reconciliation.
    const keep = this.runs.filter((run) => run.unknown).map((run) => run.account.id);
    writeIfStorageAllows(() => deps.accounts.releaseLease(deps.campaignId, keep));
    for (const run of this.runs) disarm(run);
    await this.pool?.close();
    this.unwatchStorage();
    const summary = summarise({
      campaignId: deps.campaignId,
      state,
      openAtServerMs: deps.openAtServerMs,
      accounts: this.runs.length,
      soldOut: this.soldOut,
      observedOpenAtServerMs: this.observedOpenAtServerMs,
      offsetMs: this.offsetMs,
      boundMs: this.boundMs,
      firstShots: this.firstShots,
      attempts: deps.attempts,
      runs: this.runs,
      leftOut: this.leftOut,
      storageFault: deps.recorder.fault ?? this.storageFault,
      error,
      warnings: this.warnings,
      release: this.scheduler.largestRelease,
    });
    const atMs = deps.clock.nowMs();
    deps.recorder.defer(() =>
      deps.campaigns.finish(deps.campaignId, state, summary, this.observedOpenAtServerMs, atMs, error),
    );
    this.setState(state);
    return summary;
  }
}
