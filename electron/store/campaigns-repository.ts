// The `campaigns` table: one row per rush, its spec as JSON, its state and, afterwards, its summary.
import type Database from 'better-sqlite3';
import type { CampaignState } from '../ipc/contract';

export interface CampaignRecord {
  id: string;
  targetId: string;
  name: string;
  itemId: string;
  openAtServerMs: number;
  timeZone: string;
  spec: unknown;
  state: CampaignState;
  scheduleId: number | null;
  observedOpenAtServerMs: number | null;
  armedAtMs: number | null;
  endedAtMs: number | null;
  summary: unknown;
  /** Why arming or the run failed, in words. */
  errorMessage: string | null;
  specHash: string | null;
  /** Where a campaign coordinated across a cluster was dealt (its Redis, in words); null: driven by this machine. */
  cluster: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

interface CampaignRow {
  id: string;
  target_id: string;
  name: string;
  item_id: string;
  open_at_server_ms: number;
  time_zone: string;
  spec_json: string;
  state: CampaignState;
  schedule_id: number | null;
  observed_open_at_server_ms: number | null;
  armed_at_ms: number | null;
  ended_at_ms: number | null;
  summary_json: string | null;
  error_message: string | null;
  spec_hash: string | null;
  cluster: string | null;
  created_at_ms: number;
  updated_at_ms: number;
}

const toRecord = (row: CampaignRow): CampaignRecord => ({
  id: row.id,
  targetId: row.target_id,
  name: row.name,
  itemId: row.item_id,
  openAtServerMs: row.open_at_server_ms,
  timeZone: row.time_zone,
  spec: JSON.parse(row.spec_json) as unknown,
  state: row.state,
  scheduleId: row.schedule_id,
  observedOpenAtServerMs: row.observed_open_at_server_ms,
  armedAtMs: row.armed_at_ms,
  endedAtMs: row.ended_at_ms,
  summary: row.summary_json === null ? null : (JSON.parse(row.summary_json) as unknown),
  errorMessage: row.error_message,
  specHash: row.spec_hash,
  cluster: row.cluster,
  createdAtMs: row.created_at_ms,
  updatedAtMs: row.updated_at_ms,
});

export interface NewCampaign {
  id: string;
  targetId: string;
  name: string;
  itemId: string;
  openAtServerMs: number;
  timeZone: string;
  spec: unknown;
  scheduleId?: number | null;
  specHash?: string | null;
  cluster?: string | null;
}

export class CampaignsRepository {
  private readonly insertStatement;
  private readonly getStatement;
  private readonly listStatement;
  private readonly setStateStatement;
  private readonly finishStatement;
  private readonly armedStatement;
  private readonly byStateStatement;
  private readonly errorStatement;
  private readonly bySpecHashStatement;

  constructor(private readonly db: Database.Database) {
    this.insertStatement = db.prepare(`
      INSERT INTO campaigns (id, target_id, name, item_id, open_at_server_ms, time_zone, spec_json, schedule_id,
        spec_hash, cluster, created_at_ms, updated_at_ms)
      VALUES (@id, @targetId, @name, @itemId, @openAtServerMs, @timeZone, @specJson, @scheduleId, @specHash, @cluster,
        @nowMs, @nowMs)`);
    this.getStatement = db.prepare('SELECT * FROM campaigns WHERE id = ?');
    this.listStatement = db.prepare('SELECT * FROM campaigns ORDER BY open_at_server_ms DESC LIMIT ? OFFSET ?');
    this.setStateStatement = db.prepare('UPDATE campaigns SET state = ?, updated_at_ms = ? WHERE id = ?');
    this.finishStatement = db.prepare(`UPDATE campaigns SET state = @state, summary_json = @summaryJson,
        error_message = coalesce(@error, error_message),
        observed_open_at_server_ms = coalesce(@observedOpenAtServerMs, observed_open_at_server_ms),
        ended_at_ms = @nowMs, updated_at_ms = @nowMs WHERE id = @id`);
    this.armedStatement = db.prepare(
      "UPDATE campaigns SET state = 'armed', armed_at_ms = @nowMs, updated_at_ms = @nowMs WHERE id = @id",
    );
    this.errorStatement = db.prepare('UPDATE campaigns SET error_message = ?, updated_at_ms = ? WHERE id = ?');
    this.bySpecHashStatement = db.prepare(
      'SELECT * FROM campaigns WHERE spec_hash = ? ORDER BY created_at_ms DESC, rowid DESC LIMIT 1',
    );
    this.byStateStatement = db.prepare(
      `SELECT * FROM campaigns WHERE state IN (SELECT value FROM json_each(@states))
         AND (cluster IS NULL) = @local ORDER BY open_at_server_ms`,
    );
  }

