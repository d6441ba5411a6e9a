// A console that joined a cluster (`tminus serve --cluster`, the desktop app with --cluster) is a node too: it drives
// the shares a coordinator deals it, and every heartbeat says what it holds. One start for both, and for `tminus node`.
import { systemLocalClock } from '../clock';
import type { ClusterMembership } from './cluster-membership';
import { NodeDriver, type NodeDriverOptions } from './node-driver';

export function driveDealtShares(
  membership: ClusterMembership,
  host: NodeDriverOptions['host'],
  onShare?: NodeDriverOptions['onShare'],
): NodeDriver {
  const driver = new NodeDriver({
    host,
    redis: membership.connection.redis,
    sealer: membership.connection.sealer,
    nodeId: membership.nodeId,
    clock: systemLocalClock,
    onShare,
  });
  membership.reportActivity(() => ({
    ...driver.counters,
    campaignId: driver.campaignId,
    pendingRecords: driver.pendingRecords,
  }));
  driver.start();
  return driver;
}
