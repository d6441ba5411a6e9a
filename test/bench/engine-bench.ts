// `tminus bench fire|burst|rush`: the engine against the simulator (in a child process), next to the baseline client
// in the same run. The simulator's arrival log is the ground truth.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ScenarioInput } from '../../electron/sim';
import { createProgress } from '../../electron/cli/progress';
import type { ReleaseFigures } from '../../electron/engine/fire-scheduler';
import { emitResult, markdownTable, round, type BenchOptions } from './bench-output';
import {
  firstArrivalOffsets,
  floorArrivalOffsets,
  quantile,
  runBaseline,
  runIntakeFloor,
  startHarness,
  type Harness,
} from './engine-harness';

const accountsCsvCount = (n: number): number => n;

async function runOurs(
  harness: Harness,
  itemId: string,
  accounts: number,
  maxDurationMs: number,
  burst: 'on-time' | 'centered' = 'on-time',
) {
  const openAtServerMs = await harness.itemOpenAtServerMs(itemId);
  const campaign = harness.app.engine.create({
    name: 'bench',
    target: harness.targetId,
    item: itemId,
    opensAt: openAtServerMs,
    accounts: { count: accounts },
    strategy: { kind: 'single', burst },
    limits: { maxDurationMs },
  });
  const summary = await harness.app.engine.run(campaign.id);
  return { summary, openAtServerMs };
}

/** Issue #20's bar: within 1.25× the in-run reference plus a fixed slack (ms). */
function withinReference(ours: number, reference: number, slackMs: number): boolean {
  return Math.abs(ours) <= 1.25 * Math.abs(reference) + slackMs;
}

/** The release loop's own account of its largest release (the burst), as the summary keeps it. */
function releaseLine(summary: { fire: { release?: ReleaseFigures | null } }, label: string): string {
  const release = summary.fire.release;
  if (!release) return `${label}: no release recorded`;
  return (
    `${label}: ${release.shots} released together; the timer handed over ${round(release.wokeBeforeMs, 2)} ms ` +
    `before the instant (lead ${round(release.wakeLeadMs, 2)} ms); the loop began ${round(release.startLateMs, 3)} ` +
    `ms late and took ${round(release.loopMs, 2)} ms (${round((release.loopMs * 1000) / release.shots, 1)} µs a shot)`
  );
}

function fireFigures(offsets: number[]): { p50Ms: number; p99Ms: number } {
  return { p50Ms: round(quantile(offsets, 0.5), 2), p99Ms: round(quantile(offsets.map(Math.abs), 0.99), 2) };
}

