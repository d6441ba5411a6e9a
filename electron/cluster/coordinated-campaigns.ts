// The cluster campaigns this process coordinates (the console's "Run across the cluster", `tminus serve --cluster`):
// each runs in the background under its own ClusterCoordinator; the console opens the campaign as soon as its record
// exists and its plan is published, follows it like any other (timeline, attribution, exports), and cancels it here.
import type { App } from '../app';
import type { CampaignSpecInput } from '../engine';
import { TminusError } from '../errors';
import { ClusterCoordinator, type ClusterCampaignReport, type CoordinatorOptions } from './cluster-coordinator';
import type { ClusterMembership } from './cluster-membership';

interface Coordinated {
  coordinator: ClusterCoordinator;
  done: Promise<ClusterCampaignReport | null>;
}

export class CoordinatedCampaigns {
  private readonly running = new Map<string, Coordinated>();

  constructor(
    private readonly app: () => App,
    private readonly membership: ClusterMembership,
    private readonly options: CoordinatorOptions = {},
  ) {}

  /** Deals the campaign to the cluster's live nodes; returns its id once it is published (it runs on). */
  start(input: CampaignSpecInput): Promise<string> {
    const coordinator = new ClusterCoordinator(this.app(), this.membership, this.options);
    return new Promise<string>((resolve, reject) => {
      let started = false;
      const done = coordinator
        .run(input, (campaignId) => {
          started = true;
          this.running.set(campaignId, { coordinator, done });
          resolve(campaignId);
        })
        .catch((error: unknown) => {
          if (!started) reject(error as Error);
          else this.options.onEvent?.(`cluster campaign ${coordinator.campaignId}: ${(error as Error).message}`);
          return null;
        })
        .finally(() => {
          if (coordinator.campaignId) this.running.delete(coordinator.campaignId);
        });
    });
  }

  /** How many campaigns this process coordinates now. */
  get count(): number {
    return this.running.size;
  }

  has(campaignId: string): boolean {
    return this.running.has(campaignId);
  }

  /** Cancels it on every node; resolves when its coordinator has the records the nodes sent until they stopped. */
  async cancel(campaignId: string): Promise<void> {
    const found = this.running.get(campaignId);
    if (!found)
      throw new TminusError('CAMPAIGN_STATE', `campaign ${campaignId} is not coordinated by this process any more`);
    found.coordinator.cancel();
    await found.done;
  }

  /** Cancels every campaign still coordinated here (the process is closing). */
  async close(): Promise<void> {
    const all = [...this.running.values()];
    for (const { coordinator } of all) coordinator.cancel();
    await Promise.all(all.map(({ done }) => done));
  }
}
