// `tminus bench clock`: how close our offset estimate is to the truth, and whether the truth lies inside our bound,
// against the simulator with known skews and latencies. Baseline in the same run: the peers' estimator (shortest of
// three round trips, offset = server − sent − RTT/2, bound RTT/2) on the same kind of source.
import { filterBurst, systemLocalClock, takeBurst, type OffsetSample, type TimeSourceSpec } from '../../electron/clock';
import { scenarioFromObject, startSimulator } from '../../electron/sim';
import { createProgress } from '../../electron/cli/progress';
import { emitResult, markdownTable, round, type BenchOptions } from './bench-output';

type SourceKind = 'endpoint' | 'date' | 'ntp';
type LatencyName = 'sym 20±10' | 'asym 5/25';

interface CaseSpec {
  name: string;
  source: SourceKind;
  latency: LatencyName;
  skewMs: number;
}

interface Estimate {
  offsetMs: number;
  boundMs: number;
}

export interface CaseResult {
  name: string;
  trials: number;
  errorMs: { p50: number; p99: number };
  boundMs: number;
  withinBound: number;
}

const LATENCIES: Record<LatencyName, { baseMs: number; jitterMs: number; outMs?: number; backMs?: number }> = {
  'sym 20±10': { baseMs: 20, jitterMs: 10 },
  'asym 5/25': { baseMs: 0, jitterMs: 0, outMs: 5, backMs: 25 },
};

const CASES: CaseSpec[] = [
  { name: 'endpoint, sym 20±10, skew −1500', source: 'endpoint', latency: 'sym 20±10', skewMs: -1500 },
  { name: 'endpoint, sym 20±10, skew +250', source: 'endpoint', latency: 'sym 20±10', skewMs: 250 },
  { name: 'endpoint, sym 20±10, skew +3700', source: 'endpoint', latency: 'sym 20±10', skewMs: 3700 },
  { name: 'endpoint, asym 5/25, skew +250', source: 'endpoint', latency: 'asym 5/25', skewMs: 250 },
  { name: 'ntp, sym 20±10, skew +3700', source: 'ntp', latency: 'sym 20±10', skewMs: 3700 },
  { name: 'ntp, asym 5/25, skew −1500', source: 'ntp', latency: 'asym 5/25', skewMs: -1500 },
  { name: 'date header, sym 20±10, skew −1500', source: 'date', latency: 'sym 20±10', skewMs: -1500 },
  { name: 'date header, sym 20±10, skew +3700', source: 'date', latency: 'sym 20±10', skewMs: 3700 },
  { name: 'date header, asym 5/25, skew +250', source: 'date', latency: 'asym 5/25', skewMs: 250 },
];

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

function summarise(name: string, truthMs: number, estimates: Estimate[]): CaseResult {
  const errors = estimates.map((estimate) => Math.abs(estimate.offsetMs - truthMs)).sort((a, b) => a - b);
  const bounds = estimates.map((estimate) => estimate.boundMs).sort((a, b) => a - b);
  const inside = estimates.filter((estimate) => Math.abs(estimate.offsetMs - truthMs) <= estimate.boundMs).length;
  return {
    name,
    trials: estimates.length,
    errorMs: { p50: round(quantile(errors, 0.5), 3), p99: round(quantile(errors, 0.99), 3) },
    boundMs: round(quantile(bounds, 0.5), 3),
    withinBound: round(inside / estimates.length, 4),
  };
}

/** The peers' estimator on the first three exchanges: raw server stamp − send instant − RTT/2. */
function peersEstimate(samples: Array<OffsetSample & { serverMs?: number; t2Ms?: number; t3Ms?: number }>): Estimate {
  const best = samples.slice(0, 3).reduce((a, b) => (a.t4Ms - a.t1Ms <= b.t4Ms - b.t1Ms ? a : b));
  const rtt = best.t4Ms - best.t1Ms;
  const server = best.t2Ms !== undefined && best.t3Ms !== undefined ? (best.t2Ms + best.t3Ms) / 2 : best.serverMs!;
  return { offsetMs: server - best.t1Ms - rtt / 2, boundMs: rtt / 2 };
}