export async function runFireBench(options: BenchOptions): Promise<void> {
  const accounts = options.quick ? 50 : 200;
  const progress = createProgress(4);
  const scenario = (opensIn: string): ScenarioInput => ({
    name: 'bench-fire',
    seed: 3,
    clock: { skewMs: 1500 },
    items: [{ id: 'F', name: 'fire', stock: 1_000_000, perAccountLimit: 1_000, opensAt: opensIn }],
    accounts: { count: accounts },
    nodes: { count: 2, latency: { baseMs: 10, jitterMs: 5 } },
    ntp: { enabled: false },
  });
  const harness = await startHarness(options.cliScript, scenario('in 12s'), accountsCsvCount(accounts));
  try {
    progress.step(`ours: ${accounts} accounts, server clock +1500 ms, latency 10 ± 5 ms`);
    const ours = await runOurs(harness, 'F', accounts, 2_000);
    const oursOffsets = firstArrivalOffsets(await harness.arrivals(), ours.openAtServerMs);
    progress.step('ours, centered burst: started early by its calibrated lateness');
    // A fresh simulator and app: a reset simulator forgets the sessions the first run's accounts hold.
    const second = await startHarness(options.cliScript, scenario('in 12s'), accountsCsvCount(accounts));
    let centered: Awaited<ReturnType<typeof runOurs>>;
    let centeredOffsets: number[];
    try {
      centered = await runOurs(second, 'F', accounts, 2_000, 'centered');
      centeredOffsets = firstArrivalOffsets(await second.arrivals(), centered.openAtServerMs);
    } finally {
      await second.close();
    }
    progress.step('baseline: setTimeout to the open instant on the local clock');
    await harness.reset(scenario('in 5s'));
    const open = await harness.itemOpenAtServerMs('F');
    await runBaseline({ urls: harness.sim.urls, accounts, itemId: 'F', openAtServerMs: open, maxDurationMs: 3_000 });
    const baseOffsets = firstArrivalOffsets(await harness.arrivals(), open);
    progress.step('reference: pre-written requests on open sockets, true skew, on time and led by its intake lag');
    await harness.reset(scenario('in 5s'));
    const floorOpen = await harness.itemOpenAtServerMs('F');
    // The same release once, 2 s before the open (answered notOpen): how late the simulator stamps such a burst —
    // the modelled one-way latency plus its intake, one request after another — measured, not assumed.
    const calibrateAt = floorOpen - 1_500 - 2_000;
    await runIntakeFloor({ urls: harness.sim.urls, count: accounts, itemId: 'F', sendAtMs: calibrateAt });
    const calibration = floorArrivalOffsets(await harness.arrivals(), calibrateAt + 1_500);
    const intakeLagMs = quantile(calibration, 0.5);
    const fastestMs = Math.min(...calibration);
    // Led by the median's lateness: the burst's median lands on the instant (what a centered burst aims at).
    const centeredRelease = await runIntakeFloor({
      urls: harness.sim.urls,
      count: accounts,
      itemId: 'F',
      sendAtMs: floorOpen - 1_500 - intakeLagMs,
    });
    const floorOffsets = floorArrivalOffsets(await harness.arrivals(), floorOpen).filter((offset) => offset > -750);
    // Led by the fastest request's lateness: the first arrives at the instant (what an on-time burst aims at).
    await harness.reset(scenario('in 5s'));
    const onTimeOpen = await harness.itemOpenAtServerMs('F');
    const onTimeRelease = await runIntakeFloor({
      urls: harness.sim.urls,
      count: accounts,
      itemId: 'F',
      sendAtMs: onTimeOpen - 1_500 - fastestMs,
    });
    const onTimeFloorOffsets = floorArrivalOffsets(await harness.arrivals(), onTimeOpen).filter(
      (offset) => offset > -750,
    );
    progress.done();
    const a = fireFigures(oursOffsets);
    const c = fireFigures(centeredOffsets);
    const b = fireFigures(baseOffsets);
    const floor = fireFigures(floorOffsets);
    const onTimeFloor = fireFigures(onTimeFloorOffsets);
    const referenceLeft = (late: number[]): string =>
      `${round(quantile(late, 0.5), 2)} / ${round(quantile(late, 0.99), 2)}`;
    const left = ours.summary.fire;
    const table = markdownTable(
      [
        'fire: server arrival − open instant',
        'accounts',
        'p50 ms',
        '|p99| ms',
        'left the client: send − planned p50 / p99 ms',
      ],
      [
        [
          'tminus, on-time burst (default)',
          oursOffsets.length,
          a.p50Ms,
          a.p99Ms,
          `${round(left.p50Ms ?? NaN, 2)} / ${round(left.p99Ms ?? NaN, 2)}`,
        ],
        [
          'tminus, centered burst (median on the instant)',
          centeredOffsets.length,
          c.p50Ms,
          c.p99Ms,
          `${round(centered.summary.fire.p50Ms ?? NaN, 2)} / ${round(centered.summary.fire.p99Ms ?? NaN, 2)}`,
        ],
        ['baseline (setTimeout on the local clock)', baseOffsets.length, b.p50Ms, b.p99Ms, '—'],
        [
          `reference, on time: bytes pre-written, true skew, led by the fastest's lateness (${round(fastestMs, 2)} ms)`,
          onTimeFloorOffsets.length,
          onTimeFloor.p50Ms,
          onTimeFloor.p99Ms,
          referenceLeft(onTimeRelease.leftLateMs),
        ],
        [
          `reference, centered: bytes pre-written, true skew, led by the median's lateness (${round(intakeLagMs, 2)} ms)`,
          floorOffsets.length,
          floor.p50Ms,
          floor.p99Ms,
          referenceLeft(centeredRelease.leftLateMs),
        ],
      ],
    );
    const ratio = (ours: number, reference: number): number =>
      round(Math.abs(ours) / Math.max(Math.abs(reference), 0.01), 2);
    const lines = [
      releaseLine(ours.summary, 'on-time release'),
      releaseLine(centered.summary, 'centered release'),
    ].join('\n');
    const leftP50 = ours.summary.fire.p50Ms ?? NaN;
    // Each release policy is compared with the reference that aims where it aims: on time (the first request at the
    // instant) with the on-time reference, centered (the median on it) with the centered one.
    emitResult(options, `${table}\n${lines}`, {
      fire: {
        ...a,
        ratioP50: ratio(a.p50Ms, onTimeFloor.p50Ms),
        ratioP99: ratio(a.p99Ms, onTimeFloor.p99Ms),
        leftClientP50Ms: round(leftP50, 3),
        release: ours.summary.fire.release ?? null,
      },
      centered: {
        fire: {
          ...c,
          ratioP50: ratio(c.p50Ms, floor.p50Ms),
          ratioP99: ratio(c.p99Ms, floor.p99Ms),
          leftClientP50Ms: round(centered.summary.fire.p50Ms ?? NaN, 3),
          release: centered.summary.fire.release ?? null,
        },
      },
      baseline: { fire: b },
      // The best a client on this machine can get against this simulator: the truth known, nothing computed at the
      // instant, released so that its median lands on the open instant. It bounds p50 (≈ 0) and |p99| (the intake).
      reference: {
        fire: floor,
        intakeLagMs: round(intakeLagMs, 2),
        leftClientP50Ms: round(quantile(centeredRelease.leftLateMs, 0.5), 3),
        onTime: {
          fire: onTimeFloor,
          fastestMs: round(fastestMs, 2),
          leftClientP50Ms: round(quantile(onTimeRelease.leftLateMs, 0.5), 3),
        },
      },
      goal: {
        p50AbsMs: 2,
        p99Ms: 10,
        met: Math.abs(a.p50Ms) <= 2 && a.p99Ms <= 10,
        metCentered: Math.abs(c.p50Ms) <= 2 && c.p99Ms <= 10,
        // Issue #20: p50 and |p99| each within 1.25× the reference + 1 ms; "left the client" p50 ≤ 0.5 ms.
        withinReference:
          withinReference(a.p50Ms, onTimeFloor.p50Ms, 1) && withinReference(a.p99Ms, onTimeFloor.p99Ms, 1),
        withinReferenceCentered: withinReference(c.p50Ms, floor.p50Ms, 1) && withinReference(c.p99Ms, floor.p99Ms, 1),
        leftClientMet: leftP50 <= 0.5,
      },
    });
  } finally {
    await harness.close();
  }
}

