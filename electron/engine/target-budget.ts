// One declared budget per target, shared by everything that talks to it: sign-ins and refreshes, clock probes,
// warm-ups, captcha fetches, order lookups and bookings, across campaigns and the health check. A 429 the profile says
// applies to the whole client pauses all of them until the target's Retry-After has passed.
import type { LocalClock } from '../clock';
import type { TargetProfile } from '../targets';
import { RateLimiter } from './rate-limiter';
import { sleep } from './account-run';

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

  /** Waits for a slot in the budget (and past any pause); resolves at once when `signal` aborts. */
  async take(signal?: AbortSignal): Promise<void> {
    // A slot granted before a pause began is not used inside it: after the wait, a new slot is taken.
    for (;;) {
      const now = this.clock.nowMs();
      const at = this.limiter.reserve(Math.max(now, this.pausedUntilMs));
      if (at > now) await sleep(at - now, signal ?? NEVER);
      if (signal?.aborted || this.clock.nowMs() >= this.pausedUntilMs) return;
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
