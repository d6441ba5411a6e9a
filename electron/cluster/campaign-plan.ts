// What a coordinator hands the nodes for one cluster campaign, in Redis: the plan (the campaign, its target's
// profile and its accounts with their secrets — sealed with the cluster key, so Redis never holds them in clear) and
// the deal (which node drives which accounts, with which share of the target's bucket). A node reads both each
// heartbeat; a share it has not driven yet is its to drive.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { CampaignSpecSchema, type CampaignSpec } from '../engine/campaign-spec';
import type { ClusterSealer } from './cluster-key';
import type { BucketShare } from './account-deal';
import { redisKeys } from './redis-keys';

/** Kept a week after a campaign, like its fences: a node that slept through it still finds that it ended. */
const PLAN_KEEP_MS = 7 * 24 * 3_600_000;

const PortableAccountSchema = z.object({
  username: z.string(),
  label: z.string(),
  password: z.string().nullable(),
  group: z.string(),
  priority: z.number(),
  tags: z.array(z.string()),
  fields: z.record(z.string(), z.string()),
  secretFields: z.record(z.string(), z.string()),
});

const PlanSchema = z.object({
  campaignId: z.string(),
  coordinatorId: z.string(),
  spec: CampaignSpecSchema,
  openAtServerMs: z.number(),
  /** The target's profile as the coordinator has it: nodes need not have it installed. */
  target: z.object({ id: z.string(), name: z.string(), profileText: z.string() }),
  /** Keyed by the coordinator's account id: the cluster's name for an account (its key and lease derive from it). */
  accounts: z.record(z.string(), PortableAccountSchema),
  leaseTtlMs: z.number().int().positive(),
});

export type CampaignPlan = z.infer<typeof PlanSchema> & { spec: CampaignSpec };

const ShareSchema = z.object({
  /** Unique within the campaign; a node drives each share once. */
  shareId: z.string(),
  accounts: z.array(z.string()),
  /** The accounts were another node's (isolated): each is settled before it is driven again. */
  takeover: z.boolean(),
  bucket: z.object({ ratePerSec: z.number(), burst: z.number().int() }),
});

export type DealtShare = z.infer<typeof ShareSchema> & { bucket: BucketShare };

/** running; ended (every account concluded, or the window over); cancelled (the operator stopped it: nodes stop). */
export type CampaignPhase = 'running' | 'ended' | 'cancelled';

const context = (campaignId: string): string => `plan:${campaignId}`;

/** Publishes the plan (sealed) and the first deal, and lists the campaign where nodes look. */
export async function publishPlan(
  redis: Redis,
  sealer: ClusterSealer,
  plan: CampaignPlan,
  deal: ReadonlyMap<string, DealtShare[]>,
): Promise<void> {
  const id = plan.campaignId;
  const multi = redis.multi();
  multi.set(redisKeys.plan(id), sealer.seal(JSON.stringify(plan), context(id)), 'PX', PLAN_KEEP_MS);
  for (const [nodeId, shares] of deal) multi.hset(redisKeys.deal(id), nodeId, JSON.stringify(shares));
  multi.pexpire(redisKeys.deal(id), PLAN_KEEP_MS);
  multi.set(redisKeys.phase(id), 'running', 'PX', PLAN_KEEP_MS);
  multi.sadd(redisKeys.campaigns, id);
  await multi.exec();
}

export async function readPlan(redis: Redis, sealer: ClusterSealer, campaignId: string): Promise<CampaignPlan | null> {
  const sealed = await redis.get(redisKeys.plan(campaignId));
  if (!sealed) return null;
  return PlanSchema.parse(JSON.parse(sealer.open(sealed, context(campaignId)))) as CampaignPlan;
}

/** Replaces one node's shares (the coordinator re-deals an isolated node's accounts by adding a takeover share). */
export async function writeShares(
  redis: Redis,
  campaignId: string,
  nodeId: string,
  shares: DealtShare[],
): Promise<void> {
  await redis.hset(redisKeys.deal(campaignId), nodeId, JSON.stringify(shares));
}

export async function readShares(redis: Redis, campaignId: string, nodeId: string): Promise<DealtShare[]> {
  const text = await redis.hget(redisKeys.deal(campaignId), nodeId);
  return text ? (z.array(ShareSchema).parse(JSON.parse(text)) as DealtShare[]) : [];
}

export async function readDeal(redis: Redis, campaignId: string): Promise<Map<string, DealtShare[]>> {
  const all = await redis.hgetall(redisKeys.deal(campaignId));
  return new Map(
    Object.entries(all).map(([nodeId, text]) => [nodeId, z.array(ShareSchema).parse(JSON.parse(text)) as DealtShare[]]),
  );
}

export async function campaignPhase(redis: Redis, campaignId: string): Promise<CampaignPhase | null> {
  const phase = await redis.get(redisKeys.phase(campaignId));
  return phase === 'running' || phase === 'ended' || phase === 'cancelled' ? phase : null;
}

export async function endCampaign(
  redis: Redis,
  campaignId: string,
  phase: Exclude<CampaignPhase, 'running'> = 'ended',
): Promise<void> {
  await redis
    .multi()
    .set(redisKeys.phase(campaignId), phase, 'PX', PLAN_KEEP_MS)
    .srem(redisKeys.campaigns, campaignId)
    .exec();
}

/** Campaigns being run now (a node looks for its shares in each). */
export async function runningCampaigns(redis: Redis): Promise<string[]> {
  return redis.smembers(redisKeys.campaigns);
}
