// Attempts as CSV, streamed: pages of 5,000 by id (an index range each), each row written with backpressure, so an
// export of a million attempts holds one page in memory. Instants are ISO-8601 with the campaign's zone offset.
import type { Writable } from 'node:stream';
import type Database from 'better-sqlite3';
import { TminusError } from '../errors';
import { csvSink, type Cell } from './csv-stream';
import { filterSql, type AttemptFilter } from './attempt-filter';
import { formatInZone } from './iso-instant';

export const ATTEMPT_COLUMNS = [
  'attempt_id',
  'campaign_id',
  'account_id',
  'username',
  'item',
  'endpoint',
  'retry',
  'outcome',
  'http_status',
  'error_code',
  'error_message',
  'planned_send_server',
  'sent_server',
  'server_received',
  'sent_local',
  'fire_offset_ms',
  'latency_ms',
  'captcha_confidence',
  'order_id',
  'idempotency_key',
  // The cluster node that sent it (empty: this machine); `sent_local` is then that node's own clock.
  'node',
];

export interface ExportOptions {
  bom?: boolean;
  /** Zone of the ISO instants; default the campaign's. */
  timeZone?: string;
  filter?: AttemptFilter;
  onProgress?: (rows: number, total: number) => void;
}

interface Row {
  id: number;
  account_id: number;
  username: string | null;
  item_id: string;
  endpoint: string;
  retry: number;
  outcome: string;
  http_status: number | null;
  error_code: string | null;
  error_message: string | null;
  planned_send_server_ms: number | null;
  sent_server_ms: number | null;
  server_received_ms: number | null;
  sent_local_ms: number;
  latency_ms: number | null;
  captcha_confidence: number | null;
  order_id: string | null;
  idempotency_key: string;
  node_id: string | null;
}

const PAGE = 1_000;
const ms = (value: number | null, digits = 3): number | null => (value === null ? null : Number(value.toFixed(digits)));

export function campaignForExport(
  db: Database.Database,
  campaignId: string,
): { id: string; name: string; timeZone: string; openAtServerMs: number } {
  const campaign = db
    .prepare('SELECT id, name, time_zone AS timeZone, open_at_server_ms AS openAtServerMs FROM campaigns WHERE id = ?')
    .get(campaignId) as { id: string; name: string; timeZone: string; openAtServerMs: number } | undefined;
  if (!campaign) throw new TminusError('CAMPAIGN_NOT_FOUND', `campaign: no campaign ${campaignId}`);
  return campaign;
}

export async function exportAttempts(
  db: Database.Database,
  campaignId: string,
  out: Writable,
  options: ExportOptions = {},
): Promise<{ rows: number }> {
  const campaign = campaignForExport(db, campaignId);
  const zone = options.timeZone ?? campaign.timeZone;
  const { sql, params } = filterSql(options.filter);
  const page = db.prepare(`SELECT a.id, a.account_id, u.username, a.item_id, a.endpoint, a.retry, a.outcome,
      a.http_status, a.error_code, a.error_message, a.planned_send_server_ms, a.sent_server_ms, a.server_received_ms,
      a.sent_local_ms, a.latency_ms, a.captcha_confidence, a.order_id, a.idempotency_key, a.node_id
    FROM attempts a LEFT JOIN accounts u ON u.id = a.account_id
    WHERE a.campaign_id = @campaignId AND a.id > @after${sql} ORDER BY a.id LIMIT ${PAGE}`);
  const total = (
    db.prepare(`SELECT count(*) AS n FROM attempts a WHERE a.campaign_id = @campaignId${sql}`).get({
      campaignId,
      ...params,
    }) as { n: number }
  ).n;
  const instant = (value: number | null): string | null => (value === null ? null : formatInZone(value, zone));
  const sink = csvSink(out, ATTEMPT_COLUMNS, { bom: options.bom });
  let rows = 0;
  let after = 0;
  for (;;) {
    // Each page is read whole before any await: no statement stays open while the engine writes.
    const batch = page.all({ campaignId, after, ...params }) as Row[];
    for (const row of batch) {
      const cells: Cell[] = [
        row.id,
        campaignId,
        row.account_id,
        row.username,
        row.item_id,
        row.endpoint,
        row.retry,
        row.outcome,
        row.http_status,
        row.error_code,
        row.error_message,
        instant(row.planned_send_server_ms),
        instant(row.sent_server_ms),
        instant(row.server_received_ms),
        instant(row.sent_local_ms),
        row.sent_server_ms === null ? null : ms(row.sent_server_ms - campaign.openAtServerMs),
        ms(row.latency_ms),
        row.captcha_confidence === null ? null : Number(row.captcha_confidence.toFixed(4)),
        row.order_id,
        row.idempotency_key,
        row.node_id,
      ];
      const wait = sink.row(cells);
      if (wait) await wait;
    }
    rows += batch.length;
    options.onProgress?.(rows, total);
    if (batch.length < PAGE) break;
    after = batch.at(-1)!.id;
  }
  await sink.end();
  return { rows };
}
