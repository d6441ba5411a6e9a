// The kinds of time source, as the operator names them, and one burst from each.
import { TminusError } from '../errors';
import type { LocalClock } from './local-clock';
import { queryNtp } from './ntp-client';
import { HttpTimeSource } from './http-time-source';
import { searchDateBoundary } from './date-header-search';
import type { OffsetSample } from './offset-sample';

export type TimeSourceSpec =
  | { kind: 'ntp'; host: string; port: number }
  | { kind: 'http-field'; url: string; field: string }
  | { kind: 'http-date'; url: string };

export function sourceId(spec: TimeSourceSpec): string {
  switch (spec.kind) {
    case 'ntp':
      return `ntp://${spec.host}:${spec.port}`;
    case 'http-field':
      return `${spec.url} [${spec.field}]`;
    case 'http-date':
      return `${spec.url} [Date]`;
  }
}

export interface BurstOptions {
  samples: number;
  timeoutMs: number;
  /** Probes allowed to find a Date header's second boundary. */
  dateProbes: number;
  /** A sample further than this from our clock is not believed (a server's clock that far off is broken). */
  maxOffsetMs?: number;
  /** Waits for a slot in the target's budget before each HTTP request. */
  gate?: () => Promise<void>;
}

/** Default sanity limit: a day. A local clock off by more is reported as such, not corrected for. */
export const DEFAULT_MAX_OFFSET_MS = 86_400_000;

/** Why a sample is not to be believed, or null: its interval must be non-empty and inside the sanity limit. */
export function sampleProblem(sample: OffsetSample, maxOffsetMs: number): string | null {
  if (!(sample.lowMs <= sample.highMs))
    return `the server's stamps contradict the round trip (offset interval [${sample.lowMs.toFixed(3)}, ${sample.highMs.toFixed(3)}] ms is empty)`;
  const offsetMs = (sample.lowMs + sample.highMs) / 2;
  if (Math.abs(offsetMs) > maxOffsetMs)
    return `offset ${offsetMs.toFixed(0)} ms is beyond the sanity limit of ±${maxOffsetMs} ms`;
  return null;
}

/** Takes one burst from a source: N back-to-back exchanges, or the Date boundary search. */
export async function takeBurst(
  spec: TimeSourceSpec,
  clock: LocalClock,
  options: BurstOptions,
): Promise<OffsetSample[]> {
  const sane = async (take: () => Promise<OffsetSample>): Promise<OffsetSample> => {
    const sample = await take();
    const problem = sampleProblem(sample, options.maxOffsetMs ?? DEFAULT_MAX_OFFSET_MS);
    if (problem) throw new TminusError('CLOCK_SOURCE_FAILED', `${sourceId(spec)}: ${problem}`);
    return sample;
  };
  if (spec.kind === 'ntp')
    return collectSamples(options.samples, () => sane(() => queryNtp(spec, clock, options.timeoutMs)));
  const source = new HttpTimeSource(
    spec.url,
    spec.kind === 'http-date' ? { kind: 'date' } : { kind: 'field', expression: spec.field },
    clock,
    options.timeoutMs,
    options.gate,
  );
  try {
    if (spec.kind === 'http-date') {
      const samples = await searchDateBoundary(source, clock, { maxProbes: options.dateProbes });
      for (const sample of samples) await sane(() => Promise.resolve(sample));
      return samples;
    }
    await source.sample().catch(() => undefined); // opens and warms the connection; its handshake would inflate the first delay
    return await collectSamples(options.samples, () => sane(() => source.sample()));
  } finally {
    await source.close();
  }
}

/**
 * `count` samples, each taken after the previous one. A lost packet or a reset connection costs that sample, not the
 * burst (targets under load drop a few); more failures than half the count fail the burst with the last error.
 */
async function collectSamples(count: number, take: () => Promise<OffsetSample>): Promise<OffsetSample[]> {
  const samples: OffsetSample[] = [];
  let failures = 0;
  while (samples.length < count) {
    try {
      samples.push(await take());
    } catch (error) {
      failures += 1;
      if (failures > count / 2) throw error;
    }
  }
  return samples;
}

export function assertSources(specs: TimeSourceSpec[]): void {
  if (specs.length === 0) throw new TminusError('CLOCK_NO_SOURCE', 'name at least one time source (--ntp or --http)');
}
