// One campaign across three real `tminus node` processes, coordinated through a real redis-server, against the
// simulator in its own process — one node killed with SIGKILL as the first bookings are made. Judged from the
// server's side: every order it made is in the coordinator's record, no account booked twice, one key per account
// on the wire whichever node sent it, and every request of all nodes together inside the declared budget.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createApp, type App } from '../../../electron/app';
import { loadProfileFile } from '../../../electron/targets';
import {
  type ClusterCampaignReport,
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
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy';
import { strictBucketRefusals } from '../../helpers/strict-bucket';
import { CLI_SCRIPT, startExternalTarget, type ExternalTarget } from '../../helpers/external-target';
import type { ServerOrder } from '../../helpers/server-truth';
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
  // Heartbeats every 500 ms (isolated after 1.5 s, like the lease): three nodes, the simulator and this test share
  // two cores here, and a node arming can miss a beat of 200 ms.
  const node = await startNodeProcess({ cliScript: CLI_SCRIPT, url, key, name, log, heartbeatMs: 500 });
  stops.push(() => node.stop());
  return node.child;
}

interface Cluster {
  target: ExternalTarget;
  app: App;
  member: ClusterMembership;
  nodes: ChildProcess[];
  log: string[];
  events: string[];
  run: Promise<ClusterCampaignReport>;
  campaignId: () => Promise<string>;
  /** Between node b and Redis, when asked for. */
  proxy: TcpProxy | null;
}

/**
 * The simulator in its own process (3 nodes, 30 ms away, a repeat key booking again, two bookings allowed per
 * account so that a second one is made and seen), 60 accounts, 3 `tminus node` processes and an in-process
 * coordinator running the campaign with a 1.5 s lease.
 */
async function startCluster(options: { proxyForB?: boolean; keyHonoured?: boolean } = {}): Promise<Cluster> {
  server = await startRedis();
  const proxy = options.proxyForB ? await startTcpProxy(server.port) : null;
  if (proxy) stops.push(() => proxy.close());
  const coordinatorDir = tempDir();
  target = await startExternalTarget(
    coordinatorDir,
    {
      items: [{ id: 'T1', name: 'T', stock: 120, opensAt: 'in 15s', perAccountLimit: 2 }],
      accounts: { count: 60 },
      nodes: {
        count: 3,
        latency: { baseMs: 30, jitterMs: 3 }, // answers still on their way back at a kill
        faults: { dropResponseRate: 0, errorRate: 0, resetRate: 0, hangRate: 0 },
      },
      // A repeat books again (two per account are allowed): only the order lookup can settle what a node sent —
      // unless the key is honoured, when the taker's booking with the same key is the settlement.
      idempotency: options.keyHonoured ? 'honoured' : 'ignored',
      seed: 11,
    },
    'external',
    (text) =>
      text
        .replace('idempotencyKeyHonoured: true', `idempotencyKeyHonoured: ${options.keyHonoured ?? false}`)
        .replace(/targetRatePerSec: 400.*$/m, `targetRatePerSec: ${DECLARED.ratePerSec}`)
        .replace(/targetBurst: 400.*$/m, `targetBurst: ${DECLARED.burst}`),
  );
  expect(simulatorProfileText()).toMatch(/targetBurst: 400/); // the edits above took hold of the shipped profile
  const { key } = writeClusterKey(coordinatorDir);
  app = createApp({ dataDir: coordinatorDir });
  const profile = loadProfileFile(target.profileFile);
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
    await startNode(proxy ? `redis://127.0.0.1:${proxy.port}` : server.url, key, 'b', log),
    await startNode(server.url, key, 'c', log),
  ];
  const member = await ClusterMembership.join({
    url: parseClusterUrl(server.url),
    dataDir: coordinatorDir,
    name: 'coordinator',
    heartbeatMs: 500,
  });
  const events: string[] = [];
  const coordinator = new ClusterCoordinator(app, member, { leaseTtlMs: 1_500, onEvent: (line) => events.push(line) });
  const run = coordinator.run({
    name: 'cluster drill',
    target: 'external',
    item: 'T1',
    opensAt: target.openAtServerMs,
    accounts: { count: 60 },
    armLeadMs: 10_000,
    limits: { maxDurationMs: 12_000 },
  });
  run.catch(() => undefined); // awaited by the test; a failure must not go unhandled while it waits for the rush
  const campaignId = async (): Promise<string> => {
    let id: string | undefined;
    while (!(id = (await runningCampaigns(member.connection.redis))[0])) await sleep(20);
    return id;
  };
  return { target, app, member, nodes, log, events, run, campaignId, proxy };
}

