// A node's budget for a target shared through Redis (electron/cluster/shared-budget.ts): outside the open instant's
// window every node takes its tokens from the one Redis bucket (so a node with work uses what another leaves idle);
// inside it each node spends its own dealt share and the bucket grants nobody a slot. Judged where the requests
// arrive: a target in its own process stamps each one, and the stamps are replayed through a strict bucket of exactly
// the declared rate and burst.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterSealer, openCluster, parseClusterUrl, type ClusterConnection } from '../../../electron/cluster';
import { ClusterSharedBudget, openWindow } from '../../../electron/cluster/shared-budget';
import { systemLocalClock } from '../../../electron/clock';
import { TargetBudget } from '../../../electron/engine/target-budget';
import { startRedis, type RedisServer } from '../../helpers/redis-server';
import { strictBucketRefusals } from '../../helpers/strict-bucket';

const TARGET = `
const stamps = [];
require('node:http').createServer((request, response) => {
  if (request.url === '/log') return response.end(JSON.stringify(stamps));
  stamps.push({ at: Date.now(), who: request.url.slice(1) });
  response.end('ok');
}).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port)); });`;

interface Stamp {
  at: number;
  who: string;
}

let server: RedisServer;
let target: ChildProcess;
let port: number;
const connections: ClusterConnection[] = [];
const sealer = new ClusterSealer(randomBytes(32));
const clock = systemLocalClock;
const declared = { ratePerSec: 40, burst: 10 };

beforeEach(async () => {
  server = await startRedis();
  target = spawn(process.execPath, ['-e', TARGET], { stdio: ['ignore', 'pipe', 'inherit'] });
  port = await new Promise<number>((resolve) => target.stdout!.once('data', (chunk) => resolve(Number(String(chunk)))));
});
afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close();
  await server.close();
  target.kill();
});

/** A node: its own budget for the target at its dealt share (half the declared), shared with the cluster. */
async function node(name: string): Promise<{ budget: TargetBudget; shared: ClusterSharedBudget }> {
  const connection = await openCluster(parseClusterUrl(server.url), sealer);
  connections.push(connection);
  const shared = new ClusterSharedBudget(connection.redis, 'shop', declared, name, clock, () => clock.nowMs());
  const budget = new TargetBudget(declared.ratePerSec / 2, declared.burst / 2, clock);
  budget.shareWith(shared);
  return { budget, shared };
}

/** Four greedy workers on the node until `untilMs`, each request tagged with where its token came from. */
async function drive(name: string, budget: TargetBudget, untilMs: number): Promise<void> {
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (clock.nowMs() < untilMs) {
        await budget.take();
        if (clock.nowMs() >= untilMs) return;
        const where = budget.spendsLocally(clock.nowMs()) ? 'share' : 'redis';
        await fetch(`http://127.0.0.1:${port}/${name}-${where}`).then((reply) => reply.text());
      }
    }),
  );
}

const arrivals = async (): Promise<Stamp[]> => (await (await fetch(`http://127.0.0.1:${port}/log`)).json()) as Stamp[];

describe("a node's budget shared through Redis", () => {
  it('lends the budget one node leaves idle to another, and keeps two busy nodes inside the declared one', async () => {
    const [a, b] = await Promise.all([node('a'), node('b')]);
    const aloneMs = 1_500;
    await drive('a', a.budget, clock.nowMs() + aloneMs);
    const alone = (await arrivals()).length;
    // Its dealt share alone would allow 20/s and 5 at once (30 in the run at most); the shared bucket lends it most of
    // the declared 40/s.
    expect(alone).toBeGreaterThan((declared.ratePerSec / 2) * (aloneMs / 1_000) + declared.burst / 2 + 10);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the target's bucket fills up again
    const until = clock.nowMs() + 1_500;
    await Promise.all([drive('a', a.budget, until), drive('b', b.budget, until)]);
    const all = await arrivals();
    expect(all.length - alone).toBeGreaterThan(40); // both at work, neither starved
    expect(
      strictBucketRefusals(
        all.map((stamp) => stamp.at),
        declared,
      ),
    ).toBe(0);
  });

  it("keeps the Redis bucket out of the open instant's window, where each node spends its own share", async () => {
    const [a, b] = await Promise.all([node('a'), node('b')]);
    const openAtMs = clock.nowMs() + 1_500;
    const window = openWindow({ openAtServerMs: openAtMs, shots: 10, declared, leadMs: 300, reactMs: 800 });
    for (const { shared } of [a, b]) {
      shared.holdWindow('rush', window);
      await shared.publish();
    }
    const until = openAtMs + 2_500;
    await Promise.all([drive('a', a.budget, until), drive('b', b.budget, until)]);
    const all = await arrivals();
    const inWindow = all.filter((stamp) => stamp.at >= window.fromServerMs && stamp.at < window.untilServerMs);
    // Inside the window only the shares were spent; before and after it, only the Redis bucket.
    expect(inWindow.length).toBeGreaterThan(10);
    expect(inWindow.filter((stamp) => stamp.who.endsWith('-redis'))).toEqual([]);
    expect(all.filter((stamp) => stamp.who.endsWith('-redis')).length).toBeGreaterThan(60);
    // All of it together, counted as the target counts: nothing over the declared rate and burst.
    expect(
      strictBucketRefusals(
        all.map((stamp) => stamp.at),
        declared,
      ),
    ).toBe(0);
  });
});
