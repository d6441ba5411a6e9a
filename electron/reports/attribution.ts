// Success-rate attribution: a campaign's attempts counted by one dimension (account, endpoint, fire offset, latency,
// outcome, error class, captcha confidence, retry number, cluster node), each bucket with its attempts, successes and rate.
// Every query reads one covering index (migration 0005) and never sorts: columns are grouped in index order, and
// ranges (fire offset, latency, confidence) are counted one index range per bucket. A million attempts answer in
// well under 200 ms per dimension (`tminus bench reports`).
import type Database from 'better-sqlite3';
import {
  FIRE_BUCKET_MS,
  FIRE_RANGE_MS,
  LATENCY_EDGES,
  RETRY_CAP,
  nodeName,
  type Dimension,
} from '../common/attribution-buckets';

export { DIMENSIONS, type Dimension } from '../common/attribution-buckets';

export interface AttributionRow {
  /** What the bucket is called in a table or chart ("user0001", "10–20 ms", "≥ 500 ms", "no answer"). */
  bucket: string;
  /** The bucket's key for drilling into its attempts: an account id, an endpoint, an outcome, a range's lower bound. */
  key: string | number | null;
  attempts: number;
  successes: number;
  successRate: number;
}

interface Counted {
  key: string | number | null;
  attempts: number;
  successes: number;
}

interface Range {
  key: number | null;
  lo: number | null;
  hi: number | null;
}

const COUNTS = "count(*) AS attempts, coalesce(sum(outcome = 'success'), 0) AS successes";

/** Counts over index ranges of one column: [lo, hi) per bucket (null bounds are open), plus an IS NULL bucket. */
class RangeCounter {
  private readonly between: Database.Statement;
  private readonly nulls: Database.Statement;

  constructor(db: Database.Database, column: string, index: string) {
    const from = `attempts INDEXED BY ${index}`;
    this.between = db.prepare(
      `SELECT ${COUNTS} FROM ${from} WHERE campaign_id = @campaignId AND ${column} >= @lo AND ${column} < @hi`,
    );
    this.nulls = db.prepare(`SELECT ${COUNTS} FROM ${from} WHERE campaign_id = @campaignId AND ${column} IS NULL`);
  }

  count(campaignId: string, ranges: Range[], withNull: boolean): Counted[] {
    const out: Counted[] = [];
    if (withNull) {
      const row = this.nulls.get({ campaignId }) as Counted;
      if (row.attempts > 0) out.push({ ...row, key: null });
    }
    for (const range of ranges) {
      const row = this.between.get({
        campaignId,
        lo: range.lo ?? -Number.MAX_VALUE,
        hi: range.hi ?? Number.MAX_VALUE,
      }) as Counted;
      if (row.attempts > 0) out.push({ ...row, key: range.key });
    }
    return out;
  }
}

const rangesFrom = (edges: number[], offset = 0): Range[] =>
  edges.map((edge, index) => ({
    key: edge,
    lo: offset + edge,
    hi: index + 1 < edges.length ? offset + edges[index + 1]! : null,
  }));

function fireRanges(openAtServerMs: number): Range[] {
  const [min, max] = FIRE_RANGE_MS;
  const ranges: Range[] = [{ key: min - FIRE_BUCKET_MS, lo: null, hi: openAtServerMs + min }];
  for (let from = min; from < max; from += FIRE_BUCKET_MS)
    ranges.push({ key: from, lo: openAtServerMs + from, hi: openAtServerMs + from + FIRE_BUCKET_MS });
  ranges.push({ key: max, lo: openAtServerMs + max, hi: null });
  return ranges;
}

const CONFIDENCE_EDGES = Array.from({ length: 10 }, (_, n) => n / 10);

function label(dimension: Dimension, key: string | number | null, names: Map<number, string>): string {
  switch (dimension) {
    case 'account':
      return names.get(key as number) ?? `#${String(key)}`;
    case 'fireOffset': {
      const from = key as number;
      if (from < FIRE_RANGE_MS[0]) return `< ${FIRE_RANGE_MS[0]} ms`;
      if (from >= FIRE_RANGE_MS[1]) return `≥ ${FIRE_RANGE_MS[1]} ms`;
      return `${from} to ${from + FIRE_BUCKET_MS} ms`;
    }
    case 'latency': {
      if (key === null) return 'no answer';
      const next = LATENCY_EDGES[LATENCY_EDGES.indexOf(key as (typeof LATENCY_EDGES)[number]) + 1];
      return next === undefined ? `≥ ${String(key)} ms` : `${String(key)}–${next} ms`;
    }
    case 'captchaConfidence':
      return key === null ? 'no captcha' : `${(key as number).toFixed(1)}–${((key as number) + 0.1).toFixed(1)}`;
    case 'node':
      return key === null ? 'this machine' : nodeName(key as string);
    case 'retry':
      return (key as number) >= RETRY_CAP
        ? `retry ${RETRY_CAP}+`
        : key === 0
          ? 'first attempt'
          : `retry ${String(key)}`;
    default:
      return String(key);
  }
}

