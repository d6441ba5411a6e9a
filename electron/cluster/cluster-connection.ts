// Opening the cluster's Redis: connect (ACL user/password, TLS), say plainly why not, and check that this machine's
// cluster key is the cluster's before anything else is done (the first node to join records the key's check).
import { Redis } from 'ioredis';
import { TminusError } from '../errors';
import type { ClusterSealer } from './cluster-key';
import { describeClusterUrl, redisOptionsFor, type ClusterUrl } from './cluster-url';
import { redisKeys } from './redis-keys';

export interface ClusterConnection {
  redis: Redis;
  /** Where it is, without the password. */
  where: string;
  /** Seals what crosses Redis with this machine's cluster key (the one the cluster checked). */
  sealer: ClusterSealer;
  close(): Promise<void>;
}

function reasonOf(error: Error): string {
  const message = error.message;
  if (/WRONGPASS|NOAUTH|invalid username-password/i.test(message)) return 'the user or password was refused';
  if (/NOPERM/i.test(message)) return "the user's ACL does not allow Tminus's commands";
  return message;
}

export async function openCluster(url: ClusterUrl, sealer: ClusterSealer): Promise<ClusterConnection> {
  const where = describeClusterUrl(url);
  const redis = new Redis(redisOptionsFor(url));
  // ioredis reports every reconnect failure as an 'error' event; the callers see failed commands instead.
  let lastError: Error | null = null;
  redis.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await redis.connect();
    await redis.set(redisKeys.keyCheck, sealer.keyCheck, 'NX');
    const check = await redis.get(redisKeys.keyCheck);
    if (check !== sealer.keyCheck)
      throw new TminusError(
        'CLUSTER_KEY_MISMATCH',
        `${where}: this machine's cluster key is not the cluster's (copy it with \`tminus cluster key --set KEY\`)`,
      );
  } catch (error) {
    redis.disconnect();
    if (error instanceof TminusError) throw error;
    throw new TminusError('CLUSTER_UNREACHABLE', `${where}: ${reasonOf((lastError ?? error) as Error)}`);
  }
  // A Redis that restarted without its data has forgotten the key check: the nodes already in put it back when they
  // reconnect, so a node with another key still cannot join afterwards.
  redis.on('ready', () => {
    redis.set(redisKeys.keyCheck, sealer.keyCheck, 'NX').catch(() => undefined);
  });
  return {
    redis,
    where,
    sealer,
    async close() {
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
