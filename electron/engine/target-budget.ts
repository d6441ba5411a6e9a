// One declared budget per target, shared by everything that talks to it: sign-ins and refreshes, clock probes,
// warm-ups, captcha fetches, order lookups and bookings, across campaigns and the health check. A 429 the profile says
// applies to the whole client pauses all of them until the target's Retry-After has passed.
import type { LocalClock } from '../clock';
import type { TargetProfile } from '../targets';
import { RateLimiter, reserveAll, type Limiter } from './rate-limiter';
import { sleep } from './account-run';

/**
 * A budget this process shares with others (a cluster node: ../cluster/shared-budget.ts). Around an open instant it
 * spends its own share (the local limiter: the first shots never wait for another machine); everywhere else its
 * requests take their tokens from the shared bucket.
 */
export interface SharedBudget {
  /** Does a request at this local instant spend this process's own share (inside an open instant's window)? */
  spendsLocally(localMs: number): boolean;
  /**
   * Books `n` tokens in the shared bucket, to be sent together: the local instant they may leave (not waited for), or
   * null when a window this process spends its own share in begins first (the caller takes local slots then) or
   * `signal` aborted.
   */
  take(n: number, signal?: AbortSignal): Promise<number | null>;
  /** How late after its slot a request may still leave; later, it books again. */
  readonly lateLimitMs: number;
  /** The most requests the shared bucket lets leave together. */
  readonly largestTogether: number;
}

/**
 * What Tminus spends of a declared budget: 95% of the rate and one token less than the burst. A request leaves when
 * its timer fires, a little after its slot; on a strict bucket of exactly the declared size, a late request followed
 * by one on time would look like more than the rate. The margin absorbs that lateness.
 */
export const RATE_MARGIN = 0.95;

export class TargetBudget {
  readonly limiter: RateLimiter;
  /** Local instant before which nothing is sent to this target (a client-scope 429's Retry-After). */
  pausedUntilMs = 0;

  constructor(
    readonly ratePerSec: number,
    readonly burst: number,
    private readonly clock: LocalClock,
  ) {
    this.limiter = new RateLimiter(ratePerSec * RATE_MARGIN, Math.max(1, burst - 1));
  }

  private readonly pauseListeners = new Set<(untilMs: number) => void>();

  /**
   * The whole client was told to wait: every later slot is after `untilMs`. `from: 'cluster'` is a pause another
   * node heard (../cluster/pause-relay.ts): applied here, not told on again.
   */
  pauseUntil(untilMs: number, from: 'here' | 'cluster' = 'here'): void {
    if (untilMs <= this.pausedUntilMs) return;
    this.pausedUntilMs = untilMs;
    this.limiter.holdUntil(untilMs);
    if (from === 'here') for (const listener of this.pauseListeners) listener(untilMs);
  }

  /** Told of every pause this process's own answers caused (a cluster node passes it on); returns the unsubscribe. */
  onPause(listener: (untilMs: number) => void): () => void {
    this.pauseListeners.add(listener);
    return () => this.pauseListeners.delete(listener);
  }

  private shared: SharedBudget | null = null;

  /** From now on, what this process sends outside its own windows takes tokens from `shared` (null: all local). */
  shareWith(shared: SharedBudget | null): void {
    this.shared = shared;
  }

  /** The most requests that may leave together wherever they take their tokens. */
  get largestTogether(): number {
    return Math.min(this.limiter.burst, this.shared?.largestTogether ?? Infinity);
  }

  /** Is a request at this local instant this process's to spend from its own limiter? */
  spendsLocally(localMs: number): boolean {
    return this.shared === null || this.shared.spendsLocally(localMs);
  }

  /** Waits for a slot in the budget (and past any pause); resolves at once when `signal` aborts. */
  async take(signal?: AbortSignal): Promise<void> {
    // A slot granted before a pause began is not used inside it: after the wait, a new slot is taken.
    for (;;) {
      const now = this.clock.nowMs();
      const from = Math.max(now, this.pausedUntilMs);
      if (this.spendsLocally(now) && this.spendsLocally(this.limiter.peek(from))) {
        const at = this.limiter.reserve(from);
        if (at > now) await sleep(at - now, signal ?? NEVER);
      } else if (!(await this.takeShared(signal))) {
        if (signal?.aborted) return;
        continue; // a window began: a local slot
      }
      if (signal?.aborted || this.clock.nowMs() >= this.pausedUntilMs) return;
    }
  }

  /**
   * Waits for a request's turn in `target` (this budget's limiter, or a chain holding it) and in `account` (the
   * account's own bucket, if any). Outside its own windows a cluster node takes the account's slot here and the
   * target's token from the shared bucket; a local slot that would fall past the end of a window is not used.
   */
  async turn(target: Limiter, account: Limiter | null, signal: AbortSignal): Promise<void> {
    const limiters = account ? [target, account] : [target];
    for (;;) {
      const now = this.clock.nowMs();
      if (this.spendsLocally(now)) {
        const at = Math.max(...limiters.map((limiter) => limiter.peek(now)));
        if (this.spendsLocally(at)) {
          reserveAll(limiters, now);
          return sleep(at - now, signal);
        }
      }
      if (account) await sleep(account.reserve(now) - now, signal);
      if (signal.aborted || (await this.takeShared(signal))) return;
    }
  }

  /**
   * The local instant `n` requests may leave together (≥ now, ≤ the bucket): from `target` or, outside this process's
   * windows, booked in the shared bucket. Nothing is waited for.
   */
  async together(target: Limiter, n: number, signal: AbortSignal): Promise<number> {
    for (;;) {
      const now = this.clock.nowMs();
      if (this.spendsLocally(now)) {
        let at = now;
        for (let k = 0; k < n; k += 1) at = Math.max(at, target.reserve(now));
        if (this.spendsLocally(at)) return at;
      }
      const at = await this.shared!.take(n, signal);
      if (at !== null || signal.aborted) return at ?? now;
    }
  }

  /** One token from the shared bucket, waited for: false when a window began first or `signal` aborted. */
  private async takeShared(signal?: AbortSignal): Promise<boolean> {
    const shared = this.shared!;
    for (;;) {
      const at = await shared.take(1, signal);
      if (at === null) return false;
      await sleep(at - this.clock.nowMs(), signal ?? NEVER);
      if (signal?.aborted) return false;
      // Woken too late for its slot: sent now, it would reach the target beside the next one booked.
      if (this.clock.nowMs() - at <= shared.lateLimitMs) return true;
    }
  }
}

const NEVER = new AbortController().signal;

/** The budgets of every target this process talks to, by target id; a profile edited to new limits gets a new one. */
export class TargetBudgets {
  private readonly budgets = new Map<string, TargetBudget>();

  constructor(private readonly clock: LocalClock) {}

  for(profile: Pick<TargetProfile, 'id' | 'limits'>): TargetBudget {
    const { targetRatePerSec, targetBurst } = profile.limits;
    const known = this.budgets.get(profile.id);
    if (known && known.ratePerSec === targetRatePerSec && known.burst === targetBurst) return known;
    const budget = new TargetBudget(targetRatePerSec, targetBurst, this.clock);
    this.budgets.set(profile.id, budget);
    return budget;
  }
}
