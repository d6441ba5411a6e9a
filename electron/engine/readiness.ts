// A running campaign's readiness in figures, from the runner's own state: accounts leased, signed in and sat out
// (and why), the endpoints' breakers, the captcha reader, the campaign's clock, and how many accounts are done. Pure; the runner calls it.
import type { ReadinessWire } from '../ipc/contract';
import type { AccountRun } from './account-run';
import type { EndpointPool } from './endpoint-pool';
import type { LeftOut } from './lease-runs';

export interface ReadinessInput {
  campaignId: string;
  atMs: number;
  phase: ReadinessWire['phase'];
  runs: readonly AccountRun[];
  endpointUrls: readonly string[];
  pool: EndpointPool | null;
  leftOut: LeftOut;
  captcha: ReadinessWire['captcha'];
  clock: ReadinessWire['clock'];
  signInNeeded: boolean;
}

export function readinessOf(input: ReadinessInput): ReadinessWire {
  const byReason: Record<string, number> = {};
  let signedIn = 0;
  let satOut = 0;
  let booked = 0;
  let done = 0;
  for (const run of input.runs) {
    if (run.satOut) {
      satOut += 1;
      byReason[run.satOut.reason] = (byReason[run.satOut.reason] ?? 0) + 1;
    } else if (run.tokens !== null) signedIn += 1;
    if (run.outcome === 'success' || run.outcome === 'alreadyBooked') booked += 1;
    if (run.done) done += 1;
  }
  const endpoints = input.pool
    ? input.pool.endpoints.map((endpoint) => ({
        url: endpoint.url,
        breaker: endpoint.breaker.state,
        sent: endpoint.sent,
      }))
    : input.endpointUrls.map((url) => ({ url, breaker: null, sent: 0 }));
  return {
    campaignId: input.campaignId,
    atMs: input.atMs,
    phase: input.phase,
    accounts: {
      leased: input.runs.length,
      signInNeeded: input.signInNeeded,
      signedIn,
      satOut,
      byReason,
      alreadyBooked: input.leftOut.alreadyBooked,
      unsettled: input.leftOut.unsettled,
    },
    endpoints,
    captcha: input.captcha,
    clock: input.clock,
    booked,
    done,
  };
}
