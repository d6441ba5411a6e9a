// The simulator's two clocks. The *true* clock is this machine's (sub-millisecond, from performance.now); the *server*
// clock is what the booking service believes: true + skew + drift × elapsed. Tests drive a ManualTrueClock instead.
export interface TrueClock {
  nowMs(): number;
}

export const systemTrueClock: TrueClock = {
  nowMs: () => performance.timeOrigin + performance.now(),
};

export class ManualTrueClock implements TrueClock {
  constructor(private currentMs: number) {}
  nowMs(): number {
    return this.currentMs;
  }
  set(ms: number): void {
    this.currentMs = ms;
  }
  advance(ms: number): void {
    this.currentMs += ms;
  }
}

export class ServerClock {
  private readonly epochTrueMs: number;

  constructor(
    readonly trueClock: TrueClock,
    readonly skewMs: number,
    readonly driftPpm: number,
  ) {
    this.epochTrueMs = trueClock.nowMs();
  }

  /** Server time at a given true instant. */
  serverAt(trueMs: number): number {
    return trueMs + this.skewMs + ((trueMs - this.epochTrueMs) * this.driftPpm) / 1e6;
  }

  /** True instant at which the server clock reads `serverMs` (inverse of serverAt). */
  trueAt(serverMs: number): number {
    const k = this.driftPpm / 1e6;
    return (serverMs - this.skewMs + this.epochTrueMs * k) / (1 + k);
  }

  nowTrueMs(): number {
    return this.trueClock.nowMs();
  }

  nowServerMs(): number {
    return this.serverAt(this.trueClock.nowMs());
  }
}
