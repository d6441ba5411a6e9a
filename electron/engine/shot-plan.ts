// Where the engine reads the target's time, and when each account's first shots go.
import type { TargetProfile } from '../targets';
import type { TimeSourceSpec } from '../clock';
import type { CampaignSpec } from './campaign-spec';

/** The profile's time source, against the target's first endpoint. */
export function timeSourceFor(profile: TargetProfile, baseUrl: string): TimeSourceSpec {
  const time = profile.time;
  if (time.kind === 'ntp') return { kind: 'ntp', host: time.host, port: time.port };
  if (time.kind === 'http-field') return { kind: 'http-field', url: baseUrl + time.path, field: time.field };
  return { kind: 'http-date', url: baseUrl + time.path };
}

/**
 * The local instants of an account's first shots: one at the planned instant, or a salvo spread evenly across the
 * clock's bound around it (where the open instant may really be on our clock).
 */
export function shotInstants(strategy: CampaignSpec['strategy'], plannedLocalMs: number, boundMs: number): number[] {
  if (strategy.kind === 'single' || boundMs <= 0) return [plannedLocalMs];
  const spread = 2 * boundMs;
  return Array.from(
    { length: strategy.salvo },
    (_, index) => plannedLocalMs - boundMs + (index * spread) / (strategy.salvo - 1),
  );
}
