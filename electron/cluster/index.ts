// Several machines, one campaign: Tminus nodes coordinated through Redis (docs/cluster.md).
export { parseClusterUrl, describeClusterUrl, redisOptionsFor, type ClusterUrl } from './cluster-url';
export { ClusterSealer, loadClusterKey, writeClusterKey, CLUSTER_KEY_FILE } from './cluster-key';
export { openCluster, type ClusterConnection } from './cluster-connection';
export { NodeRegistry, MISSED_HEARTBEATS_TO_ISOLATE, type NodeStatus, type ClusterNodeView } from './node-registry';
export { AccountLeases, type ClusterLease } from './account-leases';
export { ClusterBucket, type BucketLimit } from './cluster-bucket';
export { AttemptOutbox, type FlushResult, type RecordKind } from './attempt-outbox';
export { AttemptConsumer, RECORD_GROUP, type StreamRecord } from './attempt-consumer';
export { SeqWatermarks } from './seq-watermarks';
export { apportion, dealAccounts, quotas, shareBucket, type BucketShare, type DealNode } from './account-deal';
export { NodeProbe, type NodeMeasure } from './node-probe';
export { ClusterMembership, type MembershipView } from './cluster-membership';
export {
  publishPlan,
  readPlan,
  readDeal,
  readShares,
  campaignPhase,
  runningCampaigns,
  type CampaignPlan,
  type DealtShare,
} from './campaign-plan';
export { driveShare, clusterKey, type AttemptBody, type OutcomeBody, type ShareReport } from './dealt-share';
export { NodeDriver } from './node-driver';
export { ClusterCoordinator, type ClusterCampaignReport, type NodeFigures } from './cluster-coordinator';
export { CoordinatedCampaigns } from './coordinated-campaigns';
export { ClusterPauseRelay } from './pause-relay';
export { driveDealtShares } from './console-node';
export { clusterSwitches, type ClusterSwitches } from './cluster-switches';
export { ConsoleCluster } from './console-cluster';
export type { NodeDriverOptions } from './node-driver';
