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
}

/** Takes one burst from a source: N back-to-back exchanges, or the Date boundary search. */
export async function takeBurst(
  spec: TimeSourceSpec,
  clock: LocalClock,
  options: BurstOptions,
): Promise<OffsetSample[]> {
  if (spec.kind === 'ntp') {
    const samples: OffsetSample[] = [];
    for (let n = 0; n < options.samples; n += 1) samples.push(await queryNtp(spec, clock, options.timeoutMs));
    return samples;
  }
  const source = new HttpTimeSource(
    spec.url,
    spec.kind === 'http-date' ? { kind: 'date' } : { kind: 'field', expression: spec.field },
    clock,
    options.timeoutMs,
  );
  try {
    if (spec.kind === 'http-date') return await searchDateBoundary(source, clock, { maxProbes: options.dateProbes });
    await source.sample(); // opens and warms the connection; its handshake would inflate the first delay
    const samples: OffsetSample[] = [];
    for (let n = 0; n < options.samples; n += 1) samples.push(await source.sample());
    return samples;
  } finally {
    await source.close();
  }
}

export function assertSources(specs: TimeSourceSpec[]): void {
  if (specs.length === 0) throw new TminusError('CLOCK_NO_SOURCE', 'name at least one time source (--ntp or --http)');
}
