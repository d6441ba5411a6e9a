// The campaign's one record across nodes, against a real redis-server: nodes append to the campaign's stream, the
// coordinator commits into a real SQLite file before acknowledging, and nothing is lost or kept twice when Redis is
// killed and comes back empty, when the coordinator dies between commit and acknowledgement, or when a node is cut off
// from Redis (a TCP proxy that drops its connection) and its lease passes to another node meanwhile.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccountLeases,
  AttemptConsumer,
  AttemptOutbox,
  ClusterSealer,
  openCluster,
  parseClusterUrl,
  type ClusterConnection,
  type StreamRecord,
} from '../../../electron/cluster';
import { systemLocalClock } from '../../../electron/clock';
import { ClusterRecordsRepository, openStore, type Store } from '../../../electron/store';
import { startRedis, type RedisServer } from '../../helpers/redis-server';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy';
import { makeTempDir } from '../../helpers/temp-dir';

const CAMPAIGN = 'c1';
const sealer = new ClusterSealer(randomBytes(32));
let server: RedisServer;
let store: Store;
let records: ClusterRecordsRepository;
let removeDir: () => void;
const connections: ClusterConnection[] = [];
const proxies: TcpProxy[] = [];

beforeEach(async () => {
  server = await startRedis();
  const dir = makeTempDir('tminus-cluster-record-');
  removeDir = dir.remove;
  store = openStore(dir.dir);
  records = new ClusterRecordsRepository(store.db);
});
afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close();
  for (const proxy of proxies.splice(0)) await proxy.close();
  await server.close();
  store.close();
  removeDir();
});

