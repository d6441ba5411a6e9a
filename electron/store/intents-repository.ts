// The `intents` and `bookings` tables: what the record promises. An intent (campaign, account) is written while
// arming, before its first request can be on the wire; answers and order lookups settle it. The ledger (`bookings`)
// keeps every booking per (target, item, account) across campaigns; a booking and its intent change in one
// transaction with the attempt row that proved it.
import type Database from 'better-sqlite3';

export const INTENT_STATES = ['prepared', 'sent', 'unknown', 'booked', 'notBooked'] as const;
export type IntentState = (typeof INTENT_STATES)[number];
/** States that may still hide a booking: a crash or a lost answer leaves them, reconciliation asks about them. */
export const OPEN_INTENT_STATES: readonly IntentState[] = ['prepared', 'sent', 'unknown'];

export interface NewIntent {
  campaignId: string;
  accountId: number;
  targetId: string;
  itemId: string;
  idempotencyKey: string;
  plannedSendLocalMs: number | null;
}

export interface IntentRecord extends NewIntent {
  state: IntentState;
  sentAtMs: number | null;
  settledAtMs: number | null;
  settledBy: 'answer' | 'lookup' | 'unsent' | null;
  orderId: string | null;
  lookups: number;
  lastError: string | null;
}

/** One change to an intent, applied in the record's batched transaction. */
export type IntentMark =
  | { kind: 'sent'; campaignId: string; accountId: number; atMs: number }
  /** An answer was lost (timeout, reset, gateway error): the request may have booked. */
  | { kind: 'unknown'; campaignId: string; accountId: number; error: string }
  /** A later answer (or a lookup that found nothing) showed the lost one booked nothing; the account may go on. */
  | { kind: 'cleared'; campaignId: string; accountId: number }
  | { kind: 'booked'; campaignId: string; accountId: number; orderId: string | null; by: 'answer' | 'lookup' }
  | { kind: 'notBooked'; campaignId: string; accountId: number; by: 'answer' | 'lookup' | 'unsent' }
  | { kind: 'lookupFailed'; campaignId: string; accountId: number; error: string };

export interface IntentCounts {
  prepared: number;
  sent: number;
  unknown: number;
  booked: number;
  notBooked: number;
}

export interface LedgerBooking {
  targetId: string;
  itemId: string;
  accountId: number;
  campaignId: string | null;
  idempotencyKey: string;
  orderId: string | null;
  bookedAtMs: number;
  source: 'answer' | 'lookup';
}

const INTENT_COLUMNS = `campaign_id AS campaignId, account_id AS accountId, target_id AS targetId, item_id AS itemId,
  idempotency_key AS idempotencyKey, planned_send_local_ms AS plannedSendLocalMs, state, sent_at_ms AS sentAtMs,
  settled_at_ms AS settledAtMs, settled_by AS settledBy, order_id AS orderId, lookups, last_error AS lastError`;
const OPEN = `state IN ('prepared', 'sent', 'unknown')`;

export class IntentsRepository {
  private readonly statements;
  private readonly prepareMany;
  private readonly applyMany;

