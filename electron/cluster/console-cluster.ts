// The cluster a console is in (`tminus serve --cluster`, the desktop app's --cluster, or joined from Settings): its
// membership, the shares it drives as a node, and the campaigns it coordinates. Joined at start or at run time,
// left from Settings (when nothing runs through it) or when the app closes.
import { hostname } from 'node:os';
import type { App } from '../app';
import { TminusError } from '../errors';
import type { ClusterStatusWire } from '../ipc/contract';
import { ClusterMembership } from './cluster-membership';
import { parseClusterUrl } from './cluster-url';
import { driveDealtShares } from './console-node';
import { CoordinatedCampaigns } from './coordinated-campaigns';
import type { NodeDriver, NodeDriverOptions } from './node-driver';

const HEARTBEAT_MS = 1_000;

interface Joined {
  member: ClusterMembership;
  driver: NodeDriver;
  coordinated: CoordinatedCampaigns;
}

export class ConsoleCluster {
  private joined: Joined | null = null;
  /** A join or a leave in progress: the next one waits (Settings may be clicked twice). */
  private changing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly app: () => App,
    private readonly dataDir: string,
    private readonly onShare?: NodeDriverOptions['onShare'],
  ) {}

  /** Takes a membership joined before the app opened; from now on the app drives its shares and leaves it. */
  attach(member: ClusterMembership): void {
    if (this.joined)
      throw new TminusError('CAMPAIGN_STATE', `already in the cluster at ${this.joined.member.connection.where}`);
    this.joined = {
      member,
      driver: driveDealtShares(member, this.app(), this.onShare),
      coordinated: new CoordinatedCampaigns(this.app, member),
    };
  }

  /** Joins with the cluster key in the data directory (Settings → Cluster); refused while already in one. */
  join(input: { url: string; name?: string }): Promise<void> {
    return this.serialised(async () => {
      if (this.joined)
        throw new TminusError(
          'CAMPAIGN_STATE',
          `already in the cluster at ${this.joined.member.connection.where}: leave it first`,
        );
      let url;
      try {
        url = parseClusterUrl(input.url.trim());
      } catch (error) {
        // Named as the form names it (the message never echoes the URL: it may hold a password).
        if (error instanceof TminusError)
          throw new TminusError(error.code, error.message.replace(/^--cluster:/, 'url:'));
        throw error;
      }
      const name = input.name?.trim() || hostname();
      const member = await ClusterMembership.join({ url, dataDir: this.dataDir, name, heartbeatMs: HEARTBEAT_MS });
      try {
        this.attach(member); // refused if a join begun at start finished meanwhile
      } catch (error) {
        await member.leave().catch(() => undefined);
        throw error;
      }
    });
  }

  /** Leaves, refused while this console coordinates a running campaign or drives a share of one. */
  leave(): Promise<void> {
    return this.serialised(async () => {
      const joined = this.joined;
      if (!joined) return;
      if (joined.coordinated.count > 0 || joined.driver.counters.accountsHeld > 0)
        throw new TminusError(
          'CAMPAIGN_STATE',
          'a cluster campaign runs through this console: cancel it or let it end before leaving the cluster',
        );
      this.joined = null;
      await joined.driver.stop();
      await joined.member.leave();
    });
  }

  /** The campaigns this console coordinates; refused when it is in no cluster. */
  coordinated(): CoordinatedCampaigns {
    if (!this.joined)
      throw new TminusError(
        'CLUSTER_NOT_JOINED',
        'this console has not joined a cluster: join one in Settings → Cluster (or start with --cluster URL)',
      );
    return this.joined.coordinated;
  }

  coordinates(campaignId: string): boolean {
    return this.joined?.coordinated.has(campaignId) ?? false;
  }

  async status(): Promise<ClusterStatusWire> {
    const member = this.joined?.member;
    if (!member) return { joined: false, where: null, nodeId: null, name: null, nodes: [], error: null };
    const base = { joined: true, where: member.connection.where, nodeId: member.nodeId, name: member.name };
    try {
      return { ...base, nodes: (await member.view()).nodes, error: null };
    } catch (error) {
      return { ...base, nodes: [], error: `${member.connection.where}: ${(error as Error).message}` };
    }
  }

  /** The app is closing: its coordinated campaigns are cancelled, its shares stopped (records sent), the cluster left. */
  async close(): Promise<void> {
    await this.changing.catch(() => undefined);
    const joined = this.joined;
    this.joined = null;
    if (!joined) return;
    await joined.coordinated.close();
    await joined.driver.stop().catch(() => undefined);
    await joined.member.leave().catch(() => undefined);
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.changing.catch(() => undefined).then(work);
    this.changing = next;
    return next;
  }
}