async function join(port = server.port): Promise<Redis> {
  const connection = await openCluster(parseClusterUrl(`redis://127.0.0.1:${port}`), sealer);
  connections.push(connection);
  return connection.redis;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The coordinator's commit: the batch into SQLite in one transaction. */
const commitToStore = (batch: StreamRecord[]): void => {
  records.commit(batch.map((record) => ({ campaignId: CAMPAIGN, ...record })));
};

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function expectEachOnce(nodes: string[], perNode: number): void {
  const kept = records.list(CAMPAIGN);
  expect(kept).toHaveLength(nodes.length * perNode);
  for (const nodeId of nodes) {
    const seqs = kept.filter((row) => row.nodeId === nodeId).map((row) => row.seq);
    expect(seqs).toEqual(Array.from({ length: perNode }, (_, i) => i + 1));
    for (const row of kept.filter((r) => r.nodeId === nodeId)) expect(row.body).toEqual({ node: nodeId, n: row.seq });
  }
}

describe('the campaign record across nodes', () => {
  it('loses nothing and keeps nothing twice when Redis is killed mid-campaign and comes back empty', async () => {
    const nodes = ['n1', 'n2', 'n3'];
    const perNode = 300;
    const outboxes = await Promise.all(
      nodes.map(
        async (nodeId) =>
          new AttemptOutbox(await join(), { campaignId: CAMPAIGN, nodeId, resendAfterMs: 400, nowMs: Date.now }),
      ),
    );
    const consumer = new AttemptConsumer(await join(), {
      campaignId: CAMPAIGN,
      consumer: 'coordinator',
      commit: commitToStore,
    });
    consumer.start();

    let failedFlushes = 0;
    const flushAll = async () => {
      for (const outbox of outboxes) failedFlushes += (await outbox.flush()).failed;
    };
    // Each node records an attempt every 2 ms and flushes every 20 ms; Redis is killed at a third of the way, with
    // records sent but not yet committed, and comes back (no persistence: empty) 500 ms later.
    for (let n = 1; n <= perNode; n += 1) {
      outboxes.forEach((outbox, i) => outbox.push(`a${i}`, 1, { node: nodes[i], n }));
      if (n % 10 === 0) await flushAll();
      if (n === 100) {
        await server.stop('SIGKILL');
        setTimeout(() => void server.start(), 500);
      }
      await sleep(2);
    }
    await until(
      async () => {
        await flushAll();
        return outboxes.every((outbox) => outbox.pending === 0);
      },
      15_000,
      'every node to see its records committed',
    );
    await consumer.stop();

    expect(failedFlushes).toBeGreaterThan(0); // Redis really was away while the nodes kept recording
    expectEachOnce(nodes, perNode);
    for (const outbox of outboxes) expect(outbox.committedSeq).toBe(perNode);
  });

  it('commits none twice when the coordinator dies between its commit and its acknowledgement', async () => {
    const outbox = new AttemptOutbox(await join(), {
      campaignId: CAMPAIGN,
      nodeId: 'n1',
      resendAfterMs: 60_000,
      nowMs: Date.now,
    });
    for (let n = 1; n <= 50; n += 1) outbox.push('a1', 1, { node: 'n1', n });
    expect(await outbox.flush()).toEqual({ sent: 50, refused: 0, failed: 0 });

    // The first coordinator commits the batch, then dies before it acknowledges anything.
    const dying = new AttemptConsumer(await join(), {
      campaignId: CAMPAIGN,
      consumer: 'coordinator',
      commit: (batch) => {
        commitToStore(batch);
        throw new Error('killed after commit');
      },
    });
    await expect(dying.pollOnce()).rejects.toThrow('killed after commit');
    expect(records.list(CAMPAIGN)).toHaveLength(50);
    const inspector = server.client();
    expect(((await inspector.xpending(`tminus:{c:${CAMPAIGN}}:attempts`, 'coordinator')) as [number])[0]).toBe(50);

    // Restarted, it reads its pending entries first: recognised from SQLite, not committed again, acknowledged.
    let committedAgain = 0;
    const restarted = new AttemptConsumer(await join(), {
      campaignId: CAMPAIGN,
      consumer: 'coordinator',
      committed: records.committedSeqs(CAMPAIGN),
      commit: (batch) => {
        committedAgain += batch.length;
        commitToStore(batch);
      },
    });
    expect(await restarted.pollOnce()).toBe(50);
    expect(committedAgain).toBe(0);
    expect(((await inspector.xpending(`tminus:{c:${CAMPAIGN}}:attempts`, 'coordinator')) as [number])[0]).toBe(0);
    expect(await inspector.xlen(`tminus:{c:${CAMPAIGN}}:attempts`)).toBe(0);
    await outbox.flush();
    expect(outbox.pending).toBe(0);
    expectEachOnce(['n1'], 50);
  });

  it('a node cut off from Redis stops at its lease deadline; its attempt is kept, marked late; its outcome is refused', async () => {
    const proxy = await startTcpProxy(server.port);
    proxies.push(proxy);
    const cutRedis = await join(proxy.port);
    const otherRedis = await join();
    const leaseOptions = { campaignId: CAMPAIGN, ttlMs: 400, clock: systemLocalClock };
    const cutLeases = new AccountLeases(cutRedis, { ...leaseOptions, nodeId: 'n1' });
    const otherLeases = new AccountLeases(otherRedis, { ...leaseOptions, nodeId: 'n2', ttlMs: 5_000 });
    const cutOutbox = new AttemptOutbox(cutRedis, {
      campaignId: CAMPAIGN,
      nodeId: 'n1',
      resendAfterMs: 60_000,
      nowMs: Date.now,
    });
    const otherOutbox = new AttemptOutbox(otherRedis, {
      campaignId: CAMPAIGN,
      nodeId: 'n2',
      resendAfterMs: 60_000,
      nowMs: Date.now,
    });

    const held = (await cutLeases.acquire('a1'))!;
    proxy.cut();
    await until(() => cutRedis.status !== 'ready', 2_000, 'the cut node to see its connection drop');
    // Cut off, it still fires inside its lease (its own deadline says so) and records what it did.
    expect(cutLeases.holds(held)).toBe(true);
    cutOutbox.push('a1', held.fence, { shot: 1 }, 'attempt');
    cutOutbox.push('a1', held.fence, { booked: true, orderId: 'o-1' }, 'outcome');
    expect(await cutOutbox.flush()).toEqual({ sent: 0, refused: 0, failed: 2 });
    await expect(cutLeases.renew(held)).rejects.toThrow();

    // Its lease lapses: it stops on its own clock; the other node takes the account over with a greater fence.
    await until(() => !cutLeases.holds(held), 1_000, 'the cut node to reach its lease deadline');
    let taken: Awaited<ReturnType<AccountLeases['acquire']>> = null;
    await until(async () => (taken = await otherLeases.acquire('a1')) !== null, 2_000, 'the lease to pass');
    expect(await otherLeases.holder('a1')).toEqual({ nodeId: 'n2', fence: taken!.fence });
    expect(taken!.fence).toBeGreaterThan(held.fence);
    otherOutbox.push('a1', taken!.fence, { settled: 'booked by n1, found by orderStatus' }, 'outcome');
    expect(await otherOutbox.flush()).toEqual({ sent: 1, refused: 0, failed: 0 });

    // Reconnected, the cut node flushes: its attempt goes in (late), its outcome is refused for good.
    proxy.restore();
    await until(async () => (await cutOutbox.flush()).failed === 0, 5_000, 'the cut node to reconnect');
    expect(cutOutbox.refused.map((entry) => entry.kind)).toEqual(['outcome']);
    expect(await cutLeases.renew(held)).toBe(false);

    const consumer = new AttemptConsumer(await join(), {
      campaignId: CAMPAIGN,
      consumer: 'coordinator',
      commit: commitToStore,
    });
    await consumer.pollOnce();
    const kept = records.list(CAMPAIGN).map(({ nodeId, kind, late, body }) => ({ nodeId, kind, late, body }));
    expect(kept).toEqual([
      { nodeId: 'n1', kind: 'attempt', late: true, body: { shot: 1 } },
      { nodeId: 'n2', kind: 'outcome', late: false, body: { settled: 'booked by n1, found by orderStatus' } },
    ]);
  });
});
