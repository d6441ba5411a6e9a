// The `notifiers` table: each row a channel (desktop, webhook, ntfy, DingTalk, Feishu, Telegram); settings as JSON,
// secrets sealed by the caller (the notify room) before they get here.
import type Database from 'better-sqlite3';

export interface NotifierRecord {
  id: number;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  secretSealed: Buffer | null;
  enabled: boolean;
}

interface Row {
  id: number;
  name: string;
  kind: string;
  config_json: string;
  secret_sealed: Buffer | null;
  enabled: number;
}

const toRecord = (row: Row): NotifierRecord => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  config: JSON.parse(row.config_json) as Record<string, unknown>,
  secretSealed: row.secret_sealed,
  enabled: row.enabled === 1,
});

export class NotifiersRepository {
  constructor(private readonly db: Database.Database) {}

  list(): NotifierRecord[] {
    return (this.db.prepare('SELECT * FROM notifiers ORDER BY id').all() as Row[]).map(toRecord);
  }

  get(id: number): NotifierRecord | null {
    const row = this.db.prepare('SELECT * FROM notifiers WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  byName(name: string): NotifierRecord | null {
    const row = this.db.prepare('SELECT * FROM notifiers WHERE name = ?').get(name) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  save(notifier: Omit<NotifierRecord, 'id'> & { id?: number }, nowMs: number): number {
    const params = {
      name: notifier.name,
      kind: notifier.kind,
      configJson: JSON.stringify(notifier.config),
      secret: notifier.secretSealed,
      enabled: notifier.enabled ? 1 : 0,
      now: Math.round(nowMs),
    };
    if (notifier.id !== undefined) {
      this.db
        .prepare(
          `UPDATE notifiers SET name = @name, kind = @kind, config_json = @configJson, secret_sealed = @secret,
             enabled = @enabled, updated_at_ms = @now WHERE id = @id`,
        )
        .run({ ...params, id: notifier.id });
      return notifier.id;
    }
    return Number(
      this.db
        .prepare(
          `INSERT INTO notifiers (name, kind, config_json, secret_sealed, enabled, created_at_ms, updated_at_ms)
           VALUES (@name, @kind, @configJson, @secret, @enabled, @now, @now)`,
        )
        .run(params).lastInsertRowid,
    );
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM notifiers WHERE id = ?').run(id).changes === 1;
  }
}
