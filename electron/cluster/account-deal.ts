// Sharing a campaign's accounts out among the live nodes, and the target's bucket with them. Pure functions: the
// coordinator calls them at arm and again when a node is isolated or joins (docs/cluster.md, "Dealing").
//
// A node near the target fires with a smaller round trip, which the clock bound and the fire precision pay for, so
// it is given more: a node's weight is the inverse of its measured round trip (a node not measured yet counts as the
// median of those that are). Then load: of two nodes with the same quota, the one holding fewer accounts (in other
// campaigns) is given the remainder first. A re-deal keeps every account on its node while that node is live and
// within its new quota, so only the accounts of an isolated node (and those over a shrunk quota) move.

export interface DealNode {
  nodeId: string;
  /** Its measured round trip to the target (ms); null while not measured. */
  roundTripMs: number | null;
  /** Accounts it holds in other campaigns now. */
  load: number;
}

/** The fastest round trip a weight is taken from: below it, loopback noise would decide. */
const MIN_ROUND_TRIP_MS = 1;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Splits `total` in proportion to `weights` (largest remainder; ties to `tieOrder`'s earlier index). */
export function apportion(total: number, weights: number[], tieOrder: number[] = weights.map((_, n) => n)): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`total: ${total} is not a count`);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0 || !(sum > 0)) return weights.map(() => 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const rank = new Map(tieOrder.map((index, position) => [index, position]));
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || rank.get(a.index)! - rank.get(b.index)!);
  for (const { index } of byRemainder) {
    if (left === 0) break;
    counts[index]! += 1;
    left -= 1;
  }
  return counts;
}

/** How many accounts each node should hold: by the inverse of its round trip, remainders to the less loaded. */
export function quotas(accountCount: number, nodes: DealNode[]): Map<string, number> {
  const measured = nodes.map((node) => node.roundTripMs).filter((rtt): rtt is number => rtt !== null && rtt >= 0);
  const fallback = measured.length > 0 ? median(measured) : 1;
  const weights = nodes.map((node) => 1 / Math.max(MIN_ROUND_TRIP_MS, node.roundTripMs ?? fallback));
  const tieOrder = nodes
    .map((node, index) => ({ index, load: node.load, id: node.nodeId }))
    .sort((a, b) => a.load - b.load || a.id.localeCompare(b.id))
    .map(({ index }) => index);
  const counts = apportion(accountCount, weights, tieOrder);
  return new Map(nodes.map((node, index) => [node.nodeId, counts[index]!]));
}

/**
 * Which live node drives each account. `previous` (account → node) is kept where its node is live and under its
 * quota; the other accounts go, in id order, to the node with the most room left.
 */
export function dealAccounts(
  accountIds: string[],
  liveNodes: DealNode[],
  previous: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  if (liveNodes.length === 0) throw new RangeError('no live node to deal accounts to');
  const ids = [...new Set(accountIds)].sort();
  const quota = quotas(ids.length, liveNodes);
  const held = new Map(liveNodes.map((node) => [node.nodeId, 0]));
  const deal = new Map<string, string>();
  const homeless: string[] = [];
  for (const accountId of ids) {
    const nodeId = previous.get(accountId);
    if (nodeId !== undefined && held.has(nodeId) && held.get(nodeId)! < quota.get(nodeId)!) {
      deal.set(accountId, nodeId);
      held.set(nodeId, held.get(nodeId)! + 1);
    } else homeless.push(accountId);
  }
  const order = liveNodes.map((node) => node.nodeId);
  for (const accountId of homeless) {
    let best = order[0]!;
    for (const nodeId of order) {
      const room = quota.get(nodeId)! - held.get(nodeId)!;
      if (room > quota.get(best)! - held.get(best)!) best = nodeId;
    }
    deal.set(accountId, best);
    held.set(best, held.get(best)! + 1);
  }
  return deal;
}

export interface BucketShare {
  ratePerSec: number;
  burst: number;
}

/**
 * Each node's share of the target's bucket for the open instant's first shots: rate and burst in proportion to the
 * accounts it drives. The shares never add up to more than the declared rate or burst (whole tokens of burst, by
 * largest remainder); a node driving nothing gets nothing.
 */
export function shareBucket(
  declared: BucketShare,
  accountsByNode: ReadonlyMap<string, number>,
): Map<string, BucketShare> {
  const nodeIds = [...accountsByNode.keys()].sort();
  const counts = nodeIds.map((nodeId) => Math.max(0, accountsByNode.get(nodeId)!));
  const total = counts.reduce((a, b) => a + b, 0);
  const bursts = apportion(Math.max(0, Math.floor(declared.burst)), counts);
  return new Map(
    nodeIds.map((nodeId, index) => [
      nodeId,
      { ratePerSec: total > 0 ? (declared.ratePerSec * counts[index]!) / total : 0, burst: bursts[index]! },
    ]),
  );
}
