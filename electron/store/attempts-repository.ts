// The `attempts` table: every request of every account in every campaign, written in batches (one transaction each).
import type Database from 'better-sqlite3';
import type { Outcome } from '../ipc/contract';

export interface AttemptRecord {
  id?: number;
  campaignId: string;
  accountId: number;
  itemId: string;
  endpoint: string;
  idempotencyKey: string;
  retry: number;
  plannedSendLocalMs: number | null;
  plannedSendServerMs: number | null;
  sentLocalMs: number;
  sentServerMs: number | null;
  serverReceivedMs: number | null;
  latencyMs: number | null;
  httpStatus: number | null;
  outcome: Outcome;
  errorCode: string | null;
  errorMessage: string | null;
  captchaConfidence: number | null;
  orderId: string | null;
  /** The cluster node that sent it (a campaign coordinated across machines); null or absent: this machine. */
  nodeId?: string | null;
}

const COLUMNS: Array<[keyof AttemptRecord, string]> = [
  ['id', 'id'],
  ['campaignId', 'campaign_id'],
  ['accountId', 'account_id'],
  ['itemId', 'item_id'],
  ['endpoint', 'endpoint'],
  ['idempotencyKey', 'idempotency_key'],
  ['retry', 'retry'],
  ['plannedSendLocalMs', 'planned_send_local_ms'],
  ['plannedSendServerMs', 'planned_send_server_ms'],
  ['sentLocalMs', 'sent_local_ms'],
  ['sentServerMs', 'sent_server_ms'],
  ['serverReceivedMs', 'server_received_ms'],
  ['latencyMs', 'latency_ms'],
  ['httpStatus', 'http_status'],
  ['outcome', 'outcome'],
  ['errorCode', 'error_code'],
  ['errorMessage', 'error_message'],
  ['captchaConfidence', 'captcha_confidence'],
  ['orderId', 'order_id'],
  ['nodeId', 'node_id'],
];

const SELECT_LIST = COLUMNS.map(([field, column]) => `${column} AS ${field}`).join(', ');
const INSERT_COLUMNS = COLUMNS.filter(([field]) => field !== 'id');

export class AttemptsRepository {
  private readonly insertStatement;
  private readonly pageStatement;
  private readonly countStatement;
  private readonly insertMany;
  private readonly outcomeCountsStatement;
  private readonly firstSuccessStatement;
  private readonly byKeyStatement;
  private byIdStatement: Database.Statement | undefined;

  constructor(private readonly db: Database.Database) {
    this.insertStatement = db.prepare(
      `INSERT INTO attempts (${INSERT_COLUMNS.map(([, column]) => column).join(', ')})
       VALUES (${INSERT_COLUMNS.map(([field]) => `@${field}`).join(', ')})`,
    );
    this.pageStatement = db.prepare(
      `SELECT ${SELECT_LIST} FROM attempts WHERE campaign_id = ? ORDER BY sent_local_ms, id LIMIT ? OFFSET ?`,
    );
    this.countStatement = db.prepare('SELECT count(*) AS n FROM attempts WHERE campaign_id = ?');
    this.outcomeCountsStatement = db.prepare(
      'SELECT outcome, count(*) AS n FROM attempts WHERE campaign_id = ? GROUP BY outcome',
    );
    this.firstSuccessStatement = db.prepare(`SELECT min(coalesce(server_received_ms, sent_server_ms)) AS atServerMs,
        count(DISTINCT account_id) AS accounts FROM attempts WHERE campaign_id = ? AND outcome = 'success'`);
    this.byKeyStatement = db.prepare(
      `SELECT ${SELECT_LIST} FROM attempts WHERE campaign_id = ? AND idempotency_key = ? ORDER BY id`,
    );
    this.insertMany = db.transaction((rows: AttemptRecord[]) =>
      rows.map((row) => Number(this.insertStatement.run({ nodeId: null, ...row }).lastInsertRowid)),
    );
  }

  /** Writes the batch in one transaction; returns the new ids in order. */
  insertBatch(rows: AttemptRecord[]): number[] {
    return this.insertMany(rows);
  }

  /** One attempt by its id (a cluster node reads what it recorded before sending it on), or null. */
  get(id: number): AttemptRecord | null {
    this.byIdStatement ??= this.db.prepare(`SELECT ${SELECT_LIST} FROM attempts WHERE id = ?`);
    return (this.byIdStatement.get(id) as AttemptRecord | undefined) ?? null;
  }

  page(campaignId: string, limit: number, offset: number): AttemptRecord[] {
    return this.pageStatement.all(campaignId, limit, offset) as AttemptRecord[];
  }

  outcomeCounts(campaignId: string): Record<string, number> {
    const rows = this.outcomeCountsStatement.all(campaignId) as Array<{ outcome: string; n: number }>;
    return Object.fromEntries(rows.map((row) => [row.outcome, row.n]));
  }

  /** Earliest success (server-corrected) and how many accounts booked. */
  successes(campaignId: string): { atServerMs: number | null; accounts: number } {
    return this.firstSuccessStatement.get(campaignId) as { atServerMs: number | null; accounts: number };
  }

  byKey(campaignId: string, idempotencyKey: string): AttemptRecord[] {
    return this.byKeyStatement.all(campaignId, idempotencyKey) as AttemptRecord[];
  }

  count(campaignId: string): number {
    return (this.countStatement.get(campaignId) as { n: number }).n;
  }
}
