// Releases waiters at local instants with sub-millisecond precision: a coarse timer wakes the loop shortly before
// the earliest instant, then a short spin on the high-resolution clock releases every waiter that is due, in order,
// in one pass — so a thousand accounts due at one instant go out back to back.
//
// Just before the spin, in the same synchronous pass, each waiter due in the release may warm what its release will
// touch (`onWarm`: its checks and its connection's state, sending nothing): measured in `bench fire`, the first shot's
// write otherwise began 0.06–0.22 ms into the loop (0.01–0.07 with the warm-up), paying for code and data not touched
// since arming. Nothing else runs between the warm-up and the release (one synchronous pass). The spin is a function
// of its own, rehearsed while arming, so that V8 does not start compiling the releasing function at the instant.
//
// How shortly before is measured, not assumed: on a slow or loaded machine a timer wakes several milliseconds late,
// and a hand-off planned 3 ms ahead then starts the release late. The scheduler keeps the lateness of its own recent
// timers (and of a probe run while arming, ./campaign-runner.ts) and leads by the worst of them plus a margin.
import type { LocalClock } from '../clock';

/** The shortest and longest lead of the coarse timer over the instant (ms): the spin burns a core for that long. */
export const MIN_WAKE_LEAD_MS = 3;
export const MAX_WAKE_LEAD_MS = 25;
/** How many of the latest timer wake-ups the lead is taken from. */
const WAKE_SAMPLES = 32;
const WAKE_MARGIN_MS = 1;
/** Waiters due within this much of the release's instant go in the same loop (ms). */
const RELEASE_TOGETHER_MS = 0.05;

/** One release of the loop, as it went (the largest of a campaign is in its summary: fire.release). */
export interface ReleaseFigures {
  /** How many waiters it released together. */
  shots: number;
  /** How long before the first instant the coarse timer handed over to the spin (negative: it woke too late). */
  wokeBeforeMs: number;
  /** The lead it had planned (./wakeLeadMs). */
  wakeLeadMs: number;
  /** How late the loop began after the first instant (0 unless the timer woke too late). */
  startLateMs: number;
  /** From the loop's start to its last callback's return. */
  loopMs: number;
}

/** The warm-up ends this long before the instant at the latest (ms); it reads the clock before each waiter. */
const WARM_STOP_MS = 0.3;
/** How many 1 ms spins measureWake rehearses. */
const REHEARSED_SPINS = 8;

/**
 * The fine wait: reads the clock until `atMs` and returns the first reading at or past it. A function of its own, so
 * that the spin's loop makes only it hot (not the releasing function around it), and it is compiled while arming.
 */
function spinUntil(clock: LocalClock, atMs: number): number {
  let now = clock.nowMs();
  while (now < atMs) now = clock.nowMs();
  return now;
}

interface Waiter {
  atMs: number;
  resolve: () => void;
  onRelease: (() => void) | undefined;
  onWarm: (() => void) | undefined;
}

export class FireScheduler {
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private timerSetAtMs = 0;
  /** The largest release so far (most waiters together). */
  largestRelease: ReleaseFigures | null = null;
  private readonly wakeLateness: number[] = [];

  constructor(private readonly clock: LocalClock) {}

  /** How long before an instant the coarse timer hands over to the spin: its recent worst lateness + a margin. */
  get wakeLeadMs(): number {
    let worst = 0;
    for (const late of this.wakeLateness) if (late > worst) worst = late;
    return Math.min(MAX_WAKE_LEAD_MS, Math.max(MIN_WAKE_LEAD_MS, worst + WAKE_MARGIN_MS));
  }

  private noteWake(lateMs: number): void {
    this.wakeLateness.push(Math.max(0, lateMs));
    if (this.wakeLateness.length > WAKE_SAMPLES) this.wakeLateness.shift();
  }

