// `tminus bench <name>`: benchmarks that run our code and a baseline in the same run and report the ratio.
// The benchmarks themselves live in test/bench/ and load on demand (they need dev dependencies such as autocannon).
import type { Command } from 'commander';

interface BenchFlags {
  quick?: boolean;
  json?: string;
  style?: string;
}

interface BenchRun {
  quick: boolean;
  json?: string;
  cliScript: string;
  style?: string;
}

const BENCHMARKS: Record<
  string,
  {
    description: string;
    /** Options of this benchmark only, as commander takes them. */
    options?: Array<[flags: string, description: string]>;
    run: (options: BenchRun) => Promise<void>;
  }
> = {
  sim: {
    description: 'simulator node throughput (GET /api/time, book) with autocannon vs a bare node:http server',
    run: async (options) => (await import('../../test/bench/sim-bench')).runSimBench(options),
  },
  accounts: {
    description: 'import of 10,000 CSV rows with encryption, vs raw inserts',
    run: async (options) => (await import('../../test/bench/accounts-bench')).runAccountsBench(options),
  },
  fire: {
    description:
      'fire precision at the server: arrival − open instant, 200 accounts, skewed server clock, vs setTimeout',
    run: async (options) => (await import('../../test/bench/engine-bench')).runFireBench(options),
  },
  burst: {
    description: '1,000 accounts due at one instant: spread of their requests at the server, vs setTimeout',
    run: async (options) => (await import('../../test/bench/engine-bench')).runBurstBench(options),
  },
  rush: {
    description: 'scarce stock, faults, 429s, expiring tokens: success, duplicates, budget, bans, vs a naive client',
    run: async (options) => (await import('../../test/bench/engine-bench')).runRushBench(options),
  },
  crash: {
    description:
      'fault drill: tminus run killed around the open and run again, the disk filling mid-rush, 3% answers lost; vs a client that records on answers',
    run: async (options) => (await import('../../test/bench/crash-bench')).runCrashBench(options),
  },
  captcha: {
    description: 'captcha accuracy, latency, throughput and fire-path jitter, vs the model on the main thread',
    run: async (options) => (await import('../../test/bench/captcha-bench')).runCaptchaBench(options),
  },
  'captcha-tune': {
    description:
      'fine-tuning on a new captcha style from 1,000 labelled images (replaying the base corpus), vs the base model untouched',
    options: [['--style <name>', 'the new style: a corpus style never trained on (default: site.canvas)']],
    run: async (options) => (await import('../../test/bench/captcha-tune-bench')).runCaptchaTuneBench(options),
  },
  reports: {
    description: 'attribution by every dimension over 1,000,000 attempts, vs the same queries reading the table',
    run: async (options) => (await import('../../test/bench/reports-bench')).runReportsBench(options),
  },
  export: {
    description: '1,000,000 attempts to CSV, streamed, vs read whole and stringified (peak RSS, rows/s)',
    run: async (options) => (await import('../../test/bench/export-bench')).runExportBench(options),
  },
  ipc: {
    description: 'engine events over the WebSocket into the timeline in Chromium, coalesced vs one message per event',
    run: async (options) => (await import('../../test/bench/ipc-bench')).runIpcBench(options),
  },
  cluster: {
    description:
      'one campaign across 3 tminus node processes through Redis (one killed -9 at T − 1 s), vs 1 node driving every account',
    run: async (options) => (await import('../../test/bench/cluster-bench')).runClusterBench(options),
  },
  clock: {
    description: "clock offset error and bound against the simulator with known skews, vs the peers' estimator",
    run: async (options) => (await import('../../test/bench/clock-bench')).runClockBench(options),
  },
};

export function registerBenchCommand(program: Command): void {
  const bench = program
    .command('bench')
    .description('run a benchmark (prints a table; --json FILE writes the figures)');
  for (const [name, benchmark] of Object.entries(BENCHMARKS)) {
    const command = bench
      .command(name)
      .description(benchmark.description)
      .option('--quick', 'shorter run (for a smoke check, not for figures)')
      .option('--json <file>', 'write the results as JSON to FILE');
    for (const [flags, description] of benchmark.options ?? []) command.option(flags, description);
    command.action(async (flags: BenchFlags) => {
      await benchmark.run({
        quick: flags.quick === true,
        json: flags.json,
        cliScript: process.argv[1]!,
        style: flags.style,
      });
    });
  }
}
