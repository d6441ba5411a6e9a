// `tminus bench sim`: how many requests one simulator node sustains on loopback, measured by autocannon in this
// process against the simulator in a child process; baseline: a bare node:http server under the same load.
import autocannon from 'autocannon';
import type { ScenarioInput } from '../../electron/sim';
import { createProgress } from '../../electron/cli/progress';
import { emitResult, markdownTable, round, type BenchOptions } from './bench-output';
import { startBareServerProcess, startSimProcess } from './sim-process';

const ACCOUNTS = 200;

const benchScenario: ScenarioInput = {
  name: 'bench-sim',
  items: [{ id: 'BENCH', name: 'Benchmark stock', stock: 100_000_000, perAccountLimit: 1_000_000_000, opensAt: 0 }],
  accounts: { count: ACCOUNTS },
  nodes: { count: 1 },
  tokens: { accessTtlMs: 3_600_000, refreshTtlMs: 3_600_000 },
  riskControl: { enabled: false },
  ntp: { enabled: false },
};

interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function load(
  url: string,
  durationS: number,
  requests: autocannon.Request[],
  onTick: (fraction: number) => void,
): Promise<LoadResult> {
  const started = Date.now();
  const ticker = setInterval(() => onTick((Date.now() - started) / (durationS * 1000)), 250);
  try {
    const result = await autocannon({ url, connections: 64, pipelining: 1, duration: durationS, requests });
    return {
      requestsPerSec: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    };
  } finally {
    clearInterval(ticker);
  }
}

async function loginAll(url: string): Promise<string[]> {
  const tokens: string[] = [];
  for (let n = 1; n <= ACCOUNTS; n += 1) {
    const id = String(n).padStart(4, '0');
    const response = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `user${id}`, password: `pass-${id}` }),
    });
    tokens.push(((await response.json()) as { accessToken: string }).accessToken);
  }
  return tokens;
}

export async function runSimBench(options: BenchOptions): Promise<void> {
  const durationS = options.quick ? 3 : 10;
  const progress = createProgress(3);
  const tick = (fraction: number): void => progress.update(fraction);

  progress.step('baseline: bare node:http server, GET');
  const bare = await startBareServerProcess();
  const baseline = await load(bare.urls[0]!, durationS, [{ method: 'GET', path: '/api/time' }], tick).finally(() =>
    bare.stop(),
  );

  const sim = await startSimProcess(options.cliScript, benchScenario);
  try {
    const url = sim.urls[0]!;
    progress.step('simulator: GET /api/time');
    const time = await load(url, durationS, [{ method: 'GET', path: '/api/time' }], tick);

    progress.step('simulator: POST /api/items/BENCH/book');
    const tokens = await loginAll(url);
    let sequence = 0;
    const book = await load(
      url,
      durationS,
      [
        {
          method: 'POST',
          path: '/api/items/BENCH/book',
          setupRequest: (request) => {
            sequence += 1;
            return {
              ...request,
              headers: {
                ...request.headers,
                'content-type': 'application/json',
                authorization: `Bearer ${tokens[sequence % tokens.length]}`,
                'idempotency-key': `bench-${sequence}`,
              },
              body: '{}',
            };
          },
        },
      ],
      tick,
    );
    progress.done();

    const rows = [
      [
        'bare node:http GET (baseline)',
        round(baseline.requestsPerSec, 0),
        baseline.p50Ms,
        baseline.p99Ms,
        baseline.non2xx + baseline.errors,
        '1.00',
      ],
      [
        'simulator GET /api/time',
        round(time.requestsPerSec, 0),
        time.p50Ms,
        time.p99Ms,
        time.non2xx + time.errors,
        round(time.requestsPerSec / baseline.requestsPerSec),
      ],
      [
        'simulator POST book',
        round(book.requestsPerSec, 0),
        book.p50Ms,
        book.p99Ms,
        book.non2xx + book.errors,
        round(book.requestsPerSec / baseline.requestsPerSec),
      ],
    ];
    const table = markdownTable(
      [
        'load (64 connections, ' + durationS + ' s)',
        'requests/s',
        'p50 ms',
        'p99 ms',
        'non-2xx + errors',
        'vs baseline',
      ],
      rows,
    );
    emitResult(options, table, {
      durationS,
      time: time,
      book: book,
      baseline: { time: baseline },
      ratio: {
        time: time.requestsPerSec / baseline.requestsPerSec,
        book: book.requestsPerSec / baseline.requestsPerSec,
      },
      goals: {
        timePerSec: 10_000,
        bookPerSec: 5_000,
        met: time.requestsPerSec >= 10_000 && book.requestsPerSec >= 5_000,
      },
    });
  } finally {
    await sim.stop();
  }
}
