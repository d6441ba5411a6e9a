// This process as a member of a cluster: joined through its Redis with this machine's cluster key, heartbeating its
// status, and leaving at the end. `tminus node` and `tminus serve --cluster` are members; the console's Settings
// shows what a member sees (every node, live or isolated).
import { randomBytes } from 'node:crypto';
import { APP_VERSION } from '../platform/app-info';
import { ClusterSealer, loadClusterKey } from './cluster-key';
import { openCluster, type ClusterConnection } from './cluster-connection';
import type { ClusterUrl } from './cluster-url';
import { NodeRegistry, type ClusterNodeView, type NodeStatus } from './node-registry';
import type { NodeProbe } from './node-probe';

export type NodeActivity = Pick<NodeStatus, 'accountsHeld' | 'campaignId' | 'shots' | 'successes' | 'pendingRecords'>;

export interface MembershipView {
  where: string;
  nodeId: string;
  name: string;
  nodes: ClusterNodeView[];
}

export class ClusterMembership {
  private readonly startedAtMs = Date.now();
  /** What this node drives now (its dealt shares), for each heartbeat; none until a driver is attached. */
  private activity: () => NodeActivity = () => ({ accountsHeld: 0, campaignId: null, shots: 0, successes: 0 });

  private constructor(
    readonly connection: ClusterConnection,
    readonly registry: NodeRegistry,
    readonly name: string,
    private readonly heartbeatMs: number,
    private readonly probe: NodeProbe | null,
  ) {}

  /**
   * Joins with the cluster key in `dataDir` (refused without it, or with another). The node id is new for each run
   * (`NAME-8hex`): a restarted process is a new node, never taken for the one that died holding leases.
   */
  static async join(input: {
    url: ClusterUrl;
    dataDir: string;
    name: string;
    heartbeatMs: number;
    probe?: NodeProbe | null;
  }): Promise<ClusterMembership> {
    const sealer = new ClusterSealer(loadClusterKey(input.dataDir));
    const connection = await openCluster(input.url, sealer);
    const nodeId = `${input.name}-${randomBytes(4).toString('hex')}`;
    const membership = new ClusterMembership(
      connection,
      new NodeRegistry(connection.redis, nodeId),
      input.name,
      input.heartbeatMs,
      input.probe ?? null,
    );
    try {
      await membership.registry.beat(membership.status());
    } catch (error) {
      await connection.close();
      throw error;
    }
    membership.registry.start(() => membership.status());
    membership.probe?.start();
    return membership;
  }

  get nodeId(): string {
    return this.registry.nodeId;
  }

  /** Where each heartbeat reads what this node drives (./node-driver.ts). */
  reportActivity(activity: () => NodeActivity): void {
    this.activity = activity;
  }

  /** What goes out with each heartbeat. */
  status(): NodeStatus {
    return {
      name: this.name,
      heartbeatMs: this.heartbeatMs,
      startedAtMs: this.startedAtMs,
      version: APP_VERSION,
      clock: this.probe?.latest.clock ?? null,
      roundTripMs: this.probe?.latest.roundTripMs ?? null,
      ...this.activity(),
    };
  }

  async view(): Promise<MembershipView> {
    return { where: this.connection.where, nodeId: this.nodeId, name: this.name, nodes: await this.registry.list() };
  }

  /** Leaves at once (the others need not wait three heartbeats) and closes the connection. */
  async leave(): Promise<void> {
    await this.probe?.stop();
    await this.registry.leave().catch(() => undefined);
    await this.connection.close();
  }
}
