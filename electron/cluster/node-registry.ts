// Nodes of a cluster and their health. Each node heartbeats every `heartbeatMs`: its id goes into one sorted set
// scored by Redis's own clock (one clock for all nodes, whatever their offsets), its status into a hash. A node
// whose latest heartbeat is more than three heartbeats old is isolated: shown so, and given nothing new.
import type { Redis } from 'ioredis';
import { redisKeys } from './redis-keys';

export const MISSED_HEARTBEATS_TO_ISOLATE = 3;
/** Nodes silent for longer than this are dropped from the registry at the next heartbeat of any node. */
const FORGET_AFTER_MS = 24 * 3_600_000;

/** What a node says of itself with each heartbeat (the console's per-node row). */
export interface NodeStatus {
  name: string;
  heartbeatMs: number;
  startedAtMs: number;
  version: string;
  /** Accounts it holds leases on, per campaign. */
  accountsHeld: number;
  campaignId: string | null;
  clock: { offsetMs: number; boundMs: number } | null;
  roundTripMs: number | null;
  shots: number;
  successes: number;
  /** Records it keeps that the coordinator has not committed yet (absent from an older node). */
  pendingRecords?: number;
}

export interface ClusterNodeView extends NodeStatus {
  nodeId: string;
  lastSeenAgoMs: number;
  health: 'live' | 'isolated';
}

const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('HSET', KEYS[2], 'status', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
return now`;

const LIST = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return { now, redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES') }`;

export class NodeRegistry {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    readonly nodeId: string,
  ) {}

  /** One heartbeat: the Redis time it was taken at. */
  async beat(status: NodeStatus): Promise<number> {
    const at = await this.redis.eval(
      BEAT,
      2,
      redisKeys.nodes,
      redisKeys.node(this.nodeId),
      this.nodeId,
      JSON.stringify(status),
      FORGET_AFTER_MS,
    );
    return Number(at);
  }

  /** Heartbeats every `status().heartbeatMs` until stop(); a beat that fails (Redis away) is simply the next one. */
  start(status: () => NodeStatus): void {
    this.stop();
    const tick = (): void => {
      const current = status();
      void this.beat(current)
        .catch(() => undefined)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, current.heartbeatMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Leaves the cluster: stops heartbeating and removes this node at once (others need not wait three beats). */
  async leave(): Promise<void> {
    this.stop();
    await this.redis.multi().zrem(redisKeys.nodes, this.nodeId).del(redisKeys.node(this.nodeId)).exec();
  }

  async list(): Promise<ClusterNodeView[]> {
    const [now, flat] = (await this.redis.eval(LIST, 1, redisKeys.nodes)) as [number, string[]];
    const ids: Array<{ nodeId: string; lastSeen: number }> = [];
    for (let i = 0; i < flat.length; i += 2) ids.push({ nodeId: flat[i]!, lastSeen: Number(flat[i + 1]) });
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { nodeId } of ids) pipeline.hget(redisKeys.node(nodeId), 'status');
    const replies = (await pipeline.exec()) ?? [];
    const views: ClusterNodeView[] = [];
    ids.forEach(({ nodeId, lastSeen }, index) => {
      const text = replies[index]?.[1] as string | null | undefined;
      if (!text) return;
      const status = JSON.parse(text) as NodeStatus;
      const lastSeenAgoMs = Math.max(0, now - lastSeen);
      const health = lastSeenAgoMs > MISSED_HEARTBEATS_TO_ISOLATE * status.heartbeatMs ? 'isolated' : 'live';
      views.push({ ...status, nodeId, lastSeenAgoMs, health });
    });
    return views.sort((a, b) => a.name.localeCompare(b.name) || a.nodeId.localeCompare(b.nodeId));
  }
}
