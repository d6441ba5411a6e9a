// `tminus bench accounts`: importing 10,000 CSV rows into the pool — parsing, checking every row, sealing each
// password with AES-256-GCM, one transaction — against a baseline that inserts the same rows raw (no checks, no
// encryption) with a prepared statement in one transaction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../electron/app';
import { createProgress } from '../../electron/cli/progress';
import { emitResult, markdownTable, round, type BenchOptions } from './bench-output';

const ROWS = 10_000;

function makeCsv(rows: number): Buffer {
  const lines = ['username,password,label,group,priority,tags,notes'];
  for (let n = 1; n <= rows; n += 1) {
    lines.push(`user${n},pw-${n}-x7Qe,客户 ${n},group-${n % 20},${n % 10},vip;morning,"备注, 第 ${n} 行"`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

export async function runAccountsBench(options: BenchOptions): Promise<void> {
  const runs = options.quick ? 2 : 5;
  const csv = makeCsv(ROWS);
  const progress = createProgress(runs * 2);
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const dir = mkdtempSync(join(tmpdir(), 'tminus-bench-accounts-'));
    const app = createApp({ dataDir: dir });
    try {
      progress.step(`import ${ROWS} rows (run ${run + 1})`);
      const started = performance.now();
      const report = app.accounts.importCsv('simulator', csv, { dryRun: false });
      ours.push(performance.now() - started);
      if (report.imported !== ROWS)
        throw new Error(`imported ${report.imported} of ${ROWS}: ${JSON.stringify(report.problems.slice(0, 3))}`);

      progress.step(`baseline: raw insert of ${ROWS} rows (run ${run + 1})`);
      app.store.db.exec('DELETE FROM accounts');
      const insert = app.store.db.prepare(
        `INSERT INTO accounts (target_id, username, label, group_name, priority, tags_json, notes, created_at_ms, updated_at_ms)
         VALUES ('simulator', ?, ?, ?, ?, '[]', ?, 0, 0)`,
      );
      const rawStarted = performance.now();
      const text = csv.toString('utf8').split('\n').slice(1, -1);
      app.store.db.transaction(() => {
        for (const line of text) {
          const [username, , label, group, priority, , notes] = line.split(',');
          insert.run(username, label, group, Number(priority), notes);
        }
      })();
      baseline.push(performance.now() - rawStarted);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  progress.done();
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const oursMs = median(ours);
  const baseMs = median(baseline);
  const table = markdownTable(
    ['import of 10,000 rows (median of ' + runs + ')', 'ms', 'rows/s', 'vs baseline'],
    [
      [
        'tminus accounts import (parse, check, seal, one transaction)',
        round(oursMs, 1),
        round((ROWS / oursMs) * 1000, 0),
        `${round(oursMs / baseMs, 2)}×`,
      ],
      ['baseline: raw INSERT, no checks, no encryption', round(baseMs, 1), round((ROWS / baseMs) * 1000, 0), '1.00×'],
    ],
  );
  emitResult(options, table, {
    rows: ROWS,
    runs,
    importMs: round(oursMs, 2),
    baselineMs: round(baseMs, 2),
    ratio: round(oursMs / baseMs, 3),
    goal: { underMs: 1000, met: oursMs < 1000 },
  });
}
