// The `schedules` table (a campaign template armed by a cron expression in a named zone) and `schedule_runs` (what
// each run did: started a campaign, was missed while the app was closed, was skipped because the last still ran).
import type Database from 'better-sqlite3';

export type ScheduleRunState = 'started' | 'missed' | 'skipped-overlap' | 'failed';

export interface ScheduleRecord {
  id: number;
  name: string;
  cron: string;
  timeZone: string;
  opensAfterMs: number;
  template: unknown;
  enabled: boolean;
  lastRunAtMs: number | null;
  lastCampaignId: string | null;
  checkedAtMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface ScheduleRunRecord {
  id: number;
  scheduleId: number;
  runAtMs: number;
  state: ScheduleRunState;
  campaignId: string | null;
  message: string | null;
  recordedAtMs: number;
}

export interface NewSchedule {
  name: string;
  cron: string;
  timeZone: string;
  opensAfterMs: number;
  template: unknown;
  enabled: boolean;
}

interface ScheduleRow {
  id: number;
  name: string;
  cron: string;
  time_zone: string;
  opens_after_ms: number;
  campaign_template_json: string;
  enabled: number;
  last_run_at_ms: number | null;
  last_campaign_id: string | null;
  checked_at_ms: number | null;
  created_at_ms: number;
  updated_at_ms: number;
}

interface RunRow {
  id: number;
  schedule_id: number;
  run_at_ms: number;
  state: ScheduleRunState;
  campaign_id: string | null;
  message: string | null;
  recorded_at_ms: number;
}

const toRecord = (row: ScheduleRow): ScheduleRecord => ({
  id: row.id,
  name: row.name,
  cron: row.cron,
  timeZone: row.time_zone,
  opensAfterMs: row.opens_after_ms,
  template: JSON.parse(row.campaign_template_json) as unknown,
  enabled: row.enabled === 1,
  lastRunAtMs: row.last_run_at_ms,
  lastCampaignId: row.last_campaign_id,
  checkedAtMs: row.checked_at_ms,
  createdAtMs: row.created_at_ms,
  updatedAtMs: row.updated_at_ms,
});

const toRun = (row: RunRow): ScheduleRunRecord => ({
  id: row.id,
  scheduleId: row.schedule_id,
  runAtMs: row.run_at_ms,
  state: row.state,
  campaignId: row.campaign_id,
  message: row.message,
  recordedAtMs: row.recorded_at_ms,
});

export class SchedulesRepository {
  constructor(private readonly db: Database.Database) {}

  insert(schedule: NewSchedule, nowMs: number): ScheduleRecord {
    const now = Math.round(nowMs);
    const result = this.db
      .prepare(
        `INSERT INTO schedules (name, cron, time_zone, opens_after_ms, campaign_template_json, enabled, checked_at_ms,
           created_at_ms, updated_at_ms)
         VALUES (@name, @cron, @timeZone, @opensAfterMs, @templateJson, @enabled, @now, @now, @now)`,
      )
      .run({
        name: schedule.name,
        cron: schedule.cron,
        timeZone: schedule.timeZone,
        opensAfterMs: schedule.opensAfterMs,
        templateJson: JSON.stringify(schedule.template),
        enabled: schedule.enabled ? 1 : 0,
        now,
      });
    return this.get(Number(result.lastInsertRowid))!;
  }

  get(id: number): ScheduleRecord | null {
    const row = this.db.prepare('SELECT * FROM schedules WHERE id = ?').get(id) as ScheduleRow | undefined;
    return row ? toRecord(row) : null;
  }

  byName(name: string): ScheduleRecord | null {
    const row = this.db.prepare('SELECT * FROM schedules WHERE name = ?').get(name) as ScheduleRow | undefined;
    return row ? toRecord(row) : null;
  }

  list(): ScheduleRecord[] {
    return (this.db.prepare('SELECT * FROM schedules ORDER BY id').all() as ScheduleRow[]).map(toRecord);
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes === 1;
  }

  setEnabled(id: number, enabled: boolean, nowMs: number): boolean {
    return (
      this.db
        .prepare('UPDATE schedules SET enabled = ?, checked_at_ms = ?, updated_at_ms = ? WHERE id = ?')
        .run(enabled ? 1 : 0, Math.round(nowMs), Math.round(nowMs), id).changes === 1
    );
  }

  /** The scheduler was alive (and watching this schedule) up to `nowMs`. */
  markChecked(ids: number[], nowMs: number): void {
    const statement = this.db.prepare('UPDATE schedules SET checked_at_ms = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) statement.run(Math.round(nowMs), id);
    })();
  }

  /** Records what a run did; a run already recorded (same schedule and instant) is left as it was. */
  recordRun(
    run: { scheduleId: number; runAtMs: number; state: ScheduleRunState; campaignId?: string; message?: string },
    nowMs: number,
  ): boolean {
    const now = Math.round(nowMs);
    return this.db.transaction(() => {
      const inserted = this.db
        .prepare(
          `INSERT OR IGNORE INTO schedule_runs (schedule_id, run_at_ms, state, campaign_id, message, recorded_at_ms)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(run.scheduleId, Math.round(run.runAtMs), run.state, run.campaignId ?? null, run.message ?? null, now);
      if (inserted.changes === 0) return false;
      const campaign = run.state === 'started' ? (run.campaignId ?? null) : null;
      this.db
        .prepare(
          `UPDATE schedules SET checked_at_ms = max(coalesce(checked_at_ms, 0), @now), updated_at_ms = @now,
             last_run_at_ms = CASE WHEN @started THEN @runAt ELSE last_run_at_ms END,
             last_campaign_id = CASE WHEN @started THEN @campaign ELSE last_campaign_id END
           WHERE id = @id`,
        )
        .run({ now, started: campaign ? 1 : 0, runAt: Math.round(run.runAtMs), campaign, id: run.scheduleId });
      return true;
    })();
  }

  runs(scheduleId: number, limit = 50): ScheduleRunRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM schedule_runs WHERE schedule_id = ? ORDER BY run_at_ms DESC LIMIT ?')
        .all(scheduleId, limit) as RunRow[]
    ).map(toRun);
  }

  hasRun(scheduleId: number, runAtMs: number): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM schedule_runs WHERE schedule_id = ? AND run_at_ms = ?')
        .get(scheduleId, Math.round(runAtMs)) !== undefined
    );
  }
}
