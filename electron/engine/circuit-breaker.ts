// One endpoint's breaker: open after `failures` failures within `windowMs`; after `openMs`, let one probe through
// (half-open); close on its success, open again on its failure.
export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private failureTimes: number[] = [];
  private openedAtMs = 0;
  private probing = false;
  state: BreakerState = 'closed';

  constructor(private readonly config: { failures: number; windowMs: number; openMs: number }) {}

  /** May a request go to this endpoint now? In half-open, only one probe at a time. */
  allows(nowMs: number): boolean {
    if (this.state === 'open' && nowMs - this.openedAtMs >= this.config.openMs) {
      this.state = 'half-open';
      this.probing = false;
    }
    if (this.state === 'closed') return true;
    if (this.state === 'half-open' && !this.probing) return true;
    return false;
  }

  /** Marks the request just allowed as the half-open probe. */
  onSend(): void {
    if (this.state === 'half-open') this.probing = true;
  }

  onSuccess(): void {
    this.state = 'closed';
    this.failureTimes = [];
    this.probing = false;
  }

  onFailure(nowMs: number): void {
    if (this.state === 'half-open') {
      this.trip(nowMs);
      return;
    }
    this.failureTimes = this.failureTimes.filter((at) => nowMs - at < this.config.windowMs);
    this.failureTimes.push(nowMs);
    if (this.failureTimes.length >= this.config.failures) this.trip(nowMs);
  }

  private trip(nowMs: number): void {
    this.state = 'open';
    this.openedAtMs = nowMs;
    this.probing = false;
    this.failureTimes = [];
  }
}
