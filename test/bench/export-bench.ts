// `tminus bench export`: 1,000,000 attempts to CSV, streamed (ours) vs read whole and stringified in one go (what
// the obvious code does), each in its own process so each peak RSS is its own. Goal: ours under 200 MB peak RSS.
import { spawn } from 'node:child_process';
import { createWriteStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { openStore } from '../../electron/store';
import { exportAttempts } from '../../electron/reports';
import { createProgress } from '../../electron/cli/progress';
import { makeTempDir } from '../helpers/temp-dir';
import { emitResult, markdownTable, round, type BenchOptions } from './bench-output';
import { FIXTURE_CAMPAIGN, seedAttempts } from './attempts-fixture';

interface WorkerResult {
  rows: number;
  ms: number;
  peakRssMb: number;
  bytes: number;
}

const WORKER_ENV = 'TMINUS_BENCH_EXPORT_WORKER';

async function worker(kind: string, dir: string): Promise<void> {
  const store = openStore(dir);
  const out = join(dir, `${kind}.csv`);
  const start = performance.now();
  let rows: number;
  if (kind === 'ours') {
    rows = (await exportAttempts(store.db, FIXTURE_CAMPAIGN, createWriteStream(out), { bom: true })).rows;
  } else {
    const all = store.db
      .prepare('SELECT * FROM attempts a LEFT JOIN accounts u ON u.id = a.account_id WHERE a.campaign_id = ?')
      .all(FIXTURE_CAMPAIGN) as Array<Record<string, unknown>>;
    writeFileSync(out, stringify(all, { header: true, bom: true }));
    rows = all.length;
  }
  const ms = performance.now() - start;
  store.close();
  const result: WorkerResult = {
    rows,
    ms,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    bytes: statSync(out).size,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runWorker(cliScript: string, kind: string, dir: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    // The baseline gets a large heap so that it finishes (at the default it runs out of memory on a million rows);
    // ours runs with Node's defaults.
    const heap = kind === 'naive' ? ['--max-old-space-size=12000'] : [];
    const child = spawn(process.execPath, [...heap, cliScript, 'bench', 'export'], {
      env: { ...process.env, [WORKER_ENV]: kind, TMINUS_BENCH_EXPORT_DIR: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as WorkerResult);
      else reject(new Error(`export worker ${kind} failed (exit ${code}): ${out}`));
    });
  });
}

export async function runExportBench(options: BenchOptions): Promise<void> {
  const workerKind = process.env[WORKER_ENV];
  if (workerKind) return worker(workerKind, process.env.TMINUS_BENCH_EXPORT_DIR!);
  const count = options.quick ? 100_000 : 1_000_000;
  const temp = makeTempDir('tminus-bench-export-');
  const progress = createProgress(3);
  try {
    progress.step(`seeding ${count.toLocaleString('en-US')} attempts`);
    const store = openStore(temp.dir);
    seedAttempts(store.db, count, (fraction) => progress.update(fraction));
    store.close();
    progress.step('ours: streamed, page by page, with backpressure');
    const ours = await runWorker(options.cliScript, 'ours', temp.dir);
    progress.step('baseline: every row read, then one CSV string');
    const naive = await runWorker(options.cliScript, 'naive', temp.dir);
    progress.done();
    const line = (name: string, r: WorkerResult): Array<string | number> => [
      name,
      r.rows,
      round(r.ms / 1000, 2),
      Math.round(r.rows / (r.ms / 1000)),
      round(r.peakRssMb, 1),
      round(r.bytes / 1e6, 1),
    ];
    const table = markdownTable(
      [`export ${count.toLocaleString('en-US')} attempts`, 'rows', 's', 'rows/s', 'peak RSS MB', 'file MB'],
      [line('tminus (streamed CSV)', ours), line('baseline (all rows, one string)', naive)],
    );
    emitResult(options, table, {
      rows: ours.rows,
      ours: { rowsPerSec: Math.round(ours.rows / (ours.ms / 1000)), peakRssMb: round(ours.peakRssMb, 1) },
      baseline: { rowsPerSec: Math.round(naive.rows / (naive.ms / 1000)), peakRssMb: round(naive.peakRssMb, 1) },
      goal: { peakRssMb: 200, met: ours.peakRssMb < 200 },
    });
  } finally {
    temp.remove();
  }
}