/**
 * When each book request went out on its socket: after the write of its headers, as undici publishes it
 * (`undici:client:sendHeaders`, the baseline and our pool) and as an account's own connection publishes it
 * (`tminus:armed-connection:write`, after the one write of the whole request).
 */
async function recordWireTimes<T>(work: () => Promise<T>): Promise<{ result: T; wireMs: number[] }> {
  const wireMs: number[] = [];
  const listener = (message: unknown): void => {
    const { request } = message as { request: { path: string } };
    if (request.path.endsWith('/book')) wireMs.push(performance.now());
  };
  const armedListener = (message: unknown): void => {
    const { path, atMs } = message as { path: string; atMs: number };
    if (path.endsWith('/book')) wireMs.push(atMs);
  };
  subscribe('undici:client:sendHeaders', listener);
  subscribe('tminus:armed-connection:write', armedListener);
  try {
    return { result: await work(), wireMs };
  } finally {
    unsubscribe('undici:client:sendHeaders', listener);
    unsubscribe('tminus:armed-connection:write', armedListener);
  }
}

export async function runBurstBench(options: BenchOptions): Promise<void> {
  const accounts = options.quick ? 300 : 1_000;
  const progress = createProgress(3);
  const scenario = (opensIn: string): ScenarioInput => ({
    name: 'bench-burst',
    items: [{ id: 'B', name: 'burst', stock: 1_000_000, perAccountLimit: 1_000, opensAt: opensIn }],
    accounts: { count: accounts },
    nodes: { count: 1 },
    riskControl: { enabled: false },
    ntp: { enabled: false },
  });
  // This benchmark's target declares room for the whole burst at once.
  const limits =
    'limits:\n  targetRatePerSec: 20000\n  targetBurst: 5000\n  accountRatePerSec: 2\n  accountBurst: 3\n  concurrency: 1024\n  timeoutMs: 5000\n';
  const harness = await startHarness(options.cliScript, scenario('in 14s'), accounts, limits);
  try {
    progress.step(`ours: ${accounts} accounts due at one instant`);
    const ours = await recordWireTimes(() => runOurs(harness, 'B', accounts, 3_000));
    const oursArrivals = firstArrivalOffsets(await harness.arrivals(), ours.result.openAtServerMs);
    progress.step(`baseline: ${accounts} setTimeouts to one instant`);
    await harness.reset(scenario('in 8s'));
    const open = await harness.itemOpenAtServerMs('B');
    const base = await recordWireTimes(() =>
      runBaseline({ urls: harness.sim.urls, accounts, itemId: 'B', openAtServerMs: open, maxDurationMs: 3_000 }),
    );
    const baseArrivals = firstArrivalOffsets(await harness.arrivals(), open);
    progress.step('reference: pre-written requests on open sockets, written in one loop');
    await harness.reset(scenario('in 3s'));
    const floorOpen = await harness.itemOpenAtServerMs('B');
    const floor = await runIntakeFloor({ urls: harness.sim.urls, count: accounts, itemId: 'B', sendAtMs: floorOpen });
    const floorArrivals = floorArrivalOffsets(await harness.arrivals(), floorOpen);
    progress.done();
    const spread = (values: number[]): number => round(Math.max(...values) - Math.min(...values), 2);
    // The first `accounts` requests on the wire are the burst; later ones are retries.
    const a = {
      spreadMs: spread(ours.wireMs.slice(0, accounts)),
      requests: Math.min(accounts, ours.wireMs.length),
      serverSpreadMs: spread(oursArrivals),
    };
    const b = {
      spreadMs: spread(base.wireMs.slice(0, accounts)),
      requests: Math.min(accounts, base.wireMs.length),
      serverSpreadMs: spread(baseArrivals),
    };
    const r = { spreadMs: spread(floor.wireMs), requests: floor.wireMs.length, serverSpreadMs: spread(floorArrivals) };
    const table = markdownTable(
      ['burst: one instant, first → last request', 'requests', 'on the wire ms', 'handled by the simulator ms'],
      [
        ['tminus (one fine wait, released together)', a.requests, a.spreadMs, a.serverSpreadMs],
        ['baseline (one setTimeout per account)', b.requests, b.spreadMs, b.serverSpreadMs],
        ['reference: pre-written bytes on open sockets, one write loop', r.requests, r.spreadMs, r.serverSpreadMs],
      ],
    );
    emitResult(options, `${table}\n${releaseLine(ours.result.summary, 'release')}`, {
      // Judged where the truth is: the spread of the arrivals the simulator stamped; the wire stamps are our own claim.
      burst: {
        ...a,
        ratio: round(a.serverSpreadMs / Math.max(r.serverSpreadMs, 0.01), 2),
        wireRatio: round(a.spreadMs / Math.max(r.spreadMs, 0.01), 2),
        release: ours.result.summary.fire.release ?? null,
      },
      baseline: { burst: b },
      reference: { burst: r },
      goal: {
        serverSpreadMs: 20,
        met: a.serverSpreadMs <= 20,
        judgedOn: 'server arrival stamps',
        // Issue #20: within 1.25× the reference + 2 ms, on the wire and at the server.
        withinReference:
          withinReference(a.spreadMs, r.spreadMs, 2) && withinReference(a.serverSpreadMs, r.serverSpreadMs, 2),
      },
    });
  } finally {
    await harness.close();
  }
}