interface Judged {
  orders: ServerOrder[];
  context: string;
}

/**
 * What the server says against what the coordinator recorded: no account booked twice, every order booked in the
 * record under its key, one key per account on the wire, all nodes' requests inside the declared bucket.
 */
async function judge(cluster: Cluster, report: ClusterCampaignReport): Promise<Judged> {
  const { app, target } = cluster;
  const orders = await target.orders();
  const arrivals = await target.arrivals();
  const records = app.store.db
    .prepare("SELECT body FROM cluster_records WHERE campaign_id = ? AND kind = 'outcome'")
    .all(report.campaignId) as Array<{ body: string }>;
  const context = JSON.stringify({ report, events: cluster.events, log: cluster.log.slice(-30) }, null, 1);
  expect(report.unknown, context).toBe(0);
  expect(report.accounts).toBe(60);
  const perAccount = new Map<string, number>();
  for (const order of orders) perAccount.set(order.account, (perAccount.get(order.account) ?? 0) + 1);
  expect(
    [...perAccount].filter(([, count]) => count > 1),
    context,
  ).toEqual([]);
  expect(orders.length, context).toBe(60); // every account booked once
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
  const usernames = new Map(app.accounts.list('external').map((account) => [account.username, account.id]));
  const plan = { campaignId: report.campaignId, spec: { item: 'T1' } } as never;
  for (const arrival of arrivals.filter((a) => a.key && a.account))
    expect(arrival.key).toBe(clusterKey(plan, String(usernames.get(arrival.account!))));
  const stamps = arrivals.filter((a) => !a.route.startsWith('/admin')).map((a) => a.trueMs);
  expect(strictBucketRefusals(stamps, DECLARED), context).toBe(0);
  return { orders, context };
}

const outcomeNodes = (app: App, campaignId: string): string[] => {
  const rows = app.store.db
    .prepare("SELECT DISTINCT node_id AS nodeId FROM cluster_records WHERE campaign_id = ? AND kind = 'outcome'")
    .all(campaignId) as Array<{ nodeId: string }>;
  return [...new Set(rows.map((row) => row.nodeId.replace(/-[0-9a-f]{8}$/, '')))].sort();
};

/**
 * Kills node b with SIGKILL as soon as the server books one of its accounts (that answer still on its way back) and
 * waits for the campaign's end: b's usernames and the coordinator's report.
 */
async function killBAtItsFirstBooking(
  cluster: Cluster,
): Promise<{ campaignId: string; bUsernames: Set<string>; report: ClusterCampaignReport }> {
  const campaignId = await cluster.campaignId();
  const deal = await readDeal(cluster.member.connection.redis, campaignId);
  const bNode = [...deal.keys()].find((nodeId) => nodeId.startsWith('b-'))!;
  const bUsernames = new Set(deal.get(bNode)![0]!.accounts.map((id) => cluster.app.accounts.get(Number(id)).username));
  let bookedOfB = 0;
  while (bookedOfB === 0) {
    await sleep(2);
    bookedOfB = (await cluster.target.arrivals()).filter(
      (a) => a.route.endsWith('/book') && a.code === 'BOOKED' && bUsernames.has(a.account ?? ''),
    ).length;
  }
  cluster.nodes[1]!.kill('SIGKILL');
  const report = await cluster.run;
  await cluster.member.leave();
  return { campaignId, bUsernames, report };
}

