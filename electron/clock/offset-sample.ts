// One exchange with a time source, reduced to what it proves: the offset (server − local) lies in [lowMs, highMs].
// A server stamp S taken at some local instant τ with t1 ≤ τ ≤ t4 gives S − t4 ≤ offset ≤ S − t1 (widened by the
// stamp's resolution). For NTP, T2 was stamped after t1 and T3 before t4: T3 − t4 ≤ offset ≤ T2 − t1.
export interface OffsetSample {
  /** Local send and receive instants. */
  t1Ms: number;
  t4Ms: number;
  lowMs: number;
  highMs: number;
}

export const sampleDelayMs = (sample: OffsetSample): number => sample.t4Ms - sample.t1Ms;
export const sampleOffsetMs = (sample: OffsetSample): number => (sample.lowMs + sample.highMs) / 2;

/** A server stamp with `resolutionMs` (1000 for an HTTP Date header: the true instant is within [S, S + 1000)). */
export function stampedSample(t1Ms: number, t4Ms: number, serverMs: number, resolutionMs: number): OffsetSample {
  return { t1Ms, t4Ms, lowMs: serverMs - t4Ms, highMs: serverMs + resolutionMs - t1Ms };
}

/** NTP's four timestamps. */
export function ntpSample(t1Ms: number, t2Ms: number, t3Ms: number, t4Ms: number): OffsetSample {
  return { t1Ms, t4Ms, lowMs: t3Ms - t4Ms, highMs: t2Ms - t1Ms };
}
