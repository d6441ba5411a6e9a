// Leases, fencing, the shared bucket and the node registry against a real redis-server on loopback.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccountLeases,
  AttemptOutbox,
  ClusterBucket,
  ClusterSealer,
  NodeRegistry,
  openCluster,
  parseClusterUrl,
  type ClusterConnection,
  type NodeStatus,
} from '../../../electron/cluster';
import { systemLocalClock } from '../../../electron/clock';
import { startRedis, type RedisServer } from '../../helpers/redis-server';
import { strictBucketRefusals } from '../../helpers/strict-bucket';

let server: RedisServer;
const connections: ClusterConnection[] = [];
const sealer = new ClusterSealer(randomBytes(32));

beforeEach(async () => {
  server = await startRedis();
});
afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close();
  await server.close();
});

async function join(url = server.url, key = sealer): Promise<Redis> {
  const connection = await openCluster(parseClusterUrl(url), key);
  connections.push(connection);
  return connection.redis;
}

const TARGET = `
const stamps = [];
require('node:http').createServer((request, response) => {
  if (request.url === '/log') return response.end(JSON.stringify(stamps));
  stamps.push(Date.now());
  response.end('ok');
}).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port)); });`;

const status = (name: string, heartbeatMs: number): NodeStatus => ({
  name,
  heartbeatMs,
  startedAtMs: Date.now(),
  version: 'test',
  accountsHeld: 0,
  campaignId: null,
  clock: null,
  roundTripMs: null,
  shots: 0,
  successes: 0,
});

describe('joining a cluster', () => {
  it('refuses a node whose cluster key is not the cluster’s, and says why a server is unreachable', async () => {
    await join();
    await expect(join(server.url, new ClusterSealer(randomBytes(32)))).rejects.toMatchObject({
      code: 'CLUSTER_KEY_MISMATCH',
    });
    await expect(join('redis://127.0.0.1:1')).rejects.toMatchObject({ code: 'CLUSTER_UNREACHABLE' });
  });

  it('signs in as an ACL user with its password, and names a refused password', async () => {
    await server.close();
    server = await startRedis({
      args: ['--user', 'default', 'off', '--user', 'ops', 'on', '>s3cret', '~*', '&*', '+@all'],
    });
    await expect(join(server.url.replace('redis://', 'redis://ops:wrong@'))).rejects.toThrow(
      /the user or password was refused/,
    );
    const redis = await join(server.url.replace('redis://', 'redis://ops:s3cret@'));
    expect(await redis.ping()).toBe('PONG');
  });
});