export class AttributionQueries {
  private readonly grouped: Record<'account' | 'endpoint' | 'retry' | 'errorClass' | 'node', Database.Statement>;
  private readonly fire: RangeCounter;
  private readonly latency: RangeCounter;
  private readonly confidence: RangeCounter;
  private readonly names: Database.Statement;
  private readonly open: Database.Statement;

  /** `tableScan`: the benchmark's baseline, the same queries reading the table instead of their indexes. */
  constructor(db: Database.Database, options: { tableScan?: boolean } = {}) {
    const scan = options.tableScan === true;
    const from = (index: string): string => (scan ? 'attempts NOT INDEXED' : `attempts INDEXED BY ${index}`);
    const group = (columns: string, index: string, select = columns): Database.Statement =>
      db.prepare(`SELECT ${select}, ${COUNTS} FROM ${from(index)} WHERE campaign_id = @campaignId GROUP BY ${columns}`);
    this.grouped = {
      account: group('account_id', 'attempts_attr_account', 'account_id AS key'),
      endpoint: group('endpoint', 'attempts_attr_endpoint', 'endpoint AS key'),
      retry: group('retry', 'attempts_attr_retry', 'retry AS key'),
      node: group('node_id', 'attempts_attr_node', 'node_id AS key'),
      errorClass: group('outcome, error_code', 'attempts_attr_error', 'outcome, error_code AS errorCode'),
    };
    this.fire = new RangeCounter(db, 'sent_server_ms', 'attempts_attr_fire');
    this.latency = new RangeCounter(db, 'latency_ms', 'attempts_attr_latency');
    this.confidence = new RangeCounter(db, 'captcha_confidence', 'attempts_attr_captcha');
    this.names = db.prepare(
      `SELECT id, username FROM accounts WHERE id IN (SELECT DISTINCT account_id FROM attempts
         INDEXED BY attempts_attr_account WHERE campaign_id = ?)`,
    );
    this.open = db.prepare('SELECT open_at_server_ms AS openAtServerMs FROM campaigns WHERE id = ?');
  }

  by(campaignId: string, dimension: Dimension): AttributionRow[] {
    const counted = this.count(campaignId, dimension);
    const names =
      dimension === 'account'
        ? new Map(
            (this.names.all(campaignId) as Array<{ id: number; username: string }>).map((r) => [r.id, r.username]),
          )
        : new Map<number, string>();
    return counted.map((row) => ({
      bucket: label(dimension, row.key, names),
      key: row.key,
      attempts: row.attempts,
      successes: row.successes,
      successRate: row.attempts === 0 ? 0 : row.successes / row.attempts,
    }));
  }

  private count(campaignId: string, dimension: Dimension): Counted[] {
    switch (dimension) {
      case 'account':
      case 'endpoint':
      case 'node':
        return this.grouped[dimension].all({ campaignId }) as Counted[];
      case 'retry':
        return merge(this.grouped.retry.all({ campaignId }) as Counted[], (key) => Math.min(RETRY_CAP, key as number));
      case 'outcome':
      case 'errorClass': {
        const rows = this.grouped.errorClass.all({ campaignId }) as Array<{
          outcome: string;
          errorCode: string | null;
          attempts: number;
          successes: number;
        }>;
        return merge(
          rows.map((row) => ({
            key: dimension === 'outcome' ? row.outcome : (row.errorCode ?? row.outcome),
            attempts: row.attempts,
            successes: row.successes,
          })),
          (key) => key,
        );
      }
      case 'fireOffset': {
        const open = this.open.get(campaignId) as { openAtServerMs: number } | undefined;
        return open ? this.fire.count(campaignId, fireRanges(open.openAtServerMs), false) : [];
      }
      case 'latency':
        return this.latency.count(campaignId, rangesFrom([...LATENCY_EDGES]), true);
      case 'captchaConfidence':
        return this.confidence.count(
          campaignId,
          rangesFrom(CONFIDENCE_EDGES).map((range, index) => (index === 9 ? { ...range, hi: null } : range)),
          true,
        );
    }
  }
}

/** Sums rows whose keys map to the same bucket, keeping the first-seen order. */
function merge(rows: Counted[], bucketOf: (key: string | number | null) => string | number | null): Counted[] {
  const byKey = new Map<string | number | null, Counted>();
  for (const row of rows) {
    const key = bucketOf(row.key);
    const found = byKey.get(key);
    if (found) {
      found.attempts += row.attempts;
      found.successes += row.successes;
    } else byKey.set(key, { key, attempts: row.attempts, successes: row.successes });
  }
  return [...byKey.values()];
}
