// The periodic, rate-limited health check: accounts whose last check is older than `checkEveryMs` get a keep-alive
// (refresh ahead of expiry, never a login or captcha), at most `maxPerTick` per tick so a big pool does not hammer
// the target.
import type { AccountsRepository } from '../store';
import type { LocalClock } from '../clock';
import type { SessionKeeper } from './session-keeper';

export interface HealthMonitorOptions {
  accounts: AccountsRepository;
  sessions: SessionKeeper;
  clock: LocalClock;
  targetIds: () => string[];
  tickMs?: number;
  checkEveryMs?: number;
  maxPerTick?: number;
}

export class HealthMonitor {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly options: HealthMonitorOptions) {}

  /** One round: returns what happened to each account checked. */
  async tick(): Promise<Array<{ accountId: number; result: string }>> {
    if (this.running) return [];
    this.running = true;
    try {
      const now = this.options.clock.nowMs();
      const results: Array<{ accountId: number; result: string }> = [];
      let budget = this.options.maxPerTick ?? 20;
      for (const targetId of this.options.targetIds()) {
        if (budget <= 0) break;
        const due = this.options.accounts.dueForCheck(targetId, now - (this.options.checkEveryMs ?? 300_000), budget);
        budget -= due.length;
        for (const accountId of due) {
          let result: string;
          try {
            result = await this.options.sessions.keepAlive(accountId);
          } catch (error) {
            result = `error: ${(error as Error).message}`;
          }
          this.options.accounts.markChecked(accountId, this.options.clock.nowMs());
          results.push({ accountId, result });
        }
      }
      return results;
    } finally {
      this.running = false;
    }
  }

  start(): void {
    if (this.timer) return;
    // A tick that fails (a disk that cannot take a write) is tried again next time; it never ends the process.
    this.timer = setInterval(() => void this.tick().catch(() => undefined), this.options.tickMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
