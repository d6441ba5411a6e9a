// Exactly one node drives an account of a campaign: its lease is a Redis key taken with SET NX PX, and each taking
// advances the account's fencing token. Whatever a holder writes about the account afterwards (its attempts, its
// result) carries the token and is refused once another node has taken the account (./attempt-outbox.ts). A
// holder also stops on its own at its local deadline — measured from before it asked, so never later than Redis's
// expiry — whether or not Redis can still be reached.
import type { Redis } from 'ioredis';
import type { LocalClock } from '../clock/local-clock';
import { redisKeys } from './redis-keys';

/** Kept past the campaign so a late write from a node that slept through it is still refused. */
const FENCE_KEEP_MS = 7 * 24 * 3_600_000;

// The token is the larger of the last one + 1 and Redis's clock in microseconds, so it still grows after a Redis that
// restarted without its data (the counter gone): a holder from before the restart can never out-rank one after it.
// (Lua numbers are doubles: microseconds since 1970 stay exact integers until the year 2255.)
const ACQUIRE = `
local now = redis.call('TIME')
local previous = redis.call('GET', KEYS[2])
local fence = math.max(tonumber(previous or '0') + 1, tonumber(now[1]) * 1000000 + tonumber(now[2]))
if redis.call('SET', KEYS[1], ARGV[1] .. '|' .. string.format('%d', fence), 'NX', 'PX', ARGV[2]) then
  redis.call('SET', KEYS[2], string.format('%d', fence), 'PX', ARGV[3])
  return { string.format('%d', fence), previous and 1 or 0 }
end
return false`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface ClusterLease {
  campaignId: string;
  accountId: string;
  nodeId: string;
  /** The fencing token: strictly greater than every earlier holder's (also across a Redis restart). */
  fence: number;
  /** Local instant after which this node must not send anything more for the account. */
  deadlineLocalMs: number;
  /**
   * Redis had no fence for the account: never leased in this campaign — or Redis lost it (restarted empty, or a
   * failover to a replica that had not got it), so an earlier holder may still be inside its own deadline. A taker
   * waits one TTL before sending for such an account.
   */
  unrecorded: boolean;
}

export class AccountLeases {
  constructor(
    private readonly redis: Redis,
    private readonly options: { campaignId: string; nodeId: string; ttlMs: number; clock: LocalClock },
  ) {}

  private value(lease: ClusterLease): string {
    return `${lease.nodeId}|${lease.fence}`;
  }

  /** The account's lease for this node, or null while another node holds it. */
  async acquire(accountId: string): Promise<ClusterLease | null> {
    const { campaignId, nodeId, ttlMs, clock } = this.options;
    const askedAt = clock.nowMs();
    const reply = (await this.redis.eval(
      ACQUIRE,
      2,
      redisKeys.lease(campaignId, accountId),
      redisKeys.fence(campaignId, accountId),
      nodeId,
      ttlMs,
      FENCE_KEEP_MS,
    )) as [string, number] | null;
    if (reply === null) return null;
    const [fence, recorded] = reply;
    return {
      campaignId,
      accountId,
      nodeId,
      fence: Number(fence),
      deadlineLocalMs: askedAt + ttlMs,
      unrecorded: Number(recorded) !== 1,
    };
  }

  /** Extends the lease by the TTL from now; false when it has lapsed or been taken (then stop driving it). */
  async renew(lease: ClusterLease): Promise<boolean> {
    const askedAt = this.options.clock.nowMs();
    const ok = await this.redis.eval(
      RENEW,
      1,
      redisKeys.lease(lease.campaignId, lease.accountId),
      this.value(lease),
      this.options.ttlMs,
    );
    if (Number(ok) !== 1) return false;
    lease.deadlineLocalMs = askedAt + this.options.ttlMs;
    return true;
  }

  async release(lease: ClusterLease): Promise<void> {
    await this.redis.eval(RELEASE, 1, redisKeys.lease(lease.campaignId, lease.accountId), this.value(lease));
  }

  /** Who holds the account now (null: nobody; its lease lapsed or was never taken). */
  async holder(accountId: string): Promise<{ nodeId: string; fence: number } | null> {
    const value = await this.redis.get(redisKeys.lease(this.options.campaignId, accountId));
    if (!value) return null;
    const [nodeId, fence] = value.split('|');
    return { nodeId: nodeId!, fence: Number(fence) };
  }

  /** Whether this node may still send for the account (its own deadline; no Redis round trip). */
  holds(lease: ClusterLease): boolean {
    return this.options.clock.nowMs() < lease.deadlineLocalMs;
  }
}
