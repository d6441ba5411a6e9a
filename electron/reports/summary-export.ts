// The campaign summary and the attribution tables as CSV: small tables an analyst opens in a spreadsheet.
import type { Writable } from 'node:stream';
import type Database from 'better-sqlite3';
import { OutcomeSchema } from '../ipc/contract';
import { csvSink } from './csv-stream';
import { formatInZone } from './iso-instant';
import { AttributionQueries, DIMENSIONS } from './attribution';
import { campaignForExport } from './attempts-export';

interface CampaignRow {
  id: string;
  name: string;
  target_id: string;
  item_id: string;
  state: string;
  time_zone: string;
  open_at_server_ms: number;
  observed_open_at_server_ms: number | null;
  armed_at_ms: number | null;
  ended_at_ms: number | null;
  summary_json: string | null;
}

interface StoredSummary {
  fire?: { p50Ms: number | null; p99Ms: number | null };
  offsetMs?: number;
  boundMs?: number;
}

const OUTCOMES = OutcomeSchema.options;

export const SUMMARY_COLUMNS = [
  'campaign_id',
  'name',
  'target',
  'item',
  'state',
  'time_zone',
  'opens_at',
  'observed_open_at',
  'observed_minus_nominal_ms',
  'armed_at',
  'ended_at',
  'accounts',
  'accounts_booked',
  'attempts',
  ...OUTCOMES.map((outcome) => `attempts_${outcome}`),
  'first_success_at',
  'first_success_after_open_ms',
  'fire_p50_ms',
  'fire_p99_ms',
  'clock_offset_ms',
  'clock_bound_ms',
];

export async function exportSummary(
  db: Database.Database,
  campaignIds: string[],
  out: Writable,
  options: { bom?: boolean; timeZone?: string } = {},
): Promise<{ rows: number }> {
  for (const id of campaignIds) campaignForExport(db, id); // every id known before anything is written
  const sink = csvSink(out, SUMMARY_COLUMNS, { bom: options.bom });
  const campaignStatement = db.prepare('SELECT * FROM campaigns WHERE id = ?');
  const counts = db.prepare(
    `SELECT outcome, count(*) AS n FROM attempts INDEXED BY attempts_attr_error WHERE campaign_id = ? GROUP BY outcome`,
  );
  const accounts = db.prepare(
    `SELECT count(DISTINCT account_id) AS accounts,
       (SELECT count(DISTINCT account_id) FROM attempts WHERE campaign_id = @id AND outcome = 'success') AS booked,
       (SELECT min(coalesce(server_received_ms, sent_server_ms)) FROM attempts
          WHERE campaign_id = @id AND outcome = 'success') AS firstSuccess
     FROM attempts INDEXED BY attempts_attr_account WHERE campaign_id = @id`,
  );
  for (const id of campaignIds) {
    const campaign = campaignStatement.get(id) as CampaignRow;
    const zone = options.timeZone ?? campaign.time_zone;
    const at = (value: number | null): string | null => (value === null ? null : formatInZone(value, zone));
    const byOutcome = new Map(
      (counts.all(id) as Array<{ outcome: string; n: number }>).map((row) => [row.outcome, row.n]),
    );
    const who = accounts.get({ id }) as { accounts: number; booked: number; firstSuccess: number | null };
    const summary = (campaign.summary_json ? JSON.parse(campaign.summary_json) : {}) as StoredSummary;
    const total = [...byOutcome.values()].reduce((sum, n) => sum + n, 0);
    const round = (value: number | null | undefined): number | null =>
      value === null || value === undefined ? null : Number(value.toFixed(3));
    const wait = sink.row([
      campaign.id,
      campaign.name,
      campaign.target_id,
      campaign.item_id,
      campaign.state,
      zone,
      at(campaign.open_at_server_ms),
      at(campaign.observed_open_at_server_ms),
      campaign.observed_open_at_server_ms === null
        ? null
        : round(campaign.observed_open_at_server_ms - campaign.open_at_server_ms),
      at(campaign.armed_at_ms),
      at(campaign.ended_at_ms),
      who.accounts,
      who.booked,
      total,
      ...OUTCOMES.map((outcome) => byOutcome.get(outcome) ?? 0),
      at(who.firstSuccess),
      who.firstSuccess === null ? null : round(who.firstSuccess - campaign.open_at_server_ms),
      round(summary.fire?.p50Ms),
      round(summary.fire?.p99Ms),
      round(summary.offsetMs),
      round(summary.boundMs),
    ]);
    if (wait) await wait;
  }
  await sink.end();
  return { rows: campaignIds.length };
}

export const ATTRIBUTION_COLUMNS = ['dimension', 'bucket', 'key', 'attempts', 'successes', 'success_rate'];

export async function exportAttribution(
  db: Database.Database,
  campaignId: string,
  out: Writable,
  options: { bom?: boolean } = {},
): Promise<{ rows: number }> {
  campaignForExport(db, campaignId);
  const queries = new AttributionQueries(db);
  const tables = DIMENSIONS.map((dimension) => ({ dimension, rows: queries.by(campaignId, dimension) }));
  const sink = csvSink(out, ATTRIBUTION_COLUMNS, { bom: options.bom });
  let rows = 0;
  for (const { dimension, rows: buckets } of tables) {
    for (const bucket of buckets) {
      const wait = sink.row([
        dimension,
        bucket.bucket,
        bucket.key,
        bucket.attempts,
        bucket.successes,
        Number(bucket.successRate.toFixed(4)),
      ]);
      if (wait) await wait;
      rows += 1;
    }
  }
  await sink.end();
  return { rows };
}
