// This machine's clock as Tminus reads it: epoch milliseconds with sub-millisecond resolution, monotonic within a
// process (performance.now), so an OS clock step during a campaign cannot move a fire instant. Tests pass their own.
export interface LocalClock {
  nowMs(): number;
}

// `performance.timeOrigin` is fixed for the process, and reading it goes through a checked getter each time: read
// once, so that a clock read in the release loop (one per shot) is one call to performance.now().
const timeOrigin = performance.timeOrigin;

export const systemLocalClock: LocalClock = {
  nowMs: () => timeOrigin + performance.now(),
};
