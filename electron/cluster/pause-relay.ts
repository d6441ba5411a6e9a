// A client-scope 429 seen by one node pauses all: the node's budget for the target tells the relay of every pause its
// own answers caused, and the relay writes it to Redis (the target's pause key, on Redis's clock, the latest wins);
// each node's relay reads that key every poll and holds its own budget until the pause is over. The hot path does not
// wait for Redis: a pause reaches the other nodes within one poll (100 ms) and holds their next requests.
import type { Redis } from 'ioredis';
import type { LocalClock } from '../clock';
import type { TargetBudget } from '../engine/target-budget';
import { pauseTarget, targetPausedForMs } from './cluster-bucket';

export class ClusterPauseRelay {
  private readonly unsubscribe: () => void;
  /** Pauses heard here and not yet written (Redis away): written by the next poll. */
  private unsent: number | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly targetId: string,
    private readonly budget: TargetBudget,
    private readonly clock: LocalClock,
  ) {
    this.unsubscribe = budget.onPause((untilMs) => {
      this.unsent = Math.max(this.unsent ?? 0, untilMs);
      void this.publish().catch(() => undefined); // Redis away: the next poll writes it
    });
  }

  private async publish(): Promise<void> {
    const untilMs = this.unsent;
    if (untilMs === null) return;
    const waitMs = untilMs - this.clock.nowMs();
    if (waitMs > 0) await pauseTarget(this.redis, this.targetId, waitMs);
    if (this.unsent === untilMs) this.unsent = null;
  }

  /** Writes what is still unsent, then holds this node's budget for a pause another node wrote. */
  async poll(): Promise<void> {
    await this.publish();
    const pausedForMs = await targetPausedForMs(this.redis, this.targetId);
    if (pausedForMs > 0) this.budget.pauseUntil(this.clock.nowMs() + pausedForMs, 'cluster');
  }

  stop(): void {
    this.unsubscribe();
  }
}
