// One campaign across three real `tminus node` processes, coordinated through a real redis-server, against the
// simulator in its own process — one node killed with SIGKILL as the first bookings are made. Judged from the
// server's side: every order it made is in the coordinator's record, no account booked twice, one key per account
// on the wire whichever node sent it, and every request of all nodes together inside the declared budget.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/app';
import {
  ClusterCoordinator,
  ClusterMembership,
  clusterKey,
  parseClusterUrl,
  readDeal,
  runningCampaigns,
  writeClusterKey,
  type OutcomeBody,
} from '../../../electron/cluster';
import { startRedis, type RedisServer } from '../../helpers/redis-server';
import { makeTempDir } from '../../helpers/temp-dir';
import { startNodeProcess } from '../../helpers/cluster-nodes';
import { CLI_SCRIPT, startExternalTarget, type ExternalTarget } from '../../helpers/external-target';
import { simulatorProfileText } from '../../helpers/simulator-profile';

const DECLARED = { ratePerSec: 40, burst: 30 };
let server: RedisServer | undefined;
let target: ExternalTarget | undefined;
let app: App | undefined;
const dirs: Array<{ dir: string; remove(): void }> = [];
const stops: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  await app?.close();
  await target?.stop();
  await server?.close();
  for (const dir of dirs.splice(0)) dir.remove();
  app = target = server = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function tempDir(): string {
  const dir = makeTempDir('tminus-cluster-campaign-');
  dirs.push(dir);
  return dir.dir;
}

async function startNode(url: string, key: string, name: string, log: string[]): Promise<ChildProcess> {
  const node = await startNodeProcess({ cliScript: CLI_SCRIPT, url, key, name, log });
  stops.push(() => node.stop());
  return node.child;
}

/** The arrivals replayed through a strict token bucket of exactly the declared size: how many it would refuse. */
function overBudget(stamps: number[], limit: { ratePerSec: number; burst: number }): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let tokens = limit.burst;
  let last = sorted[0] ?? 0;
  let refused = 0;
  for (const at of sorted) {
    tokens = Math.min(limit.burst, tokens + ((at - last) * limit.ratePerSec) / 1_000);
    last = at;
    if (tokens < 1) refused += 1;
    else tokens -= 1;
  }
  return refused;
}

