// Reduces a burst of samples from one source to an offset with an error bound. NTP's clock filter keeps the
// lowest-delay samples because queueing adds delay and asymmetry; we go one step further and intersect what the kept
// samples prove (each offset interval is certain if the server's stamps are honest), so the lowest lower bound and
// the lowest upper bound can come from different samples. offset = midpoint, bound = half-width.
import { sampleDelayMs, sampleOffsetMs, type OffsetSample } from './offset-sample';

export interface BurstEstimate {
  offsetMs: number;
  boundMs: number;
  /** The lowest round-trip delay seen. */
  delayMs: number;
  /** The median round trip of the kept samples: the typical one, for timing requests to arrive on time. */
  medianDelayMs: number;
  /** Local instant the estimate refers to (midpoint of the kept samples). */
  atLocalMs: number;
  samplesUsed: number;
  samplesTotal: number;
}

/** Samples slower than this multiple of the fastest one (plus 1 ms) are congestion: dropped before intersecting. */
const DELAY_SPIKE_FACTOR = 3;

export function filterBurst(samples: OffsetSample[]): BurstEstimate {
  if (samples.length === 0) throw new Error('a burst needs at least one sample');
  const minDelay = Math.min(...samples.map(sampleDelayMs));
  const kept = samples.filter((sample) => sampleDelayMs(sample) <= minDelay * DELAY_SPIKE_FACTOR + 1);
  let low = Math.max(...kept.map((sample) => sample.lowMs));
  let high = Math.min(...kept.map((sample) => sample.highMs));
  if (low > high) {
    // The samples contradict each other (a server stamp that is not honest, or a clock step mid-burst):
    // fall back to the single lowest-delay sample, whose interval is the least affected.
    const best = kept.reduce((a, b) => (sampleDelayMs(a) <= sampleDelayMs(b) ? a : b));
    low = best.lowMs;
    high = best.highMs;
  }
  const atLocalMs = kept.reduce((sum, sample) => sum + (sample.t1Ms + sample.t4Ms) / 2, 0) / kept.length;
  const keptDelays = kept.map(sampleDelayMs).sort((a, b) => a - b);
  return {
    offsetMs: (low + high) / 2,
    boundMs: (high - low) / 2,
    delayMs: minDelay,
    medianDelayMs: keptDelays[Math.floor(keptDelays.length / 2)]!,
    atLocalMs,
    samplesUsed: kept.length,
    samplesTotal: samples.length,
  };
}

/** The peers' estimator, kept as the benchmark's baseline: the shortest of the round trips, bound RTT/2. */
export function shortestRoundTrip(samples: OffsetSample[]): BurstEstimate {
  const best = samples.reduce((a, b) => (sampleDelayMs(a) <= sampleDelayMs(b) ? a : b));
  return {
    offsetMs: sampleOffsetMs(best),
    boundMs: sampleDelayMs(best) / 2,
    delayMs: sampleDelayMs(best),
    medianDelayMs: sampleDelayMs(best),
    atLocalMs: (best.t1Ms + best.t4Ms) / 2,
    samplesUsed: 1,
    samplesTotal: samples.length,
  };
}