  constructor(db: Database.Database) {
    this.statements = {
      // A resumed campaign prepares again: a booked intent stays booked, an unknown one stays unknown.
      prepare: db.prepare(`INSERT INTO intents (campaign_id, account_id, target_id, item_id, idempotency_key,
          planned_send_local_ms, created_at_ms)
        VALUES (@campaignId, @accountId, @targetId, @itemId, @idempotencyKey, @plannedSendLocalMs, @nowMs)
        ON CONFLICT (campaign_id, account_id) DO UPDATE SET planned_send_local_ms = excluded.planned_send_local_ms,
          state = CASE WHEN state IN ('booked', 'unknown') THEN state ELSE 'prepared' END,
          settled_at_ms = CASE WHEN state IN ('booked', 'unknown') THEN settled_at_ms ELSE NULL END,
          settled_by = CASE WHEN state IN ('booked', 'unknown') THEN settled_by ELSE NULL END`),
      sent: db.prepare(`UPDATE intents SET state = 'sent', sent_at_ms = coalesce(sent_at_ms, @atMs)
        WHERE campaign_id = @campaignId AND account_id = @accountId AND state = 'prepared'`),
      unknown: db.prepare(`UPDATE intents SET state = 'unknown', last_error = @error,
          sent_at_ms = coalesce(sent_at_ms, @nowMs)
        WHERE campaign_id = @campaignId AND account_id = @accountId AND state IN ('prepared', 'sent')`),
      cleared: db.prepare(`UPDATE intents SET state = 'sent'
        WHERE campaign_id = @campaignId AND account_id = @accountId AND state = 'unknown'`),
      booked: db.prepare(`UPDATE intents SET state = 'booked', order_id = coalesce(@orderId, order_id),
          settled_at_ms = @nowMs, settled_by = @by
        WHERE campaign_id = @campaignId AND account_id = @accountId AND state <> 'booked'`),
      ledger: db.prepare(`INSERT INTO bookings (target_id, item_id, account_id, campaign_id, idempotency_key, order_id,
          booked_at_ms, source)
        SELECT target_id, item_id, account_id, campaign_id, idempotency_key, @orderId, @nowMs, @by FROM intents
        WHERE campaign_id = @campaignId AND account_id = @accountId
        ON CONFLICT (idempotency_key) DO NOTHING`),
      // An answer settles only what it saw; an unknown result (a lost answer) is settled by a lookup alone.
      notBooked: db.prepare(`UPDATE intents SET state = 'notBooked', settled_at_ms = @nowMs, settled_by = @by
        WHERE campaign_id = @campaignId AND account_id = @accountId
          AND (state IN ('prepared', 'sent') OR (@by = 'lookup' AND state = 'unknown'))`),
      lookupFailed: db.prepare(`UPDATE intents SET lookups = lookups + 1, last_error = @error
        WHERE campaign_id = @campaignId AND account_id = @accountId`),
      byCampaign: db.prepare(`SELECT ${INTENT_COLUMNS} FROM intents WHERE campaign_id = ? ORDER BY account_id`),
      openByCampaign: db.prepare(
        `SELECT ${INTENT_COLUMNS} FROM intents WHERE campaign_id = ? AND ${OPEN} ORDER BY account_id`,
      ),
      counts: db.prepare('SELECT state, count(*) AS n FROM intents WHERE campaign_id = ? GROUP BY state'),
      campaignsWithOpen: db.prepare(`SELECT DISTINCT campaign_id AS id FROM intents WHERE ${OPEN}`),
      unsettled: db.prepare(`SELECT DISTINCT account_id AS id FROM intents
        WHERE target_id = ? AND item_id = ? AND ${OPEN}`),
      bookedAtLeast: db.prepare(`SELECT account_id AS id FROM bookings WHERE target_id = ? AND item_id = ?
        GROUP BY account_id HAVING count(*) >= ?`),
      ledgerForItem: db.prepare(`SELECT target_id AS targetId, item_id AS itemId, account_id AS accountId,
          campaign_id AS campaignId, idempotency_key AS idempotencyKey, order_id AS orderId,
          booked_at_ms AS bookedAtMs, source
        FROM bookings WHERE target_id = ? AND (? IS NULL OR item_id = ?) ORDER BY id`),
    };
    this.prepareMany = db.transaction((rows: NewIntent[], nowMs: number) => {
      for (const row of rows) this.statements.prepare.run({ ...row, nowMs: Math.round(nowMs) });
    });
    this.applyMany = db.transaction((marks: IntentMark[], nowMs: number) => this.applyEach(marks, nowMs));
  }

  /** Writes every intent of a campaign in one transaction, before the first of them can be sent. */
  prepare(rows: NewIntent[], nowMs: number): void {
    this.prepareMany(rows, nowMs);
  }

  /** Applies marks in one transaction (its own, or the caller's when called inside one). */
  apply(marks: IntentMark[], nowMs: number): void {
    if (marks.length > 0) this.applyMany(marks, nowMs);
  }

  private applyEach(marks: IntentMark[], nowMs: number): void {
    const now = Math.round(nowMs);
    const s = this.statements;
    for (const mark of marks) {
      const who = { campaignId: mark.campaignId, accountId: mark.accountId };
      switch (mark.kind) {
        case 'sent':
          s.sent.run({ ...who, atMs: mark.atMs });
          break;
        case 'unknown':
          s.unknown.run({ ...who, error: mark.error, nowMs: now });
          break;
        case 'cleared':
          s.cleared.run(who);
          break;
        case 'booked':
          s.booked.run({ ...who, orderId: mark.orderId, by: mark.by, nowMs: now });
          s.ledger.run({ ...who, orderId: mark.orderId, by: mark.by, nowMs: now });
          break;
        case 'notBooked':
          s.notBooked.run({ ...who, by: mark.by, nowMs: now });
          break;
        case 'lookupFailed':
          s.lookupFailed.run({ ...who, error: mark.error });
          break;
      }
    }
  }

  list(campaignId: string): IntentRecord[] {
    return this.statements.byCampaign.all(campaignId) as IntentRecord[];
  }

  open(campaignId: string): IntentRecord[] {
    return this.statements.openByCampaign.all(campaignId) as IntentRecord[];
  }

  counts(campaignId: string): IntentCounts {
    const counts: IntentCounts = { prepared: 0, sent: 0, unknown: 0, booked: 0, notBooked: 0 };
    for (const row of this.statements.counts.all(campaignId) as Array<{ state: IntentState; n: number }>)
      counts[row.state] = row.n;
    return counts;
  }

  /** Campaigns with an intent that may still hide a booking. */
  campaignsWithOpenIntents(): string[] {
    return (this.statements.campaignsWithOpen.all() as Array<{ id: string }>).map((row) => row.id);
  }

  /**
   * Accounts a campaign on (target, item) must leave out: those that already hold `allowedPerAccount` bookings of
   * the item, and those with an intent for it (in any campaign, a resumed one's own included) not settled yet.
   */
  excluded(targetId: string, itemId: string, allowedPerAccount: number): { booked: number[]; unsettled: number[] } {
    const ids = (rows: unknown[]): number[] => (rows as Array<{ id: number }>).map((row) => row.id);
    return {
      booked: ids(this.statements.bookedAtLeast.all(targetId, itemId, allowedPerAccount)),
      unsettled: ids(this.statements.unsettled.all(targetId, itemId)),
    };
  }

  ledger(targetId: string, itemId: string | null = null): LedgerBooking[] {
    return this.statements.ledgerForItem.all(targetId, itemId, itemId) as LedgerBooking[];
  }
}
