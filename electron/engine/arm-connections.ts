// Connections while arming: the pool for each endpoint (warmed), each account's own connection where it will fire a
// first shot written ahead (./armed-connection.ts), and a burst of warm-up requests released the way the first shots
// will be — on the accounts' own connections where they have them, which proves each of those too — to calibrate
// bursts (./burst-calibration.ts). Every warm-up request takes its place in the target's bucket.
import type { LocalClock } from '../clock';
import { renderRequest, type TargetProfile } from '../targets';
import { eachLimited, type AccountRun } from './account-run';
import { ArmedConnection } from './armed-connection';
import { disarm, sendOnArmed, serialiseFor } from './armed-shots';
import { calibrateBurst, type BurstCalibration } from './burst-calibration';
import { EndpointPool, type Endpoint } from './endpoint-pool';
import type { FireScheduler } from './fire-scheduler';
import { exchange, type PreparedRequest } from './http-exchange';
import type { Limiter } from './rate-limiter';
import type { TargetBudget } from './target-budget';

/**
 * `concurrency` bounds the connections to each endpoint: the accounts' own ones and the pool's together. Accounts
 * get their own where they can (at most concurrency − 4, so the pool keeps a few); the pool is sized for the rest.
 */
export function connectionBudget(
  activeRuns: number,
  endpoints: number,
  concurrency: number,
  armAccounts: boolean,
): { armedEach: number; poolEach: number } {
  const perEndpoint = Math.ceil(activeRuns / endpoints);
  const armedEach = armAccounts ? Math.max(0, Math.min(perEndpoint, concurrency - 4)) : 0;
  return { armedEach, poolEach: Math.max(1, Math.min(concurrency - armedEach, perEndpoint + 4)) };
}

/** Gives accounts a home endpoint in turn (at most `perEndpoint` each) and opens their connections; a failure leaves
 * that account without one (it sends through the pool). */
async function armAccounts(
  runs: AccountRun[],
  endpoints: Endpoint[],
  perEndpoint: number,
  clock: LocalClock,
  timeoutMs: number,
): Promise<void> {
  if (perEndpoint === 0) return;
  const armed = runs.filter((run) => !run.done).slice(0, perEndpoint * endpoints.length);
  armed.forEach((run, n) => (run.home = endpoints[n % endpoints.length]!));
  await eachLimited(armed, 64, async (run) => {
    try {
      run.armed = await ArmedConnection.open(run.home!.url, clock, timeoutMs);
    } catch {
      run.armed = null;
    }
  });
}

export async function armConnections(input: {
  runs: AccountRun[];
  /** Armed after the open instant: nothing is warmed or calibrated (every shot goes at once, as for `warmUp: off`). */
  late?: boolean;
  endpoints: string[];
  profile: TargetProfile;
  /** Whether accounts get their own connections (their first shots can be written ahead). */
  armAccounts: boolean;
  clock: LocalClock;
  random: () => number;
  scheduler: FireScheduler;
  targetLimiter: Limiter;
  /** The target's budget `targetLimiter` holds (shared with other nodes outside their windows, on a cluster). */
  budget: TargetBudget;
  stopSignal: AbortSignal;
  offsetMs: number;
  rttMs: number;
}): Promise<{ pool: EndpointPool; calibration: BurstCalibration }> {
  const { profile, clock, targetLimiter } = input;
  const { timeoutMs } = profile.limits;
  const warmUp = input.late ? 'off' : profile.warmUp;
  // Warm-ups off: nothing is sent while arming, so no account's own connection can be proven: the pool sends all.
  const budget = connectionBudget(
    input.runs.filter((run) => !run.done).length,
    input.endpoints.length,
    profile.limits.concurrency,
    input.armAccounts && warmUp !== 'off',
  );
  const armedEach = budget.armedEach;
  const poolEach =
    warmUp !== 'off' && warmUp.connections !== undefined
      ? Math.min(warmUp.connections, profile.limits.concurrency)
      : budget.poolEach;
  const pool = new EndpointPool(input.endpoints, poolEach, profile.breaker, input.random);
  if (warmUp === 'off') return { pool, calibration: { size: 1, lateMs: 0 } };
  const warmRequest: PreparedRequest = warmUp.request
    ? renderRequest(warmUp.request, {})
    : { method: 'GET', path: profile.time.kind === 'ntp' ? '/' : profile.time.path, headers: {} };
  await pool.warm(poolEach, async (endpoint: Endpoint) => {
    await input.budget.turn(targetLimiter, null, input.stopSignal);
    return exchange(endpoint, warmRequest, clock, timeoutMs);
  });
  await armAccounts(input.runs, pool.endpoints, armedEach, clock, timeoutMs);
  const armed = input.runs.filter((run) => run.armed !== null);
  const warmBytes = armed.map((run) => serialiseFor(run.armed!, warmRequest));
  const endpoints = pool.endpoints;
  const calibration = await calibrateBurst({
    count: armed.length > 0 ? armed.length : poolEach * endpoints.length,
    largest: warmUp.calibrationBurst,
    send: (n) =>
      armed.length > 0
        ? sendOnArmed(armed[n]!, warmBytes[n]!, warmRequest, timeoutMs)
        : exchange(endpoints[n % endpoints.length]!, warmRequest, clock, timeoutMs),
    clock,
    scheduler: input.scheduler,
    targetLimiter,
    budget: {
      together: (n) => input.budget.together(targetLimiter, n, input.stopSignal),
      turn: () => input.budget.turn(targetLimiter, null, input.stopSignal),
      largestTogether: input.budget.largestTogether,
    },
    serverTimeHeader: profile.serverTimeHeader,
    offsetMs: input.offsetMs,
    rttMs: input.rttMs,
    stopSignal: input.stopSignal,
  });
  for (const run of armed) if (!run.armed!.ready) disarm(run); // it did not answer as HTTP/1.1 keep-alive
  return { pool, calibration };
}
