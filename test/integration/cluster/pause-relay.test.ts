// A client-scope 429 seen by one node pauses all (docs/cluster.md, One budget): node A's budget for the target is
// paused the way the engine pauses it on such an answer (react → onClientLimit → pauseUntil); node B, on another
// Redis connection, holds its own budget for the same target within a poll and sends nothing before the pause ends.
// A pause a node heard from the cluster is applied, not written back; a target's pause does not hold another target.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ClusterPauseRelay } from '../../../electron/cluster';
import { TargetBudget } from '../../../electron/engine/target-budget';
import { systemLocalClock } from '../../../electron/clock';
import { startRedis, type RedisServer } from '../../helpers/redis-server';

let server: RedisServer;
const clients: Redis[] = [];
const relays: ClusterPauseRelay[] = [];

beforeEach(async () => {
  server = await startRedis();
});

afterEach(async () => {
  for (const relay of relays.splice(0)) relay.stop();
  for (const client of clients.splice(0)) client.disconnect();
  await server.close();
});

function node(targetId: string): { budget: TargetBudget; relay: ClusterPauseRelay; told: number[] } {
  const client = server.client();
  client.on('error', () => undefined); // Redis stopped on purpose below
  clients.push(client);
  const budget = new TargetBudget(40, 30, systemLocalClock);
  const relay = new ClusterPauseRelay(client, targetId, budget, systemLocalClock);
  relays.push(relay);
  const told: number[] = [];
  budget.onPause((untilMs) => told.push(untilMs));
  return { budget, relay, told };
}

describe('a client-scope pause across nodes', () => {
  it("holds every node's budget for the target until the Retry-After one node was given has passed", async () => {
    const a = node('shop');
    const b = node('shop');
    const elsewhere = node('another-shop');
    const pausedUntil = systemLocalClock.nowMs() + 1_500; // a 429 with Retry-After: 1.5 s, scope client
    a.budget.pauseUntil(pausedUntil);
    await expect
      .poll(
        async () => {
          await b.relay.poll();
          return b.budget.pausedUntilMs;
        },
        { interval: 100, timeout: 3_000 },
      )
      .toBeGreaterThan(0);
    // Redis's clock and this one are the same machine's here: the pause ends at the same instant, to a few ms.
    expect(Math.abs(b.budget.pausedUntilMs - pausedUntil)).toBeLessThan(50);
    // B's next request waits for it.
    await b.budget.take();
    expect(systemLocalClock.nowMs()).toBeGreaterThanOrEqual(pausedUntil - 50);
    // Heard from the cluster: applied at B, not told on (B's own answers did not cause it).
    expect(b.told).toEqual([]);
    expect(a.told).toEqual([pausedUntil]);
    await elsewhere.relay.poll();
    expect(elsewhere.budget.pausedUntilMs).toBe(0);
  });

  it('writes a pause heard while Redis was away at the next poll', async () => {
    const a = node('shop');
    const b = node('shop');
    await server.stop();
    a.budget.pauseUntil(systemLocalClock.nowMs() + 3_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.start();
    await expect
      .poll(
        async () => {
          await a.relay.poll().catch(() => undefined);
          await b.relay.poll().catch(() => undefined);
          return b.budget.pausedUntilMs;
        },
        { interval: 100, timeout: 10_000 },
      )
      .toBeGreaterThan(0);
  });
});