async function inBatches<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
  onDone: () => void,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
      onDone();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export async function runClockBench(options: BenchOptions): Promise<void> {
  const trials = options.quick ? 12 : 60;
  const progress = createProgress(CASES.length);
  const ours: CaseResult[] = [];
  const baseline: CaseResult[] = [];
  for (const spec of CASES) {
    progress.step(spec.name);
    const sim = await startSimulator({
      scenario: scenarioFromObject({
        name: 'bench-clock',
        seed: 11,
        clock: { skewMs: spec.skewMs },
        items: [{ id: 'T', name: 'T', stock: 1, opensAt: 0 }],
        accounts: { count: 1 },
        nodes: { latency: LATENCIES[spec.latency] },
      }),
    });
    try {
      const source: TimeSourceSpec =
        spec.source === 'ntp'
          ? { kind: 'ntp', host: '127.0.0.1', port: sim.ntpPort! }
          : spec.source === 'date'
            ? { kind: 'http-date', url: `${sim.urls[0]}/api/items` }
            : { kind: 'http-field', url: `${sim.urls[0]}/api/time`, field: 'serverTimeMs' };
      const peersSource: TimeSourceSpec =
        source.kind === 'http-date' ? { kind: 'http-field', url: source.url, field: 'x' } : source;
      let done = 0;
      // Date trials mostly wait for second boundaries, so they can all run at once; the others run one at a time,
      // as the clock service runs them, so that trials do not queue behind each other on one event loop.
      const concurrency = spec.source === 'date' ? trials : 1;
      const results = await inBatches(
        trials,
        concurrency,
        async () => {
          const samples = await takeBurst(source, systemLocalClock, { samples: 8, timeoutMs: 5_000, dateProbes: 12 });
          const ourEstimate = filterBurst(samples);
          const peerSamples =
            peersSource === source ? samples : await takeDatePlain(source.kind === 'http-date' ? source.url : '', 3);
          return { ours: ourEstimate, peers: peersEstimate(peerSamples as never) };
        },
        () => progress.update(++done / trials),
      );
      ours.push(
        summarise(
          spec.name,
          spec.skewMs,
          results.map((result) => result.ours),
        ),
      );
      baseline.push(
        summarise(
          spec.name,
          spec.skewMs,
          results.map((result) => result.peers),
        ),
      );
    } finally {
      await sim.close();
    }
  }
  progress.done();

  const rows = CASES.map((spec, index) => {
    const a = ours[index]!;
    const b = baseline[index]!;
    return [
      spec.name,
      a.errorMs.p50,
      a.errorMs.p99,
      a.boundMs,
      `${round(a.withinBound * 100, 1)}%`,
      b.errorMs.p50,
      b.errorMs.p99,
      b.boundMs,
      `${round(b.withinBound * 100, 1)}%`,
    ];
  });
  const table = markdownTable(
    [
      'case',
      'ours |err| p50 ms',
      'p99 ms',
      'bound ms',
      'truth in bound',
      'peers |err| p50 ms',
      'p99 ms',
      'bound ms',
      'truth in bound',
    ],
    rows,
  );
  emitResult(options, `${trials} trials per case, 8 samples per burst (Date header: up to 12 probes)\n\n${table}`, {
    trials,
    cases: ours,
    baseline: { cases: baseline },
  });
}

/** Three plain, back-to-back Date-header exchanges, as a peer tool would take them. */
async function takeDatePlain(url: string, count: number): Promise<OffsetSample[]> {
  const { HttpTimeSource } = await import('../../electron/clock');
  const source = new HttpTimeSource(url, { kind: 'date' }, systemLocalClock);
  try {
    await source.sample();
    const samples: OffsetSample[] = [];
    for (let n = 0; n < count; n += 1) samples.push(await source.sample());
    return samples;
  } finally {
    await source.close();
  }
}
