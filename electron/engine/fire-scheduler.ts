// Releases waiters at local instants with sub-millisecond precision: a coarse timer wakes the loop shortly before
// the earliest instant, then a short spin on the high-resolution clock releases every waiter that is due, in order,
// in one pass — so a thousand accounts due at one instant go out back to back.
import type { LocalClock } from '../clock';

interface Waiter {
  atMs: number;
  resolve: () => void;
  onRelease: (() => void) | undefined;
}

export class FireScheduler {
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAtMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: LocalClock,
    /** How long before an instant the coarse timer hands over to the spin. */
    private readonly spinMs = 3,
  ) {}

  /**
   * Resolves at `atMs` on the local clock (at once if it has passed). `onRelease`, when given, runs synchronously in
   * the releasing loop itself — before any promise continues — so that work which must happen at the instant (a
   * pre-written request going out) is not queued behind the continuations of everything released with it.
   * It is not called when the wait is cancelled.
   */
  at(atMs: number, onRelease?: () => void): Promise<void> {
    return new Promise((resolve) => {
      const waiter = { atMs, resolve, onRelease };
      const index = this.waiters.findIndex((other) => other.atMs > atMs);
      if (index < 0) this.waiters.push(waiter);
      else this.waiters.splice(index, 0, waiter);
      this.arm();
    });
  }

  get pending(): number {
    return this.waiters.length;
  }

  private arm(): void {
    const next = this.waiters[0];
    if (!next) return;
    const wakeAt = next.atMs - this.spinMs;
    if (this.timer && wakeAt >= this.timerAtMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAtMs = wakeAt;
    this.timer = setTimeout(() => this.release(), Math.max(0, wakeAt - this.clock.nowMs()));
  }

  private release(): void {
    this.timer = null;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    const next = this.waiters[0];
    if (!next) return;
    // Spin only for the last few milliseconds (the coarse timer brought us here).
    while (this.clock.nowMs() < next.atMs) {
      /* fine wait */
    }
    const now = this.clock.nowMs();
    let due = 0;
    while (due < this.waiters.length && this.waiters[due]!.atMs <= now + 0.05) due += 1;
    const released = this.waiters.splice(0, due);
    for (const waiter of released) {
      try {
        waiter.onRelease?.();
      } catch {
        // a release callback's failure is its own; the others still go
      }
    }
    for (const waiter of released) waiter.resolve();
    this.arm();
  }

  cancelAll(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    const waiting = this.waiters.splice(0);
    for (const waiter of waiting) waiter.resolve();
  }
}
