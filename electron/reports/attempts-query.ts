// The attempts table in the console: one page of a campaign's attempts, filtered and sorted, with the total.
import type Database from 'better-sqlite3';
import { filterSql, type AttemptFilter } from './attempt-filter';

export const SORTABLE = {
  id: 'a.id',
  sentServerMs: 'a.sent_server_ms',
  latencyMs: 'a.latency_ms',
  retry: 'a.retry',
  outcome: 'a.outcome',
  accountId: 'a.account_id',
  endpoint: 'a.endpoint',
} as const;
export type SortField = keyof typeof SORTABLE;

export interface AttemptRow {
  id: number;
  accountId: number;
  username: string | null;
  endpoint: string;
  retry: number;
  plannedSendServerMs: number | null;
  sentServerMs: number | null;
  serverReceivedMs: number | null;
  latencyMs: number | null;
  httpStatus: number | null;
  outcome: string;
  errorCode: string | null;
  captchaConfidence: number | null;
  orderId: string | null;
  /** The cluster node that sent it; null: this machine. */
  nodeId: string | null;
}

export function queryAttempts(
  db: Database.Database,
  input: {
    campaignId: string;
    filter?: AttemptFilter;
    sort?: { field: SortField; order: 'asc' | 'desc' };
    offset: number;
    limit: number;
  },
): { total: number; rows: AttemptRow[] } {
  const { sql, params } = filterSql(input.filter);
  const sort = input.sort ?? { field: 'id', order: 'asc' };
  const order = `${SORTABLE[sort.field]} ${sort.order === 'desc' ? 'DESC' : 'ASC'}, a.id ${sort.order === 'desc' ? 'DESC' : 'ASC'}`;
  const all = { campaignId: input.campaignId, ...params };
  const total = (
    db.prepare(`SELECT count(*) AS n FROM attempts a WHERE a.campaign_id = @campaignId${sql}`).get(all) as { n: number }
  ).n;
  const rows = db
    .prepare(
      `SELECT a.id, a.account_id AS accountId, u.username, a.endpoint, a.retry,
         a.planned_send_server_ms AS plannedSendServerMs, a.sent_server_ms AS sentServerMs,
         a.server_received_ms AS serverReceivedMs, a.latency_ms AS latencyMs, a.http_status AS httpStatus,
         a.outcome, a.error_code AS errorCode, a.captcha_confidence AS captchaConfidence, a.order_id AS orderId,
         a.node_id AS nodeId
       FROM attempts a LEFT JOIN accounts u ON u.id = a.account_id
       WHERE a.campaign_id = @campaignId${sql} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    )
    .all({ ...all, limit: input.limit, offset: input.offset }) as AttemptRow[];
  return { total, rows };
}

/** The accounts a campaign leased or used: each one's state and how it fared in this campaign. */
export function campaignAccounts(
  db: Database.Database,
  campaignId: string,
): Array<{
  accountId: number;
  username: string;
  status: string;
  leased: boolean;
  attempts: number;
  successes: number;
  lastOutcome: string | null;
}> {
  return db
    .prepare(
      `WITH used AS (
         SELECT account_id, count(*) AS attempts, coalesce(sum(outcome = 'success'), 0) AS successes,
           max(id) AS last_id
         FROM attempts INDEXED BY attempts_attr_account WHERE campaign_id = @campaignId GROUP BY account_id)
       SELECT u.id AS accountId, u.username, u.status,
         u.lease_owner IN (@campaignId, 'cluster:' || @campaignId) AS leased,
         coalesce(used.attempts, 0) AS attempts, coalesce(used.successes, 0) AS successes,
         (SELECT outcome FROM attempts WHERE id = used.last_id) AS lastOutcome
       FROM accounts u LEFT JOIN used ON used.account_id = u.id
       WHERE u.lease_owner IN (@campaignId, 'cluster:' || @campaignId) OR used.account_id IS NOT NULL
       ORDER BY u.id`,
    )
    .all({ campaignId })
    .map((row) => {
      const r = row as { leased: number | null } & Record<string, unknown>;
      return { ...r, leased: r.leased === 1 } as never;
    });
}

/**
 * How far before an observed open instant the target was still seen closed for it to count: an observation is only
 * bracketed when a "not open" answer arrived shortly before the first answer that proved the sale open. A run whose
 * first answers were 401s, an outage, or all late saw the sale open only some time after it did: an upper bound.
 */
export const BRACKET_MS = 200;

/** Observed vs nominal open instants of a target's campaigns, newest first, and the lead the bracketed ones suggest. */
export function openHistory(
  db: Database.Database,
  targetId: string,
): {
  campaigns: Array<{
    campaignId: string;
    name: string;
    openAtServerMs: number;
    observedOpenAtServerMs: number;
    deltaMs: number;
    /** The last "not open" answer before the observed instant (server clock); null when none came. */
    closedUntilServerMs: number | null;
    /** Bracketed within BRACKET_MS, so the lead suggestion uses it. */
    usable: boolean;
  }>;
  suggestedLeadMs: number | null;
} {
  const lastClosed = db.prepare(
    `SELECT max(coalesce(server_received_ms, sent_server_ms + latency_ms / 2)) AS closedMs FROM attempts
     WHERE campaign_id = ? AND outcome = 'notOpen' AND latency_ms IS NOT NULL
       AND coalesce(server_received_ms, sent_server_ms + latency_ms / 2) <= ?`,
  );
  const campaigns = (
    db
      .prepare(
        `SELECT id AS campaignId, name, open_at_server_ms AS openAtServerMs,
           observed_open_at_server_ms AS observedOpenAtServerMs
         FROM campaigns WHERE target_id = ? AND observed_open_at_server_ms IS NOT NULL
         ORDER BY open_at_server_ms DESC LIMIT 50`,
      )
      .all(targetId) as Array<{
      campaignId: string;
      name: string;
      openAtServerMs: number;
      observedOpenAtServerMs: number;
    }>
  ).map((row) => {
    const closed = (lastClosed.get(row.campaignId, row.observedOpenAtServerMs) as { closedMs: number | null }).closedMs;
    return {
      ...row,
      deltaMs: row.observedOpenAtServerMs - row.openAtServerMs,
      closedUntilServerMs: closed,
      usable: closed !== null && row.observedOpenAtServerMs - closed <= BRACKET_MS,
    };
  });
  // The median of the last ten usable ones: a target that opens d ms late is best met by sending d ms later (−d).
  const recent = campaigns
    .filter((row) => row.usable)
    .slice(0, 10)
    .map((row) => row.deltaMs)
    .sort((a, b) => a - b);
  const median = recent.length === 0 ? null : recent[Math.floor(recent.length / 2)]!;
  const suggestedLeadMs = median === null ? null : Math.max(-5_000, Math.min(5_000, -Math.round(median)));
  return { campaigns, suggestedLeadMs };
}
