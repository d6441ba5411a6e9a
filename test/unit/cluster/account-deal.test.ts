import { describe, expect, it } from 'vitest';
import { apportion, dealAccounts, quotas, shareBucket, type DealNode } from '../../../electron/cluster';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `acct-${String(i).padStart(4, '0')}`);

function countByNode(deal: Map<string, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const nodeId of deal.values()) counts[nodeId] = (counts[nodeId] ?? 0) + 1;
  return counts;
}

/** A small seeded generator, so that the property checks below are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('dealing accounts to nodes', () => {
  it('gives a nearer node more, in inverse proportion to its round trip', () => {
    const nodes: DealNode[] = [
      { nodeId: 'near', roundTripMs: 5, load: 0 },
      { nodeId: 'far', roundTripMs: 20, load: 0 },
    ];
    expect(Object.fromEntries(quotas(900, nodes))).toEqual({ near: 720, far: 180 });
    expect(countByNode(dealAccounts(ids(900), nodes))).toEqual({ near: 720, far: 180 });
  });

  it('counts a node not measured yet as the median of the others, and gives remainders to the less loaded', () => {
    const nodes: DealNode[] = [
      { nodeId: 'a', roundTripMs: 10, load: 50 },
      { nodeId: 'b', roundTripMs: null, load: 0 },
      { nodeId: 'c', roundTripMs: 10, load: 0 },
    ];
    // Equal weights: 100 = 33 + 33 + 33 + 1, the one left over to a node with no load (b before c by id).
    expect(Object.fromEntries(quotas(100, nodes))).toEqual({ a: 33, b: 34, c: 33 });
  });

  it('moves only the isolated node’s accounts on a re-deal', () => {
    const three: DealNode[] = ['n1', 'n2', 'n3'].map((nodeId) => ({ nodeId, roundTripMs: 10, load: 0 }));
    const first = dealAccounts(ids(900), three);
    expect(countByNode(first)).toEqual({ n1: 300, n2: 300, n3: 300 });
    const second = dealAccounts(ids(900), three.slice(0, 2), first);
    expect(countByNode(second)).toEqual({ n1: 450, n2: 450 });
    const moved = [...second].filter(([account, nodeId]) => first.get(account) !== nodeId);
    expect(moved).toHaveLength(300);
    expect(moved.every(([account]) => first.get(account) === 'n3')).toBe(true);
  });

  it('deals every account exactly once to a live node, whatever the nodes (seeded random cases)', () => {
    const next = random(7);
    for (let trial = 0; trial < 200; trial += 1) {
      const nodeCount = 1 + Math.floor(next() * 6);
      const nodes: DealNode[] = Array.from({ length: nodeCount }, (_, n) => ({
        nodeId: `n${n}`,
        roundTripMs: next() < 0.2 ? null : next() * 80,
        load: Math.floor(next() * 100),
      }));
      const accounts = ids(Math.floor(next() * 400));
      const previous = new Map(accounts.map((id) => [id, `n${Math.floor(next() * 8)}`]));
      const deal = dealAccounts(accounts, nodes, previous);
      expect(deal.size).toBe(accounts.length);
      const live = new Set(nodes.map((node) => node.nodeId));
      expect([...deal.values()].every((nodeId) => live.has(nodeId))).toBe(true);
      const quota = quotas(accounts.length, nodes);
      for (const [nodeId, count] of Object.entries(countByNode(deal))) expect(count).toBe(quota.get(nodeId));
    }
  });

  it('refuses to deal to no node', () => {
    expect(() => dealAccounts(ids(3), [])).toThrow(/no live node/);
  });
});

describe('sharing the bucket for the open instant', () => {
  it('shares rate and burst in proportion to the accounts, never more than declared', () => {
    const shares = shareBucket(
      { ratePerSec: 40, burst: 20 },
      new Map([
        ['n1', 300],
        ['n2', 300],
        ['n3', 300],
      ]),
    );
    expect([...shares.values()].map((share) => share.burst).sort()).toEqual([6, 7, 7]);
    expect([...shares.values()].reduce((sum, share) => sum + share.ratePerSec, 0)).toBeCloseTo(40, 9);
  });

  it('adds up to at most the declared burst and rate in every case, and gives a node with no accounts nothing', () => {
    const next = random(11);
    for (let trial = 0; trial < 200; trial += 1) {
      const burst = Math.floor(next() * 50);
      const ratePerSec = next() * 100;
      const counts = new Map(
        Array.from({ length: 1 + Math.floor(next() * 5) }, (_, n) => [`n${n}`, Math.floor(next() * 50)]),
      );
      counts.set('idle', 0);
      const shares = shareBucket({ ratePerSec, burst }, counts);
      const values = [...shares.values()];
      expect(values.reduce((sum, share) => sum + share.burst, 0)).toBeLessThanOrEqual(burst);
      expect(values.reduce((sum, share) => sum + share.ratePerSec, 0)).toBeLessThanOrEqual(ratePerSec + 1e-9);
      expect(shares.get('idle')).toEqual({ ratePerSec: 0, burst: 0 });
    }
  });

  it('apportions exactly the total, by largest remainder', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(10, [1, 1, 1], [2, 1, 0])).toEqual([3, 3, 4]);
    expect(apportion(5, [0, 0])).toEqual([0, 0]);
    expect(() => apportion(-1, [1])).toThrow(RangeError);
  });
});
