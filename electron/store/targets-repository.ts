// The `targets` table: target profiles as the operator wrote them (YAML or JSON), by id.
import type Database from 'better-sqlite3';

export interface TargetRecord {
  id: string;
  name: string;
  profileText: string;
  profileFormat: 'yaml' | 'json';
  builtin: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

interface TargetRow {
  id: string;
  name: string;
  profile_text: string;
  profile_format: 'yaml' | 'json';
  builtin: number;
  created_at_ms: number;
  updated_at_ms: number;
}

const toRecord = (row: TargetRow): TargetRecord => ({
  id: row.id,
  name: row.name,
  profileText: row.profile_text,
  profileFormat: row.profile_format,
  builtin: row.builtin === 1,
  createdAtMs: row.created_at_ms,
  updatedAtMs: row.updated_at_ms,
});

export class TargetsRepository {
  private readonly upsertStatement;
  private readonly getStatement;
  private readonly listStatement;

  constructor(db: Database.Database) {
    this.upsertStatement = db.prepare(`
      INSERT INTO targets (id, name, profile_text, profile_format, builtin, created_at_ms, updated_at_ms)
      VALUES (@id, @name, @profileText, @profileFormat, @builtin, @nowMs, @nowMs)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, profile_text = excluded.profile_text,
        profile_format = excluded.profile_format, builtin = excluded.builtin, updated_at_ms = excluded.updated_at_ms`);
    this.getStatement = db.prepare('SELECT * FROM targets WHERE id = ?');
    this.listStatement = db.prepare('SELECT * FROM targets ORDER BY builtin DESC, name');
  }

  upsert(target: Omit<TargetRecord, 'createdAtMs' | 'updatedAtMs'>, nowMs: number): void {
    this.upsertStatement.run({ ...target, builtin: target.builtin ? 1 : 0, nowMs: Math.round(nowMs) });
  }

  get(id: string): TargetRecord | null {
    const row = this.getStatement.get(id) as TargetRow | undefined;
    return row ? toRecord(row) : null;
  }

  list(): TargetRecord[] {
    return (this.listStatement.all() as TargetRow[]).map(toRecord);
  }
}