  insert(campaign: NewCampaign, nowMs: number): void {
    this.insertStatement.run({
      ...campaign,
      specJson: JSON.stringify(campaign.spec),
      scheduleId: campaign.scheduleId ?? null,
      specHash: campaign.specHash ?? null,
      cluster: campaign.cluster ?? null,
      nowMs: Math.round(nowMs),
    });
  }

  /** Replaces a draft's definition; false when it is no longer a draft. */
  updateDraft(campaign: Omit<NewCampaign, 'scheduleId'>, nowMs: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE campaigns SET target_id = @targetId, name = @name, item_id = @itemId,
             open_at_server_ms = @openAtServerMs, time_zone = @timeZone, spec_json = @specJson, updated_at_ms = @nowMs
           WHERE id = @id AND state = 'draft'`,
        )
        .run({ ...campaign, specJson: JSON.stringify(campaign.spec), nowMs: Math.round(nowMs) }).changes === 1
    );
  }

  get(id: string): CampaignRecord | null {
    const row = this.getStatement.get(id) as CampaignRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** Ids that start with `prefix`, newest first (at most `limit`): what a short id names. */
  idsStartingWith(prefix: string, limit = 5): string[] {
    return (
      this.db
        .prepare(
          'SELECT id FROM campaigns WHERE substr(id, 1, length(@prefix)) = @prefix ORDER BY created_at_ms DESC LIMIT @limit',
        )
        .all({ prefix, limit }) as Array<{ id: string }>
    ).map((row) => row.id);
  }

  list(limit = 100, offset = 0): CampaignRecord[] {
    return (this.listStatement.all(limit, offset) as CampaignRow[]).map(toRecord);
  }

  markArmed(id: string, nowMs: number): void {
    this.armedStatement.run({ id, nowMs: Math.round(nowMs) });
  }

  finish(
    id: string,
    state: CampaignState,
    summary: unknown,
    observedOpenAtServerMs: number | null,
    nowMs: number,
    error: string | null = null,
  ): void {
    this.finishStatement.run({
      id,
      state,
      summaryJson: JSON.stringify(summary),
      observedOpenAtServerMs,
      nowMs: Math.round(nowMs),
      error,
    });
  }

  setError(id: string, message: string, nowMs: number): void {
    this.errorStatement.run(message, Math.round(nowMs), id);
  }

  /** The latest campaign made from the same campaign file (same spec hash). */
  latestBySpecHash(specHash: string): CampaignRecord | null {
    const row = this.bySpecHashStatement.get(specHash) as CampaignRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** Campaigns in these states: those this machine drives, or (`coordinated`) those coordinated across a cluster. */
  inStates(states: CampaignState[], options: { coordinated?: boolean } = {}): CampaignRecord[] {
    const local = options.coordinated === true ? 0 : 1;
    return (this.byStateStatement.all({ states: JSON.stringify(states), local }) as CampaignRow[]).map(toRecord);
  }

  /** Marks the row as still looked after (a cluster campaign's coordinator does so while it runs). */
  touch(id: string, nowMs: number): void {
    this.db.prepare('UPDATE campaigns SET updated_at_ms = ? WHERE id = ?').run(Math.round(nowMs), id);
  }

  setState(id: string, state: CampaignState, nowMs: number): boolean {
    return this.setStateStatement.run(state, Math.round(nowMs), id).changes === 1;
  }
}
