// A token bucket as GCRA (the generic cell rate algorithm): rate r per second with burst b. `reserve` books the
// earliest instant a request may go and returns how long to wait for it — requests are spaced, never dropped, and
// the bucket is never exceeded, whatever the concurrency.
export class RateLimiter {
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

/** Reserves one slot in each limiter; the request may go at the latest of them. */
export function reserveAll(limiters: RateLimiter[], nowMs: number): number {
  let at = nowMs;
  for (const limiter of limiters) at = Math.max(at, limiter.reserve(nowMs));
  return at;
}
