// A token bucket as GCRA (the generic cell rate algorithm): rate r per second with burst b. `reserve` books the
// earliest instant a request may go and returns how long to wait for it — requests are spaced, never dropped, and
// the bucket is never exceeded, whatever the concurrency.
export class RateLimiter implements Limiter {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private theoreticalArrivalMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly ratePerSec: number,
    readonly burst: number,
  ) {
    this.intervalMs = 1000 / ratePerSec;
    this.toleranceMs = (burst - 1) * this.intervalMs;
  }

  /** The earliest local instant a request could go (≥ nowMs), without reserving it. */
  peek(nowMs: number): number {
    return Math.max(nowMs, Math.max(this.theoreticalArrivalMs, nowMs) - this.toleranceMs);
  }

  /** Reserves a slot; returns the local instant it may be used (≥ nowMs). */
  reserve(nowMs: number): number {
    const tat = Math.max(this.theoreticalArrivalMs, nowMs);
    const allowedAt = Math.max(nowMs, tat - this.toleranceMs);
    this.theoreticalArrivalMs = tat + this.intervalMs;
    return allowedAt;
  }

  /** Pushes the next slot out to at least `untilMs` (a Retry-After). */
  holdUntil(untilMs: number): void {
    this.theoreticalArrivalMs = Math.max(this.theoreticalArrivalMs, untilMs + this.toleranceMs);
  }
}

/**
 * Reserves one slot in each limiter at the same instant — the latest any of them allows — so that no limiter counts
 * the request earlier than it leaves; the request may go at the returned instant.
 */
export function reserveAll(limiters: Limiter[], nowMs: number): number {
  let at = nowMs;
  for (const limiter of limiters) at = Math.max(at, limiter.peek(nowMs));
  for (const limiter of limiters) limiter.reserve(at);
  return at;
}

/** What the engine asks of a budget: one bucket, or several that must all allow a request. */
export interface Limiter {
  readonly ratePerSec: number;
  readonly burst: number;
  peek(nowMs: number): number;
  reserve(nowMs: number): number;
  holdUntil(untilMs: number): void;
}

/** Several buckets as one (the target's declared budget and a campaign's own lower rate): each must allow a slot. */
export class LimiterChain implements Limiter {
  readonly ratePerSec: number;
  readonly burst: number;

  constructor(private readonly limiters: Limiter[]) {
    this.ratePerSec = Math.min(...limiters.map((limiter) => limiter.ratePerSec));
    this.burst = Math.min(...limiters.map((limiter) => limiter.burst));
  }

  peek(nowMs: number): number {
    return Math.max(...this.limiters.map((limiter) => limiter.peek(nowMs)));
  }

  reserve(nowMs: number): number {
    return reserveAll(this.limiters, nowMs);
  }

  holdUntil(untilMs: number): void {
    for (const limiter of this.limiters) limiter.holdUntil(untilMs);
  }
}
