// `tminus bench reports`: every attribution dimension over a campaign of 1,000,000 attempts, through its covering
// index, next to the obvious query as a user would write it (GROUP BY the column or bucket expression), on the same
// table with the same indexes — SQLite's planner is free to use them — in the same run. Goal: ≤ 200 ms per query.
import { openStore } from '../../electron/store';
import { AttributionQueries, DIMENSIONS } from '../../electron/reports/attribution';
import { createProgress } from '../../electron/cli/progress';
import { makeTempDir } from '../helpers/temp-dir';
import { emitResult, markdownTable, round, type BenchOptions } from './bench-output';
import { FIXTURE_CAMPAIGN, FIXTURE_OPEN_MS, seedAttempts } from './attempts-fixture';

/** The obvious SQL for each dimension, as a user writes it; the planner picks whatever index it likes. */
const NAIVE: Record<(typeof DIMENSIONS)[number], string> = {
  account: 'account_id',
  endpoint: 'endpoint',
  fireOffset: 'max(-105, min(500, CAST(floor((sent_server_ms - @open) / 5.0) AS INTEGER) * 5))',
  latency:
    'CASE WHEN latency_ms IS NULL THEN NULL WHEN latency_ms < 5 THEN 0 WHEN latency_ms < 10 THEN 5 WHEN latency_ms < 20 THEN 10 WHEN latency_ms < 50 THEN 20 WHEN latency_ms < 100 THEN 50 WHEN latency_ms < 200 THEN 100 WHEN latency_ms < 500 THEN 200 WHEN latency_ms < 1000 THEN 500 WHEN latency_ms < 3000 THEN 1000 ELSE 3000 END',
  outcome: 'outcome',
  errorClass: 'coalesce(error_code, outcome)',
  captchaConfidence:
    'CASE WHEN captcha_confidence IS NULL THEN NULL ELSE min(9, CAST(floor(captcha_confidence * 10) AS INTEGER)) END',
  retry: 'min(retry, 10)',
  node: 'node_id',
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function runReportsBench(options: BenchOptions): Promise<void> {
  const count = options.quick ? 100_000 : 1_000_000;
  const repeats = options.quick ? 3 : 5;
  const temp = makeTempDir('tminus-bench-reports-');
  const store = openStore(temp.dir);
  const progress = createProgress(3);
  try {
    progress.step(`seeding ${count.toLocaleString('en-US')} attempts`);
    seedAttempts(store.db, count, (fraction) => progress.update(fraction));
    const ours = new AttributionQueries(store.db);
    const naive = Object.fromEntries(
      DIMENSIONS.map((dimension) => [
        dimension,
        store.db.prepare(
          `SELECT ${NAIVE[dimension]} AS key, count(*) AS attempts, sum(outcome = 'success') AS successes
           FROM attempts WHERE campaign_id = @campaign GROUP BY key`,
        ),
      ]),
    );
    const time = (run: () => unknown): number => {
      const samples: number[] = [];
      for (let n = 0; n < repeats; n += 1) {
        const start = performance.now();
        run();
        samples.push(performance.now() - start);
      }
      return median(samples);
    };
    const params = (dimension: string) => ({
      campaign: FIXTURE_CAMPAIGN,
      ...(dimension === 'fireOffset' ? { open: FIXTURE_OPEN_MS } : {}),
    });
    progress.step('attribution through covering indexes');
    const oursMs = Object.fromEntries(
      DIMENSIONS.map((dimension) => [dimension, time(() => ours.by(FIXTURE_CAMPAIGN, dimension))]),
    );
    progress.step('baseline: the obvious GROUP BY, same indexes');
    const baseMs = Object.fromEntries(
      DIMENSIONS.map((dimension) => [dimension, time(() => naive[dimension]!.all(params(dimension)))]),
    );
    progress.done();
    const rows = DIMENSIONS.map((dimension) => [
      dimension,
      ours.by(FIXTURE_CAMPAIGN, dimension).length,
      round(oursMs[dimension]!, 1),
      round(baseMs[dimension]!, 1),
      round(baseMs[dimension]! / oursMs[dimension]!, 2),
    ]);
    const worst = Math.max(...Object.values(oursMs));
    const table = markdownTable(
      [
        `attribution over ${count.toLocaleString('en-US')} attempts`,
        'buckets',
        'ours ms (median)',
        'obvious GROUP BY ms',
        'ratio',
      ],
      rows,
    );
    emitResult(options, table, {
      attempts: count,
      queries: Object.fromEntries(
        DIMENSIONS.map((dimension) => [
          dimension,
          { ms: round(oursMs[dimension]!, 2), baselineMs: round(baseMs[dimension]!, 2) },
        ]),
      ),
      worstMs: round(worst, 2),
      goal: { ms: 200, met: worst <= 200 },
    });
  } finally {
    store.close();
    temp.remove();
  }
}
