// One token bucket for a target across every node (sign-ins, refreshes, polls, retries: all but the open instant's
// first shots, which each node takes from its own share). GCRA on Redis's clock, in one script: a taker is told the
// instant (on Redis's clock) its request may leave and how long to wait for it, and that slot is booked — no polling,
// no race between nodes. It spends less of a declared budget than one node does (../engine/target-budget.ts): 90% of
// the rate and half the burst. Slots are booked ahead by many takers on several machines, and a request that leaves
// late (a busy event loop, a slow timer) then reaches the target just before the next booked one: on a strict bucket of
// the declared size that pair looks like too many. Measured with 12 takers on 3 connections and the target's arrival
// stamps replayed through such a bucket (test/integration/cluster/redis-coordination.test.ts): with one token and 5%
// of slack, 1–5 refusals in two runs of three; half the burst absorbs lateness of burst/2 ÷ rate (62 ms at 40/s).
// A client-scope 429 seen by any node pauses every node until the wait it was given.
import type { Redis } from 'ioredis';
import { redisKeys } from './redis-keys';

// KEYS[3] holds each node's window around an open instant (field: node, value "start,end" on Redis's clock), when the
// nodes spend their own shares of the bucket (the first shots, and what answers them at once). The bucket keeps out
// of the windows' hull: a slot before it is granted only if the bucket has filled up again by its start; one that
// would not, and any asked for inside it, goes after its end, where the bucket counts as spent to the last token.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = 1000 / tonumber(ARGV[1])
local depth = tonumber(ARGV[2]) * interval
local n = tonumber(ARGV[3])
local maxWait = tonumber(ARGV[4])
local spentDepth = tonumber(ARGV[5])
local margin = tonumber(ARGV[6])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local from = math.max(now, paused)
local hullStart, hullEnd = nil, nil
for _, window in ipairs(redis.call('HVALS', KEYS[3])) do
  local s, e = string.match(window, '^([%d.-]+),([%d.-]+)$')
  s = tonumber(s) - margin
  e = tonumber(e) + margin
  if e > now then
    hullStart = hullStart and math.min(hullStart, s) or s
    hullEnd = hullEnd and math.max(hullEnd, e) or e
  end
end
if hullStart and from < hullEnd then
  local before = math.max(tat, from) + n * interval
  if from >= hullStart or before > hullStart then
    from = math.max(from, hullEnd)
    tat = math.max(tat, hullEnd + spentDepth)
  end
end
local newTat = math.max(tat, from) + n * interval
local at = math.max(from, newTat - depth)
if at - now > maxWait then return { 0, tostring(at - now) } end
redis.call('SET', KEYS[1], tostring(newTat), 'PX', math.ceil(newTat - now + depth + 1000))
return { 1, tostring(at - now) }`;

// A node's window (ms from now; Redis adds its own clock): replaces that node's earlier estimate.
const HOLD_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local startMs = now + tonumber(ARGV[2])
local endMs = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], string.format('%.1f,%.1f', startMs, endMs))
local keep = math.ceil(endMs - now) + 60000
if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
return 1`;

const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', ARGV[1] + 1000) end
return math.max(untilMs, current) - now`;

export const CLUSTER_RATE_MARGIN = 0.9;

/**
 * How far the bucket keeps out of each window beyond the node's own estimate of it: the nodes' estimates differ by
 * their clock bounds and by the time a call takes to reach Redis, and a request leaves a little after its slot.
 */
export const WINDOW_MARGIN_MS = 150;

export interface BucketLimit {
  ratePerSec: number;
  burst: number;
}

export class ClusterBucket {
  private readonly spent: BucketLimit;
  /** The declared bucket's depth (ms): after a window it counts as spent to the last token. */
  private readonly declaredDepthMs: number;
  /** How late after its slot a request may still leave (./take). */
  readonly lateLimitMs: number;

  /** The most tokens one booking may take together. */
  get largestTogether(): number {
    return this.spent.burst;
  }

  constructor(
    private readonly redis: Redis,
    private readonly targetId: string,
    private readonly scope: string,
    /** The target's declared limit. */
    declared: BucketLimit,
  ) {
    if (!(declared.ratePerSec > 0) || !(declared.burst >= 1))
      throw new RangeError(`bucket ${targetId}/${scope}: rate and burst must be positive`);
    this.spent = {
      ratePerSec: declared.ratePerSec * CLUSTER_RATE_MARGIN,
      burst: Math.max(1, Math.floor(declared.burst / 2)),
    };
    this.declaredDepthMs = (declared.burst * 1_000) / declared.ratePerSec;
    // Half of what the slack kept from the burst lasts: the rest is for the network's jitter on the way.
    this.lateLimitMs = Math.max(1, ((declared.burst - this.spent.burst) * 1_000) / declared.ratePerSec / 2);
  }

  /**
   * Books `n` tokens: how long to wait (ms) before sending, or null when that would be longer than `maxWaitMs`
   * (nothing is booked then).
   */
  async reserve(n = 1, maxWaitMs = 60_000): Promise<number | null> {
    const [granted, waitMs] = (await this.redis.eval(
      RESERVE,
      3,
      redisKeys.bucket(this.targetId, this.scope),
      redisKeys.pause(this.targetId),
      redisKeys.windows(this.targetId),
      this.spent.ratePerSec,
      this.spent.burst,
      n,
      maxWaitMs,
      this.declaredDepthMs,
      WINDOW_MARGIN_MS,
    )) as [number, string];
    return granted === 1 ? Math.max(0, Number(waitMs)) : null;
  }

  /**
   * Waits for `n` tokens and returns when the request may leave. A taker that wakes too late for its slot (more than
   * the slack kept from the declared burst lasts at the declared rate) books again rather than send: sent that late,
   * it would reach the target beside the next booked request.
   */
  async take(n = 1, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const askedAt = performance.now();
      const waitMs = await this.reserve(n);
      if (waitMs === null) {
        await sleep(1_000, signal);
        continue;
      }
      const slotAt = askedAt + waitMs; // never later than the slot: Redis read its clock after we asked
      await sleep(slotAt - performance.now(), signal);
      if (performance.now() - slotAt <= this.lateLimitMs) return;
    }
  }

  /**
   * This node spends its own share of the bucket from `startInMs` to `endInMs` from now (around an open instant): the
   * bucket grants nobody a slot in that window, and counts itself spent at its end. Replaces this node's earlier
   * estimate (its clock synced since).
   */
  async holdWindow(nodeId: string, startInMs: number, endInMs: number): Promise<void> {
    await this.redis.eval(HOLD_WINDOW, 1, redisKeys.windows(this.targetId), nodeId, startInMs, endInMs);
  }

  /** Every node's requests to the target wait `waitMs` from now (a client-scope 429's Retry-After). */
  async pauseAll(waitMs: number): Promise<number> {
    return pauseTarget(this.redis, this.targetId, waitMs);
  }
}

const PAUSED_FOR = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return math.max(0, tonumber(redis.call('GET', KEYS[1]) or '0') - now)`;

/** Every node's requests to the target wait `waitMs` from now, on Redis's clock; returns how long the pause lasts. */
export async function pauseTarget(redis: Redis, targetId: string, waitMs: number): Promise<number> {
  return Number(await redis.eval(PAUSE, 1, redisKeys.pause(targetId), Math.max(1, Math.ceil(waitMs))));
}

/** How long from now (ms) the cluster-wide pause of the target lasts; 0 when there is none. */
export async function targetPausedForMs(redis: Redis, targetId: string): Promise<number> {
  return Number(await redis.eval(PAUSED_FOR, 1, redisKeys.pause(targetId)));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
