import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { makeTempDir } from '../../helpers/temp-dir';
import {
  AttemptsRepository,
  CampaignsRepository,
  openStore,
  type AttemptRecord,
  type Store,
} from '../../../electron/store';
import {
  AttributionQueries,
  exportAttempts,
  exportAttribution,
  exportSummary,
  formatInZone,
  ATTEMPT_COLUMNS,
} from '../../../electron/reports';
import { seedAttempts, FIXTURE_CAMPAIGN } from '../../bench/attempts-fixture';

const OPEN = Date.parse('2026-11-26T00:00:00Z'); // 08:00 in Asia/Shanghai

async function collect(write: (out: PassThrough) => Promise<unknown>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await write(out);
  return Buffer.concat(chunks);
}

describe('reports: attribution and CSV exports (real SQLite)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));
  const store = (): Store => {
    const dir = makeTempDir();
    const opened = openStore(dir.dir);
    cleanups.push(() => {
      opened.close();
      dir.remove();
    });
    return opened;
  };

  /** Two accounts with awkward usernames and a campaign with five known attempts. */
  const awkward = (db: Store): { alice: number; bob: number } => {
    seedAttempts(db.db, 0); // target, 1,000 accounts and the fixture campaign (no attempts)
    const insert = db.db.prepare(
      "INSERT INTO accounts (target_id, username, created_at_ms, updated_at_ms) VALUES ('simulator', ?, 0, 0)",
    );
    const alice = Number(insert.run('=cmd|"/c calc"!A1').lastInsertRowid);
    const bob = Number(insert.run('王小明, "Bob"\nline two').lastInsertRowid);
    new CampaignsRepository(db.db).insert(
      {
        id: 'c1',
        targetId: 'simulator',
        name: '早八点',
        itemId: 'G1',
        openAtServerMs: OPEN,
        timeZone: 'Asia/Shanghai',
        spec: {},
      },
      0,
    );
    const base = (over: Partial<AttemptRecord>): AttemptRecord => ({
      campaignId: 'c1',
      accountId: alice,
      itemId: 'G1',
      endpoint: 'http://127.0.0.1:1',
      idempotencyKey: 'k',
      retry: 0,
      plannedSendLocalMs: OPEN - 1_000,
      plannedSendServerMs: OPEN,
      sentLocalMs: OPEN - 999,
      sentServerMs: OPEN + 1,
      serverReceivedMs: OPEN + 6,
      latencyMs: 12,
      httpStatus: 409,
      outcome: 'notOpen',
      errorCode: 'NOT_OPEN',
      errorMessage: null,
      captchaConfidence: null,
      orderId: null,
      ...over,
    });
    new AttemptsRepository(db.db).insertBatch([
      base({}),
      base({
        retry: 1,
        sentServerMs: OPEN + 16,
        latencyMs: 3,
        httpStatus: 201,
        outcome: 'success',
        errorCode: null,
        orderId: '+86 order',
        captchaConfidence: 0.97,
      }),
      base({
        accountId: bob,
        endpoint: 'http://127.0.0.1:2',
        sentServerMs: OPEN - 3,
        latencyMs: null,
        httpStatus: null,
        outcome: 'retryable',
        errorCode: 'ECONNRESET',
        errorMessage: 'reset, "peer"\nclosed',
      }),
      base({
        accountId: bob,
        endpoint: 'http://127.0.0.1:2',
        retry: 1,
        sentServerMs: OPEN + 22,
        latencyMs: 250,
        httpStatus: 429,
        outcome: 'rateLimited',
        errorCode: 'RATE_LIMITED',
        captchaConfidence: 0.42,
      }),
      base({
        accountId: bob,
        endpoint: 'http://127.0.0.1:1',
        retry: 12,
        sentServerMs: OPEN + 700,
        latencyMs: 40,
        httpStatus: 410,
        outcome: 'soldOut',
        errorCode: '@SOLD_OUT',
      }),
    ]);
    return { alice, bob };
  };

  it('attributes success by every dimension, with buckets an operator can read', () => {
    const db = store();
    const { alice, bob } = awkward(db);
    const queries = new AttributionQueries(db.db);
    expect(queries.by('c1', 'account')).toEqual([
      { bucket: '=cmd|"/c calc"!A1', key: alice, attempts: 2, successes: 1, successRate: 0.5 },
      { bucket: '王小明, "Bob"\nline two', key: bob, attempts: 3, successes: 0, successRate: 0 },
    ]);
    expect(queries.by('c1', 'endpoint').map((r) => [r.key, r.attempts, r.successes])).toEqual([
      ['http://127.0.0.1:1', 3, 1],
      ['http://127.0.0.1:2', 2, 0],
    ]);
    expect(queries.by('c1', 'fireOffset').map((r) => [r.bucket, r.attempts])).toEqual([
      ['-5 to 0 ms', 1],
      ['0 to 5 ms', 1],
      ['15 to 20 ms', 1],
      ['20 to 25 ms', 1],
      ['≥ 500 ms', 1],
    ]);
    expect(queries.by('c1', 'latency').map((r) => [r.bucket, r.attempts, r.successes])).toEqual([
      ['no answer', 1, 0],
      ['0–5 ms', 1, 1],
      ['10–20 ms', 1, 0],
      ['20–50 ms', 1, 0],
      ['200–500 ms', 1, 0],
    ]);
    expect(
      queries
        .by('c1', 'errorClass')
        .map((r) => [r.bucket, r.attempts])
        .sort(),
    ).toEqual(
      [
        ['@SOLD_OUT', 1],
        ['ECONNRESET', 1],
        ['NOT_OPEN', 1],
        ['RATE_LIMITED', 1],
        ['success', 1],
      ].sort(),
    );
    expect(queries.by('c1', 'outcome').find((r) => r.key === 'success')).toMatchObject({ successRate: 1 });
    expect(queries.by('c1', 'captchaConfidence').map((r) => [r.bucket, r.attempts])).toEqual([
      ['no captcha', 3],
      ['0.4–0.5', 1],
      ['0.9–1.0', 1],
    ]);
    expect(queries.by('c1', 'retry').map((r) => [r.bucket, r.attempts])).toEqual([
      ['first attempt', 2],
      ['retry 1', 2],
      ['retry 10+', 1],
    ]);
  });

  it('round-trips attempts through CSV: commas, quotes, newlines, Chinese text, formula-looking cells, BOM, ISO offsets', async () => {
    const db = store();
    awkward(db);
    const csv = await collect((out) => exportAttempts(db.db, 'c1', out, { bom: true }));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(csv.subarray(3).toString('utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual(ATTEMPT_COLUMNS);
    expect(rows).toHaveLength(5);
    expect(rows[0]!.username).toBe(`'=cmd|"/c calc"!A1`);
    expect(rows[2]!.username).toBe('王小明, "Bob"\nline two');
    expect(rows[2]!.error_message).toBe('reset, "peer"\nclosed');
    expect(rows[1]!.order_id).toBe(`'+86 order`);
    expect(rows[4]!.error_code).toBe(`'@SOLD_OUT`);
    expect(rows[2]!.fire_offset_ms).toBe('-3'); // numbers are not neutralised
    expect(rows[0]!.sent_server).toBe('2026-11-26T08:00:00.001+08:00');
    expect(rows[0]!.planned_send_server).toBe('2026-11-26T08:00:00.000+08:00');
    expect(rows[2]!.latency_ms).toBe('');
    const utc = parse((await collect((out) => exportAttempts(db.db, 'c1', out, { timeZone: 'UTC' }))).toString(), {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(utc[0]!.sent_server).toBe('2026-11-26T00:00:00.001+00:00');
    const filtered = parse(
      (
        await collect((out) => exportAttempts(db.db, 'c1', out, { filter: { outcomes: ['success', 'soldOut'] } }))
      ).toString(),
      { columns: true },
    ) as Array<Record<string, string>>;
    expect(filtered.map((row) => row.outcome)).toEqual(['success', 'soldOut']);
  });

  it('writes the summary and the attribution tables', async () => {
    const db = store();
    awkward(db);
    const summary = parse((await collect((out) => exportSummary(db.db, ['c1'], out))).toString(), {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(summary[0]).toMatchObject({
      campaign_id: 'c1',
      name: '早八点',
      opens_at: '2026-11-26T08:00:00.000+08:00',
      accounts: '2',
      accounts_booked: '1',
      attempts: '5',
      attempts_success: '1',
      attempts_soldOut: '1',
      first_success_at: '2026-11-26T08:00:00.006+08:00',
      first_success_after_open_ms: '6',
    });
    await expect(collect((out) => exportSummary(db.db, ['c1', 'nope'], out))).rejects.toThrow(/no campaign nope/);
    const attribution = parse((await collect((out) => exportAttribution(db.db, 'c1', out))).toString(), {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(new Set(attribution.map((row) => row.dimension))).toEqual(
      new Set(['account', 'endpoint', 'fireOffset', 'latency', 'outcome', 'errorClass', 'captchaConfidence', 'retry', 'node']),
    );
    expect(
      attribution.find((row) => row.dimension === 'account' && row.key !== '' && row.successes === '1'),
    ).toMatchObject({
      bucket: `'=cmd|"/c calc"!A1`,
      success_rate: '0.5',
    });
  });

  it('streams a large export page by page with every row present once', async () => {
    const db = store();
    seedAttempts(db.db, 12_345);
    let progressCalls = 0;
    const csv = await collect((out) =>
      exportAttempts(db.db, FIXTURE_CAMPAIGN, out, { onProgress: () => (progressCalls += 1) }),
    );
    const rows = parse(csv.toString('utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(12_345);
    expect(new Set(rows.map((row) => row.attempt_id)).size).toBe(12_345);
    expect(progressCalls).toBe(13); // pages of 1,000
  });

  it('formats instants in a zone with its offset, across a daylight-saving change', () => {
    expect(formatInZone(Date.parse('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00.000+02:00');
    expect(formatInZone(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00.000+01:00');
    expect(formatInZone(Date.parse('2026-11-26T00:00:00.5Z'), 'Asia/Kolkata')).toBe('2026-11-26T05:30:00.500+05:30');
    expect(formatInZone(0, 'UTC')).toBe('1970-01-01T00:00:00.000+00:00');
  });
});
