// This machine's clock as Tminus reads it: epoch milliseconds with sub-millisecond resolution, monotonic within a
// process (performance.now), so an OS clock step during a campaign cannot move a fire instant. Tests pass their own.
export interface LocalClock {
  nowMs(): number;
}

export const systemLocalClock: LocalClock = {
  nowMs: () => performance.timeOrigin + performance.now(),
};
