// The cluster behind Redis Sentinel, against real servers (a master, its replica and a sentinel, all Debian's
// redis-server): the master is killed with SIGKILL mid-campaign, the sentinel promotes the replica, and the nodes —
// which know only the sentinel's address — follow it. Nothing recorded is lost or kept twice, and a lease taken after
// the failover out-ranks the one before it, whether or not the replica had received the old fence.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccountLeases,
  AttemptConsumer,
  AttemptOutbox,
  ClusterSealer,
  NodeRegistry,
  openCluster,
  parseClusterUrl,
  type ClusterConnection,
  type StreamRecord,
} from '../../../electron/cluster';
import { systemLocalClock } from '../../../electron/clock';
import { ClusterRecordsRepository, openStore, type Store } from '../../../electron/store';
import { startRedis, startSentinel, type RedisServer, type SentinelServer } from '../../helpers/redis-server';
import { makeTempDir } from '../../helpers/temp-dir';

const CAMPAIGN = 'c-sentinel';
const sealer = new ClusterSealer(randomBytes(32));
let master: RedisServer;
let replica: RedisServer;
let sentinel: SentinelServer;
let store: Store;
let records: ClusterRecordsRepository;
let removeDir: () => void;
const connections: ClusterConnection[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (
    !(await Promise.resolve()
      .then(condition)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

beforeEach(async () => {
  master = await startRedis();
  replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
  sentinel = await startSentinel({ masterPort: master.port });
  const replicaInfo = replica.client();
  await until(async () => /master_link_status:up/.test(await replicaInfo.info('replication')), 10_000, 'the replica');
  const watcher = sentinel.client();
  await until(
    async () => ((await watcher.call('SENTINEL', 'replicas', sentinel.masterName)) as unknown[]).length > 0,
    10_000,
    'the sentinel to see the replica',
  );
  const dir = makeTempDir('tminus-cluster-sentinel-');
  removeDir = dir.remove;
  store = openStore(dir.dir);
  records = new ClusterRecordsRepository(store.db);
}, 30_000);

afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close();
  await sentinel.close();
  await replica.close();
  await master.close();
  store.close();
  removeDir();
});

async function join(): Promise<ClusterConnection> {
  const connection = await openCluster(
    parseClusterUrl(`redis+sentinel://127.0.0.1:${sentinel.port}/${sentinel.masterName}`),
    sealer,
  );
  connections.push(connection);
  return connection;
}

describe('the cluster behind Redis Sentinel', () => {
  it('follows a failover: records all committed once, a later lease out-ranks the earlier, a stale outcome refused', async () => {
    const n1 = await join();
    const n2 = await join();
    const coordinator = await join();
    expect(n1.where).toBe(`redis+sentinel://127.0.0.1:${sentinel.port}/${sentinel.masterName}`);
    const registry = new NodeRegistry(n1.redis, 'n1-00000000');

    const ttlMs = 400;
    const leases1 = new AccountLeases(n1.redis, { campaignId: CAMPAIGN, nodeId: 'n1', ttlMs, clock: systemLocalClock });
    const leases2 = new AccountLeases(n2.redis, { campaignId: CAMPAIGN, nodeId: 'n2', ttlMs, clock: systemLocalClock });
    const before = await leases1.acquire('a1');
    expect(before).not.toBeNull();
    expect(await leases2.acquire('a1')).toBeNull(); // one holder at a time

    const outbox = new AttemptOutbox(n1.redis, {
      campaignId: CAMPAIGN,
      nodeId: 'n1',
      resendAfterMs: 500,
      nowMs: Date.now,
    });
    const consumer = new AttemptConsumer(coordinator.redis, {
      campaignId: CAMPAIGN,
      consumer: 'coordinator',
      commit: (batch: StreamRecord[]) => records.commit(batch.map((record) => ({ campaignId: CAMPAIGN, ...record }))),
    });
    consumer.start();
    for (let n = 1; n <= 100; n += 1) outbox.push('a1', before!.fence, { n });
    await outbox.flush();

    // The master dies; the sentinel promotes the replica; the nodes know only the sentinel.
    await master.stop('SIGKILL');
    await until(async () => (await sentinel.masterPort()) === replica.port, 15_000, 'the sentinel to fail over');
    for (let n = 101; n <= 200; n += 1) outbox.push('a1', before!.fence, { n });
    await until(
      async () => {
        await outbox.flush();
        return outbox.pending === 0;
      },
      15_000,
      'every record committed on the new master',
    );
    await consumer.stop();
    const kept = records.list(CAMPAIGN);
    expect(kept.map((row) => row.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    // The old lease lapses; another node takes the account on the new master with a greater fence.
    let after: Awaited<ReturnType<AccountLeases['acquire']>> = null;
    await until(
      async () => (after = await leases2.acquire('a1')) !== null,
      5_000,
      'the account to be taken over after the failover',
    );
    expect(after!.fence).toBeGreaterThan(before!.fence);
    // n1's conclusion under the old fence is a stale claim: refused, never retried.
    outbox.push('a1', before!.fence, { booked: true }, 'outcome');
    expect(await outbox.flush()).toMatchObject({ refused: 1, failed: 0 });

    // Everything else works on the new master too: the registry, through the same sentinel URL.
    await registry.beat({
      name: 'n1',
      heartbeatMs: 1_000,
      startedAtMs: Date.now(),
      version: 'test',
      accountsHeld: 0,
      campaignId: null,
      clock: null,
      roundTripMs: null,
      shots: 0,
      successes: 0,
    });
    expect((await registry.list()).map((node) => node.nodeId)).toEqual(['n1-00000000']);
  }, 60_000);
});