interface RushFigures {
  /** Every request the simulator received from the client (sign-ins, clock probes, warm-ups included). */
  requests: number;
  /** 429s the client received, on any route. */
  http429: number;
  successRate: number;
  successes: number;
  duplicates: number;
  overBudget: number;
  rateLimited: number;
  bans: number;
  firstSuccessMs: number | null;
}

/** Requests beyond rate × 1 s + burst inside any 1-second window, per account and for the whole target. */
function overBudget(times: number[], ratePerSec: number, burst: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let over = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end]! - sorted[start]! >= 1_000) start += 1;
    if (end - start + 1 > ratePerSec + burst) over += 1;
  }
  return over;
}

export async function runRushBench(options: BenchOptions): Promise<void> {
  const accounts = options.quick ? 300 : 1_000;
  const stock = Math.round(accounts * 0.3);
  const progress = createProgress(2);
  const scenario = (opensIn: string): ScenarioInput => ({
    name: 'bench-rush',
    seed: 9,
    clock: { skewMs: -700 },
    items: [{ id: 'R', name: 'rush', stock, perAccountLimit: 1, opensAt: opensIn }],
    accounts: { count: accounts },
    nodes: { count: 3, latency: { baseMs: 5, jitterMs: 3 }, faults: { errorRate: 0.05, resetRate: 0.02 } },
    tokens: { accessTtlMs: 6_000, refreshTtlMs: 600_000 },
    // Strict: the per-client bucket is exactly the profile's declared budget, and counts every request (time too).
    limits: {
      perAccount: { ratePerSec: 1, burst: 1 },
      perClient: { ratePerSec: 2500, burst: 2500 },
      clientCoversTime: true,
    },
    riskControl: { enabled: true, violationsBeforeBan: 3, banMs: 60_000 },
    ntp: { enabled: false },
  });
  const limits =
    'limits:\n  targetRatePerSec: 2500\n  targetBurst: 2500\n  accountRatePerSec: 2\n  accountBurst: 2\n  concurrency: 1024\n  timeoutMs: 3000\n';
  const harness = await startHarness(options.cliScript, scenario('in 16s'), accounts, limits);
  const figures = async (openAtServerMs: number, firstSuccessMs: number | null): Promise<RushFigures> => {
    const everything = await harness.arrivals();
    const arrivals = everything.filter((a) => a.route.endsWith('/book'));
    const stats = await harness.stats();
    const perAccount = new Map<string, number[]>();
    for (const a of everything)
      if (a.account) perAccount.set(a.account, [...(perAccount.get(a.account) ?? []), a.trueMs]);
    const over =
      [...perAccount.values()].reduce((sum, times) => sum + overBudget(times, 2, 2), 0) +
      overBudget(
        everything.map((a) => a.trueMs), // the whole client: sign-ins, clock probes and warm-up included
        2500,
        2500,
      );
    void openAtServerMs;
    return {
      requests: everything.length,
      http429: everything.filter((a) => a.status === 429).length,
      successRate: round(stats.accountsWithOrders / stock, 4),
      successes: stats.accountsWithOrders,
      duplicates: stats.orders - stats.accountsWithOrders,
      overBudget: over,
      rateLimited: arrivals.filter((a) => a.status === 429 || a.status === 503).length,
      bans: stats.bans,
      firstSuccessMs: firstSuccessMs === null ? null : round(firstSuccessMs, 2),
    };
  };
  try {
    progress.step(
      `ours: ${accounts} accounts for ${stock} units, 5% 5xx, 2% resets, 1 req/s per account at the server`,
    );
    const ours = await runOurs(harness, 'R', accounts, 8_000);
    const a = await figures(ours.openAtServerMs, ours.summary.firstSuccessMs);
    progress.step('baseline: retry every 100 ms or after Retry-After, a new sign-in on 401');
    await harness.reset(scenario('in 12s'));
    const open = await harness.itemOpenAtServerMs('R');
    const baseline = await runBaseline({
      urls: harness.sim.urls,
      accounts,
      itemId: 'R',
      openAtServerMs: open,
      maxDurationMs: 8_000,
    });
    // The baseline reads no server time: its first success is measured on the local clock against the open instant.
    const b = await figures(
      open,
      baseline.firstSuccessLocalMs === null ? null : baseline.firstSuccessLocalMs - (open - 700),
    );
    progress.done();
    const row = (name: string, f: RushFigures): Array<string | number> => [
      name,
      `${round(f.successRate * 100, 1)}% (${f.successes}/${stock})`,
      f.duplicates,
      f.requests,
      f.overBudget,
      f.http429,
      f.rateLimited,
      f.bans,
      f.firstSuccessMs ?? '—',
    ];
    const table = markdownTable(
      [
        'rush',
        'success vs achievable',
        'duplicates',
        'requests',
        'over budget',
        '429 (all routes)',
        '429/503 received',
        'RISK_CONTROL bans',
        'first success ms',
      ],
      [row('tminus', a), row('baseline', b)],
    );
    emitResult(options, table, {
      rush: {
        ...a,
        byOutcome: ours.summary.byOutcome,
        fire: ours.summary.fire,
        state: ours.summary.state,
        error: ours.summary.error,
        satOut: ours.summary.satOut,
      },
      baseline: { rush: b, answersByStatus: baseline.answers },
      goal: {
        duplicates: 0,
        overBudget: 0,
        bans: 0,
        http429Share: 0.005,
        successRate: 0.99,
        met:
          a.duplicates === 0 &&
          a.overBudget === 0 &&
          a.bans === 0 &&
          a.http429 <= 0.005 * Math.max(1, a.requests) &&
          a.successRate >= 0.99,
      },
    });
  } finally {
    await harness.close();
  }
}
