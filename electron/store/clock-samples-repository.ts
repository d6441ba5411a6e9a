// The `clock_samples` table: each filtered offset estimate per source, and the combined one (kind 'combined').
import type Database from 'better-sqlite3';

export interface ClockSampleRecord {
  id?: number;
  source: string;
  kind: 'ntp' | 'http-field' | 'http-date' | 'combined';
  campaignId: string | null;
  takenAtLocalMs: number;
  offsetMs: number;
  delayMs: number;
  boundMs: number;
  driftPpm: number | null;
  falseticker: boolean;
}

interface ClockSampleRow extends Omit<ClockSampleRecord, 'falseticker'> {
  falseticker: number;
}

export class ClockSamplesRepository {
  private readonly insertStatement;
  private readonly recentStatement;

  constructor(db: Database.Database) {
    this.insertStatement = db.prepare(`
      INSERT INTO clock_samples (source, kind, campaign_id, taken_at_local_ms, offset_ms, delay_ms, bound_ms,
        drift_ppm, falseticker)
      VALUES (@source, @kind, @campaignId, @takenAtLocalMs, @offsetMs, @delayMs, @boundMs, @driftPpm, @falseticker)`);
    this.recentStatement = db.prepare(`
      SELECT id, source, kind, campaign_id AS campaignId, taken_at_local_ms AS takenAtLocalMs, offset_ms AS offsetMs,
        delay_ms AS delayMs, bound_ms AS boundMs, drift_ppm AS driftPpm, falseticker
      FROM clock_samples WHERE taken_at_local_ms >= ? ORDER BY taken_at_local_ms`);
  }

  insert(sample: ClockSampleRecord): number {
    return Number(this.insertStatement.run({ ...sample, falseticker: sample.falseticker ? 1 : 0 }).lastInsertRowid);
  }

  since(localMs: number): ClockSampleRecord[] {
    return (this.recentStatement.all(localMs) as ClockSampleRow[]).map((row) => ({
      ...row,
      falseticker: row.falseticker === 1,
    }));
  }
}