describe('a campaign across three nodes', () => {
  it('books every order once, keeps it in one record and stays in budget when a node is killed -9 mid-rush', async () => {
    server = await startRedis();
    const coordinatorDir = tempDir();
    target = await startExternalTarget(
      coordinatorDir,
      {
        // Two per account: a second booking of one account would be made, and seen, rather than refused.
        items: [{ id: 'T1', name: 'T', stock: 120, opensAt: 'in 9s', perAccountLimit: 2 }],
        accounts: { count: 60 },
        nodes: {
          count: 3,
          latency: { baseMs: 30, jitterMs: 3 }, // the killed node's answers are still on their way back
          faults: { dropResponseRate: 0, errorRate: 0, resetRate: 0, hangRate: 0 },
        },
        idempotency: 'ignored', // a repeat books again: only the order lookup can settle what the dead node sent
        seed: 11,
      },
      'external',
      (text) =>
        text
          .replace('idempotencyKeyHonoured: true', 'idempotencyKeyHonoured: false')
          .replace(/targetRatePerSec: 400.*$/m, `targetRatePerSec: ${DECLARED.ratePerSec}`)
          .replace(/targetBurst: 400.*$/m, `targetBurst: ${DECLARED.burst}`),
    );
    expect(simulatorProfileText()).toMatch(/targetBurst: 400/); // the edits above took hold of the shipped profile

    const { key } = writeClusterKey(coordinatorDir);
    app = createApp({ dataDir: coordinatorDir });
    const { loadProfileFile } = await import('../../../electron/targets');
    const profile = loadProfileFile(target.profileFile);
    const { readFileSync } = await import('node:fs');
    app.targets.upsert(
      {
        id: profile.id,
        name: profile.name,
        profileText: readFileSync(target.profileFile, 'utf8'),
        profileFormat: 'yaml',
        builtin: false,
      },
      Date.now(),
    );
    expect(app.accounts.importCsv('external', readFileSync(target.accountsFile), { dryRun: false }).imported).toBe(60);

    const log: string[] = [];
    const nodes = [
      await startNode(server.url, key, 'a', log),
      await startNode(server.url, key, 'b', log),
      await startNode(server.url, key, 'c', log),
    ];
    const member = await ClusterMembership.join({
      url: parseClusterUrl(server.url),
      dataDir: coordinatorDir,
      name: 'coordinator',
      heartbeatMs: 200,
    });
    const events: string[] = [];
    const coordinator = new ClusterCoordinator(app, member, {
      leaseTtlMs: 1_500,
      onEvent: (line) => events.push(line),
    });
    const running = coordinator.run({
      name: 'cluster drill',
      target: 'external',
      item: 'T1',
      opensAt: target.openAtServerMs,
      accounts: { count: 60 },
      armLeadMs: 5_000,
      limits: { maxDurationMs: 12_000 },
    });

    // Node b dies as soon as the server books one of its accounts: that answer is still on its way back, so nothing
    // of it reaches the record, and only the taker's order lookup can tell that the account is booked.
    const redis = member.connection.redis;
    let campaignId: string | undefined;
    while (!(campaignId = (await runningCampaigns(redis))[0])) await sleep(20);
    const deal = await readDeal(redis, campaignId);
    const bNode = [...deal.keys()].find((nodeId) => nodeId.startsWith('b-'))!;
    const bUsernames = new Set(deal.get(bNode)![0]!.accounts.map((id) => app!.accounts.get(Number(id)).username));
    let bookedOfB = 0;
    while (bookedOfB === 0) {
      await sleep(2);
      bookedOfB = (await target.arrivals()).filter(
        (a) => a.route.endsWith('/book') && a.code === 'BOOKED' && bUsernames.has(a.account ?? ''),
      ).length;
    }
    nodes[1]!.kill('SIGKILL');
    const report = await running;
    await member.leave();

    const orders = await target.orders();
    const arrivals = await target.arrivals();
    const records = app.store.db
      .prepare(
        "SELECT account_id AS accountId, node_id AS nodeId, fence, body FROM cluster_records WHERE kind = 'outcome'",
      )
      .all() as Array<{ accountId: string; nodeId: string; fence: number; body: string }>;
    const context = JSON.stringify({ report, events, log: log.slice(-30) }, null, 1);

    // The dead node's accounts were taken over by the others, and every account concluded.
    expect(
      report.takeovers.map((takeover) => takeover.fromNodeId),
      context,
    ).toEqual([expect.stringMatching(/^b-[0-9a-f]{8}$/)]);
    expect(report.unknown, context).toBe(0);
    expect(report.accounts).toBe(60);

    // Every order the server made, once per account, is booked in the record under the same key.
    const perAccount = new Map<string, number>();
    for (const order of orders) perAccount.set(order.account, (perAccount.get(order.account) ?? 0) + 1);
    expect(
      [...perAccount.values()].filter((count) => count > 1),
      context,
    ).toEqual([]);
    expect(orders.length, context).toBe(60); // every account booked, across the kill
    expect(orders.filter((order) => bUsernames.has(order.account)).length).toBe(20); // b's too, once each
    const bookedKeys = new Set(
      records
        .map((row) => JSON.parse(row.body) as OutcomeBody)
        .filter((body) => body.state === 'booked')
        .map((body) => body.idempotencyKey),
    );
    expect(
      orders.filter((order) => !bookedKeys.has(order.idempotencyKey)),
      context,
    ).toEqual([]);
    expect(report.booked).toBe(orders.length);

    // One key per account on the wire, whichever node sent it: the key the cluster derives from the account.
    const usernames = new Map(app.accounts.list('external').map((account) => [account.username, account.id]));
    for (const arrival of arrivals.filter((a) => a.key && a.account))
      expect(arrival.key).toBe(
        clusterKey(
          { campaignId: report.campaignId, spec: { item: 'T1' } } as never,
          String(usernames.get(arrival.account!)),
        ),
      );

    // All nodes' requests together, as the server stamped them, fit the declared bucket.
    expect(
      overBudget(
        arrivals.filter((a) => !a.route.startsWith('/admin')).map((a) => a.trueMs),
        DECLARED,
      ),
      context,
    ).toBe(0);
    // Each live node drove a share, and the takers recorded the dead node's accounts.
    const byNode = new Set(records.map((row) => row.nodeId.replace(/-[0-9a-f]{8}$/, '')));
    expect([...byNode].sort()).toEqual(['a', 'c']);
  }, 90_000);
});
