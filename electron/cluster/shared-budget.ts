// A node's budget for a target, shared with every other node through the Redis bucket (./cluster-bucket.ts). Around
// each open instant the node drives a share of, it spends its own share of the bucket (dealt in proportion to its
// accounts: the first shots and what answers them at once never wait for Redis); it tells Redis that window each poll,
// on the target's clock as this node has synced it, and the bucket grants nobody a slot inside it. Everything else it
// sends the target — sign-ins, warm-ups, clock probes, retries, polls and lookups after the window — takes its token
// from the Redis bucket, so a node with work uses the budget another node leaves idle, and all of them together stay
// inside the declared one. Without Redis, nothing leaves outside a window: its tokens cannot be counted.
import type { LocalClock } from '../clock';
import { sleep } from '../engine/account-run';
import type { SharedBudget } from '../engine/target-budget';
import { ClusterBucket, type BucketLimit } from './cluster-bucket';
import type { Redis } from 'ioredis';

/** A window around one open instant, on the target's clock (ms). */
export interface OpenWindow {
  fromServerMs: number;
  untilServerMs: number;
}

/** How long a call to Redis may take before the node counts Redis as away (its booking, if any, is not used). */
const REDIS_TIMEOUT_MS = 1_000;
/** A signal that never aborts, for the waits of a caller that gave none. */
const NEVER = new AbortController().signal;
/** How often a node without Redis asks again. */
const RETRY_MS = 100;

/**
 * The window for a campaign's open instant: from `leadMs` before it until its first shots have all left at the
 * shares' rate (the shares add up to the declared rate; 5% is kept as a margin by every node's budget), and at least
 * `reactMs` after it for what answers them at once.
 */
export function openWindow(input: {
  openAtServerMs: number;
  shots: number;
  declared: BucketLimit;
  leadMs?: number;
  reactMs?: number;
}): OpenWindow {
  const spacedMs = (Math.max(0, input.shots - input.declared.burst) * 1_000) / (input.declared.ratePerSec * 0.95);
  return {
    fromServerMs: input.openAtServerMs - (input.leadMs ?? 500),
    untilServerMs: input.openAtServerMs + Math.max(input.reactMs ?? 2_000, spacedMs + 500),
  };
}

export class ClusterSharedBudget implements SharedBudget {
  private readonly bucket: ClusterBucket;
  private readonly windows = new Map<string, OpenWindow>();
  readonly lateLimitMs: number;
  readonly largestTogether: number;

  constructor(
    redis: Redis,
    private readonly targetId: string,
    declared: BucketLimit,
    private readonly nodeId: string,
    private readonly clock: LocalClock,
    /** The target's time now, as this node has synced its clock to it. */
    private readonly serverNowMs: () => number,
  ) {
    this.bucket = new ClusterBucket(redis, targetId, 'client', declared);
    this.lateLimitMs = this.bucket.lateLimitMs;
    this.largestTogether = this.bucket.largestTogether;
  }

  /** The node drives a share of `campaignId`: its window is spent locally (replaces an earlier one of it). */
  holdWindow(campaignId: string, window: OpenWindow): void {
    this.windows.set(campaignId, window);
  }

  releaseWindow(campaignId: string): void {
    this.windows.delete(campaignId);
  }

  get windowCount(): number {
    return this.windows.size;
  }

  /**
   * The target's clock minus the local one, as read at the last poll: asking the engine costs a profile lookup, too
   * much for every request's turn, and the estimate moves only when the clock is synced.
   */
  private offsetMs: number | null = null;

  private serverNow(localMs = this.clock.nowMs()): number {
    this.offsetMs ??= this.serverNowMs() - this.clock.nowMs();
    return localMs + this.offsetMs;
  }

  /** Writes this node's windows to Redis, on the clock it has now (called each poll; the latest estimate wins). */
  async publish(): Promise<void> {
    this.offsetMs = this.serverNowMs() - this.clock.nowMs();
    const serverNow = this.serverNow();
    let from = Infinity;
    let until = -Infinity;
    for (const window of this.windows.values()) {
      if (window.untilServerMs <= serverNow) continue;
      from = Math.min(from, window.fromServerMs);
      until = Math.max(until, window.untilServerMs);
    }
    if (until === -Infinity) return;
    await this.bucket.holdWindow(this.nodeId, from - serverNow, until - serverNow);
  }

  spendsLocally(localMs: number): boolean {
    const serverMs = this.serverNow(localMs);
    for (const window of this.windows.values())
      if (serverMs >= window.fromServerMs && serverMs < window.untilServerMs) return true;
    return false;
  }

  /** Local ms from now to the start of the next window that has not begun; Infinity when none. */
  private msToNextWindow(): number {
    const serverNow = this.serverNow();
    let next = Infinity;
    for (const window of this.windows.values())
      if (window.fromServerMs > serverNow) next = Math.min(next, window.fromServerMs - serverNow);
    return next;
  }

  async take(n: number, signal?: AbortSignal): Promise<number | null> {
    // Asked from inside a window (a local slot would have fallen past its end): the bucket's slot after it is waited
    // for. Asked before one: given up when it begins, for the node's own share.
    const inside = this.spendsLocally(this.clock.nowMs());
    for (;;) {
      if (signal?.aborted) return null;
      const toWindowMs = this.msToNextWindow();
      const askedAt = this.clock.nowMs();
      // A slot after the next window's start is not booked (null): by then the node spends its own share.
      const waitMs = await withTimeout(this.bucket.reserve(n, Math.min(60_000, toWindowMs)), REDIS_TIMEOUT_MS).catch(
        () => undefined, // Redis away or too slow: asked again; nothing leaves meanwhile
      );
      if (typeof waitMs === 'number') return askedAt + waitMs; // never later than the slot: Redis read its clock after
      await sleep(Math.min(toWindowMs, waitMs === null ? 1_000 : RETRY_MS), signal ?? NEVER);
      if (!inside && this.spendsLocally(this.clock.nowMs())) return null;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}
