// Every key Tminus writes in Redis, in one place. A campaign's keys share the hash tag `{c:ID}`, so on a Redis
// Cluster they live in one slot and its scripts (lease + fence + record) stay atomic; a target's bucket keys share
// `{t:ID}`, and the registry's keys `{nodes}` (its heartbeat script writes the set and the node's hash together).
export const PREFIX = 'tminus';

export const redisKeys = {
  keyCheck: `${PREFIX}:key-check`,
  /** Sorted set: node id → the Redis time (ms) of its latest heartbeat. */
  nodes: `${PREFIX}:{nodes}:all`,
  node: (nodeId: string) => `${PREFIX}:{nodes}:node:${nodeId}`,
  /** A target's shared token bucket (everything but the open instant's first shots). */
  bucket: (targetId: string, scope: string) => `${PREFIX}:bucket:{t:${targetId}}:${scope}`,
  /** A client-scope pause (429) every node honours: the Redis time (ms) until which nothing is sent. */
  pause: (targetId: string) => `${PREFIX}:bucket:{t:${targetId}}:paused-until`,
  /** Hash: node id → the window ("start,end", Redis time in ms) it spends its own share of the bucket in. */
  windows: (targetId: string) => `${PREFIX}:bucket:{t:${targetId}}:windows`,
  lease: (campaignId: string, accountId: string) => `${PREFIX}:{c:${campaignId}}:lease:${accountId}`,
  fence: (campaignId: string, accountId: string) => `${PREFIX}:{c:${campaignId}}:fence:${accountId}`,
  attempts: (campaignId: string) => `${PREFIX}:{c:${campaignId}}:attempts`,
  committed: (campaignId: string) => `${PREFIX}:{c:${campaignId}}:committed`,
  /** A cluster campaign's plan (sealed), its deal (node → shares) and its phase (running, ended). */
  plan: (campaignId: string) => `${PREFIX}:{c:${campaignId}}:plan`,
  deal: (campaignId: string) => `${PREFIX}:{c:${campaignId}}:deal`,
  phase: (campaignId: string) => `${PREFIX}:{c:${campaignId}}:phase`,
  /** Set: the campaigns a coordinator is running now (nodes look here for their shares). */
  campaigns: `${PREFIX}:{nodes}:campaigns`,
};