  /**
   * Measures how late this machine's timers wake now: `samples` timers of `periodMs` each, one after another. Run
   * while arming, so that the lead of the release is this machine's, at this moment. Resolves with the lead.
   */
  async measureWake(samples = 16, periodMs = 5): Promise<number> {
    for (let n = 0; n < samples; n += 1) {
      const due = this.clock.nowMs() + periodMs;
      await new Promise<void>((resolve) => setTimeout(resolve, periodMs));
      this.noteWake(this.clock.nowMs() - due);
      // The fine wait rehearsed: V8 compiles the spin now (on a background thread, whose core matters little
      // here), not during a release (a 21 ms compile of the releasing function was seen to start at the instant).
      if (n < REHEARSED_SPINS) spinUntil(this.clock, this.clock.nowMs() + 1);
    }
    return this.wakeLeadMs;
  }

  /**
   * Resolves at `atMs` on the local clock (at once if it has passed). `onRelease`, when given, runs synchronously in
   * the releasing loop itself — before any promise continues — so that work which must happen at the instant (a
   * pre-written request going out) is not queued behind the continuations of everything released with it.
   * It is not called when the wait is cancelled. `onWarm`, when given, runs in the same pass just before the fine
   * wait that ends in this release: it must send nothing and change nothing the release depends on.
   */
  at(atMs: number, onRelease?: () => void, onWarm?: () => void): Promise<void> {
    return new Promise((resolve) => {
      const waiter = { atMs, resolve, onRelease, onWarm };
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
    const wakeAt = next.atMs - this.wakeLeadMs;
    if (this.timer && wakeAt >= this.timerAtMs) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.clock.nowMs();
    this.timerAtMs = wakeAt;
    this.timerSetAtMs = now;
    this.timer = setTimeout(() => this.release(), Math.max(0, wakeAt - now));
  }

  private release(): void {
    const wokeAt = this.clock.nowMs();
    // A timer asked for 0 ms (the instant was already near) says nothing about how late timers wake.
    if (this.timerAtMs > this.timerSetAtMs) this.noteWake(wokeAt - this.timerAtMs);
    this.timer = null;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    const next = this.waiters[0];
    if (!next) return;
    this.warm(next.atMs);
    // Spin only for the last few milliseconds (the coarse timer brought us here).
    const now = spinUntil(this.clock, next.atMs);
    let due = 0;
    while (due < this.waiters.length && this.waiters[due]!.atMs <= now + RELEASE_TOGETHER_MS) due += 1;
    const released = this.waiters.splice(0, due);
    for (const waiter of released) {
      try {
        waiter.onRelease?.();
      } catch {
        // a release callback's failure is its own; the others still go
      }
    }
    const endedAt = this.clock.nowMs();
    if (released.length >= (this.largestRelease?.shots ?? 1))
      this.largestRelease = {
        shots: released.length,
        wokeBeforeMs: next.atMs - wokeAt,
        wakeLeadMs: this.wakeLeadMs,
        startLateMs: Math.max(0, now - next.atMs),
        loopMs: endedAt - now,
      };
    for (const waiter of released) waiter.resolve();
    this.arm();
  }

  /**
   * The warm-up of the waiters due at `atMs`, in order, never at the release's cost: it stops WARM_STOP_MS before the
   * instant (a large burst on a slow machine may not be warmed to its end; the rest go as they would have).
   */
  private warm(atMs: number): void {
    const stopAt = atMs - WARM_STOP_MS;
    for (let n = 0; n < this.waiters.length && this.waiters[n]!.atMs <= atMs + RELEASE_TOGETHER_MS; n += 1) {
      if (this.clock.nowMs() >= stopAt) return;
      try {
        this.waiters[n]!.onWarm?.();
      } catch {
        // a warm-up that fails leaves its release as it would have been
      }
    }
  }

  cancelAll(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    const waiting = this.waiters.splice(0);
    for (const waiter of waiting) waiter.resolve();
  }
}