describe('a campaign across three nodes', () => {
  it('books every order once, keeps it in one record and stays in budget when a node is killed -9 mid-rush', async () => {
    const cluster = await startCluster();
    // Node b dies as soon as the server books one of its accounts: that answer is still on its way back, so nothing
    // of it reaches the record, and only the taker's order lookup can tell that the account is booked.
    const { campaignId, bUsernames, report } = await killBAtItsFirstBooking(cluster);

    const { orders, context } = await judge(cluster, report);
    expect(
      report.takeovers.map((takeover) => takeover.fromNodeId),
      context,
    ).toEqual([expect.stringMatching(/^b-[0-9a-f]{8}$/)]);
    expect(orders.filter((order) => bUsernames.has(order.account)).length).toBe(20); // b's too, once each
    expect(outcomeNodes(cluster.app, campaignId)).toEqual(['a', 'c']); // the takers concluded b's accounts
  }, 90_000);

  it('takes over a node killed -9 mid-rush by sending its bookings again with their keys, when the target honours them', async () => {
    const cluster = await startCluster({ keyHonoured: true });
    const { campaignId, bUsernames, report } = await killBAtItsFirstBooking(cluster);

    // Every order once (the target allows two per account: a new key would book again) and in the record, the ones
    // whose answers died with b included: the taker's replay of the key was answered with the order.
    const { orders, context } = await judge(cluster, report);
    expect(orders.filter((order) => bUsernames.has(order.account)).length).toBe(20);
    expect(outcomeNodes(cluster.app, campaignId)).toEqual(['a', 'c']);
    // No order lookup was needed: the bookings themselves settled b's accounts.
    const arrivals = await cluster.target.arrivals();
    expect(
      arrivals.filter((a) => a.route.includes('/orders/')),
      context,
    ).toEqual([]);
    const replays = arrivals.filter((a) => a.route.endsWith('/book') && bUsernames.has(a.account ?? ''));
    expect(new Set(replays.map((a) => a.key)).size, context).toBe(bUsernames.size); // one key per account
  }, 90_000);

  it('keeps firing inside the leases when Redis dies at the instant, takes over nothing, and loses no record', async () => {
    const cluster = await startCluster();
    const campaignId = await cluster.campaignId();
    // Redis is killed just before the instant and comes back empty 2.5 s later (past the 1.5 s leases): the nodes
    // fire what they hold, stop when their leases lapse, keep their records, and drive the rest once it is back.
    while (Date.now() < cluster.target.openAtServerMs - 300) await sleep(10);
    await server!.stop('SIGKILL');
    const downAt = Date.now();
    cluster.log.push(
      `${(downAt % 100_000) / 1000}s redis down; open ${(cluster.target.openAtServerMs % 100_000) / 1000}`,
    );
    await sleep(2_500);
    await server!.start();
    const report = await cluster.run;
    await cluster.member.leave();

    const { context } = await judge(cluster, report);
    expect(report.takeovers, context).toEqual([]); // every node was alive: none was taken for lost
    expect(outcomeNodes(cluster.app, campaignId)).toEqual(['a', 'b', 'c']);
    // The first shots left while Redis was away, inside the leases, and their records reached the coordinator.
    const booked = (await cluster.target.arrivals()).filter((a) => a.route.endsWith('/book') && a.code === 'BOOKED');
    expect(booked.filter((a) => a.trueMs > downAt && a.trueMs < downAt + 1_500).length, context).toBeGreaterThan(0);
    expect(cluster.events.join('\n')).toMatch(/Redis had lost the campaign/);
  }, 90_000);
  it('stops a node cut off from Redis when its leases lapse, hands its accounts on, and marks its records late', async () => {
    const cluster = await startCluster({ proxyForB: true });
    const campaignId = await cluster.campaignId();
    // Node b's Redis connection is cut just before the instant: it fires what it holds inside its leases, then
    // stops; it is isolated and its accounts go to a and c, settled by the lookup (b booked them).
    while (Date.now() < cluster.target.openAtServerMs - 300) await sleep(10);
    cluster.proxy!.cut();
    while (!cluster.events.some((line) => /isolated/.test(line))) await sleep(20);
    await sleep(2_000); // past b's leases: the takers hold them now
    cluster.proxy!.restore(); // b comes back and sends what it kept
    const report = await cluster.run;
    await cluster.member.leave();

    const { context } = await judge(cluster, report);
    expect(
      report.takeovers.map((takeover) => takeover.fromNodeId),
      context,
    ).toEqual([expect.stringMatching(/^b-[0-9a-f]{8}$/)]);
    expect(outcomeNodes(cluster.app, campaignId)).toEqual(['a', 'c']); // b's late claims refused
    const fromB = cluster.app.store.db
      .prepare("SELECT kind, late FROM cluster_records WHERE campaign_id = ? AND node_id LIKE 'b-%'")
      .all(campaignId) as Array<{ kind: string; late: number }>;
    // What b sent while cut off is kept, as facts recorded after the takeover.
    expect(fromB.length, context).toBeGreaterThan(0);
    expect(
      fromB.every((row) => row.kind === 'attempt' && row.late === 1),
      context,
    ).toBe(true);
  }, 90_000);
});
