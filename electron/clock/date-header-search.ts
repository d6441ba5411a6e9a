// Millisecond offsets from a 1-second Date header. Each answer proves the offset lies in [D − t4, D + 1000 − t1]:
// a window one second wide. We time the next request so that, if the offset were the middle of what is still
// possible, the server's second would tick over exactly while it is being stamped; whichever second comes back cuts
// the window roughly in half. A bounded number of probes brings the window down to about the round trip.
import type { LocalClock } from './local-clock';
import type { HttpTimeSample, HttpTimeSource } from './http-time-source';
import { sampleDelayMs } from './offset-sample';

export interface DateSearchOptions {
  maxProbes: number;
  /** Stop once the window is this close to the best round trip seen (ms). */
  slackMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function searchDateBoundary(
  source: HttpTimeSource,
  clock: LocalClock,
  options: DateSearchOptions,
): Promise<HttpTimeSample[]> {
  const samples: HttpTimeSample[] = [await source.sample()];
  let low = samples[0]!.lowMs;
  let high = samples[0]!.highMs;
  let bestDelay = sampleDelayMs(samples[0]!);
  const slack = options.slackMs ?? 1;
  while (samples.length < options.maxProbes && high - low > bestDelay + slack) {
    const middle = (low + high) / 2;
    // The local instant at which the server would read a whole second if offset = middle, at least 20 ms ahead.
    const earliest = clock.nowMs() + bestDelay / 2 + 20;
    const boundaryLocal = Math.ceil((earliest + middle) / 1000) * 1000 - middle;
    await sleep(boundaryLocal - bestDelay / 2 - clock.nowMs());
    const sample = await source.sample();
    samples.push(sample);
    bestDelay = Math.min(bestDelay, sampleDelayMs(sample));
    low = Math.max(low, sample.lowMs);
    high = Math.min(high, sample.highMs);
    if (low > high) break; // contradiction (a server clock step): let the burst filter decide
  }
  return samples;
}