describe('account leases', () => {
  it('gives each account to exactly one of several nodes asking at once', async () => {
    const nodes = await Promise.all(
      ['n1', 'n2', 'n3', 'n4'].map(async (nodeId) => {
        const redis = await join();
        return new AccountLeases(redis, { campaignId: 'c1', nodeId, ttlMs: 5_000, clock: systemLocalClock });
      }),
    );
    const accounts = Array.from({ length: 60 }, (_, i) => `a${i}`);
    const won = await Promise.all(nodes.map((leases) => Promise.all(accounts.map((id) => leases.acquire(id)))));
    for (let i = 0; i < accounts.length; i += 1) {
      const holders = won.map((list) => list[i]).filter((lease) => lease !== null);
      expect(holders).toHaveLength(1);
      expect(holders[0]!.fence).toBeGreaterThan(0);
    }
  });

  it('after a lapse, the next holder gets a greater fence; the old one can neither renew nor claim an outcome', async () => {
    const [one, two] = await Promise.all([join(), join()]);
    const first = new AccountLeases(one, { campaignId: 'c1', nodeId: 'n1', ttlMs: 150, clock: systemLocalClock });
    const second = new AccountLeases(two, { campaignId: 'c1', nodeId: 'n2', ttlMs: 5_000, clock: systemLocalClock });
    const held = (await first.acquire('a1'))!;
    expect(await second.acquire('a1')).toBeNull();
    expect(first.holds(held)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(first.holds(held)).toBe(false); // its own deadline passed: it has stopped driving the account
    const taken = (await second.acquire('a1'))!;
    expect(taken.fence).toBeGreaterThan(held.fence);
    expect(await first.renew(held)).toBe(false);
    expect(await second.holder('a1')).toEqual({ nodeId: 'n2', fence: taken.fence });

    // Both write the account's outcome: only the holder's goes in. The old holder's attempt (it fired inside its
    // lease) is still recorded, marked late.
    const nowMs = () => Date.now();
    const stale = new AttemptOutbox(one, { campaignId: 'c1', nodeId: 'n1', resendAfterMs: 10_000, nowMs });
    const current = new AttemptOutbox(two, { campaignId: 'c1', nodeId: 'n2', resendAfterMs: 10_000, nowMs });
    stale.push('a1', held.fence, { outcome: 'success' }, 'attempt');
    stale.push('a1', held.fence, { booked: true }, 'outcome');
    current.push('a1', taken.fence, { booked: false }, 'outcome');
    expect(await stale.flush()).toEqual({ sent: 1, refused: 1, failed: 0 });
    expect(stale.refused.map((entry) => entry.kind)).toEqual(['outcome']);
    expect(await current.flush()).toEqual({ sent: 1, refused: 0, failed: 0 });
    const inspector = server.client();
    const entries = await inspector.xrange('tminus:{c:c1}:attempts', '-', '+');
    const field = (fields: string[], name: string) => fields[fields.indexOf(name) + 1];
    expect(entries.map(([, fields]) => [field(fields, 'node'), field(fields, 'kind'), field(fields, 'late')])).toEqual([
      ['n1', 'attempt', '1'],
      ['n2', 'outcome', '0'],
    ]);
    await second.release(taken);
    expect(await second.holder('a1')).toBeNull();
  });
});

describe('fencing across a Redis restart', () => {
  it('still gives a greater fence after Redis comes back without its data', async () => {
    const redis = await join();
    const leases = new AccountLeases(redis, { campaignId: 'c1', nodeId: 'n1', ttlMs: 60_000, clock: systemLocalClock });
    const before = (await leases.acquire('a1'))!;
    await server.stop('SIGKILL');
    await server.start();
    const inspector = server.client();
    expect(await inspector.exists('tminus:{c:c1}:lease:a1', 'tminus:{c:c1}:fence:a1')).toBe(0); // nothing survived
    let after: Awaited<ReturnType<AccountLeases['acquire']>> = null;
    for (let i = 0; i < 100 && after === null; i += 1) {
      after = await leases.acquire('a1').catch(() => null);
      if (after === null) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(after!.fence).toBeGreaterThan(before.fence);
  });
});

describe('the shared token bucket', () => {
  // The target is a process of its own (its stamps are not held up by this test's event loop): it stamps each
  // arrival on the wall clock and hands the stamps back on GET /log.
  let target: ChildProcess;
  let port: number;
  beforeEach(async () => {
    target = spawn(process.execPath, ['-e', TARGET], { stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise<number>((resolve) =>
      target.stdout!.once('data', (chunk) => resolve(Number(String(chunk)))),
    );
  });
  afterEach(() => {
    target.kill();
  });

  it('holds three nodes together inside one declared rate and burst, counted where the requests arrive', async () => {
    const limit = { ratePerSec: 40, burst: 5 };
    const nodes = await Promise.all([join(), join(), join()]);
    const started = Date.now();
    const runForMs = 1_500;
    await Promise.all(
      nodes.map(async (redis) => {
        const bucket = new ClusterBucket(redis, 'shop', 'client', limit);
        // Four workers per node, each as greedy as it is allowed to be.
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (Date.now() - started < runForMs) {
              await bucket.take();
              await fetch(`http://127.0.0.1:${port}/book`).then((reply) => reply.text());
            }
          }),
        );
      }),
    );
    const arrivals = (await (await fetch(`http://127.0.0.1:${port}/log`)).json()) as number[];
    // Replayed through a strict token bucket of exactly the declared size, as the target keeps it: nothing refused.
    const refused = strictBucketRefusals(arrivals, limit);
    expect(refused).toBe(0);
    // And it was used, not starved: most of what the rate allows over the run.
    expect(arrivals.length).toBeGreaterThan(((limit.ratePerSec * runForMs) / 1_000) * 0.8);
  });

  it('pauses every node when one of them is told to wait (a client-scope 429)', async () => {
    const [one, two] = await Promise.all([join(), join()]);
    const limit = { ratePerSec: 100, burst: 10 };
    await new ClusterBucket(one, 'shop', 'client', limit).pauseAll(400);
    const waitMs = await new ClusterBucket(two, 'shop', 'client', limit).reserve();
    expect(waitMs).toBeGreaterThan(350);
    expect(waitMs).toBeLessThanOrEqual(400);
    // A wait longer than the caller will take books nothing.
    expect(await new ClusterBucket(two, 'shop', 'client', limit).reserve(1, 100)).toBeNull();
  });
});

describe('the node registry', () => {
  it('shows live nodes, marks one isolated after three missed heartbeats, and forgets one that leaves', async () => {
    const [a, b, c] = await Promise.all([join(), join(), join()]);
    const nodes = [new NodeRegistry(a, 'id-a'), new NodeRegistry(b, 'id-b'), new NodeRegistry(c, 'id-c')];
    nodes.forEach((node, index) => node.start(() => status(`node-${'abc'[index]}`, 200)));
    await expect
      .poll(async () => (await nodes[0]!.list()).map((n) => n.health), { timeout: 3_000 })
      .toEqual(['live', 'live', 'live']);
    nodes[1]!.stop(); // b falls silent (as a node whose machine slept)
    await new Promise((resolve) => setTimeout(resolve, 250));
    // Silent for at most one beat and 250 ms: fewer than three missed, not isolated yet.
    expect((await nodes[0]!.list()).find((n) => n.nodeId === 'id-b')!.health).toBe('live');
    await expect
      .poll(async () => (await nodes[0]!.list()).find((n) => n.nodeId === 'id-b')!.health, { timeout: 2_000 })
      .toBe('isolated');
    const isolated = (await nodes[0]!.list()).find((n) => n.nodeId === 'id-b')!;
    expect(isolated.lastSeenAgoMs).toBeGreaterThan(600);
    await nodes[2]!.leave();
    expect((await nodes[0]!.list()).map((n) => n.name)).toEqual(['node-a', 'node-b']);
    nodes[0]!.stop();
  });
});
