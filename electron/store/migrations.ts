// Numbered migrations (`0001-name.sql`), each applied in one transaction and recorded with its SHA-256, so that an
// applied migration edited afterwards is caught at start instead of silently diverging from the schema it made.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { TminusError } from '../errors';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_PATTERN = /(?:^|\/)(\d{4})-([a-z0-9-]+)\.sql$/;

/** The migrations bundled with this build (Vite inlines the files, so the desktop app and the CLI carry them). */
export function bundledMigrations(): Migration[] {
  const files = import.meta.glob<string>('./migrations/*.sql', { query: '?raw', import: 'default', eager: true });
  return migrationsFromFiles(files);
}

export function migrationsFromFiles(files: Record<string, string>): Migration[] {
  const migrations = Object.entries(files).map(([path, sql]) => {
    const match = FILE_PATTERN.exec(path);
    if (!match) throw new TminusError('MIGRATION_FAILED', `migration file name ${path} is not NNNN-name.sql`);
    return { version: Number(match[1]), name: `${match[1]}-${match[2]}`, sql };
  });
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new TminusError(
        'MIGRATION_FAILED',
        `migration ${migration.name} is out of sequence: expected ${index + 1}`,
      );
    }
  });
  return migrations;
}

export const hashMigration = (sql: string): string => createHash('sha256').update(sql).digest('hex');

interface AppliedRow {
  version: number;
  name: string;
  sha256: string;
}

/** Applies what is missing; returns the schema version. Throws MIGRATION_EDITED naming the first edited migration. */
export function migrate(db: Database.Database, migrations: Migration[], nowMs: () => number = Date.now): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    applied_at_ms INTEGER NOT NULL
  ) STRICT`);
  const applied = db
    .prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version')
    .all() as AppliedRow[];
  const known = new Map(migrations.map((migration) => [migration.version, migration]));

  for (const row of applied) {
    const migration = known.get(row.version);
    if (!migration) {
      throw new TminusError(
        'MIGRATION_FAILED',
        `the database was migrated by a newer Tminus (migration ${row.name} is unknown to this version)`,
        { migration: row.name },
      );
    }
    if (hashMigration(migration.sql) !== row.sha256) {
      throw new TminusError(
        'MIGRATION_EDITED',
        `migration ${migration.name} was edited after it was applied to this database; restore the original file and add a new migration instead`,
        { migration: migration.name },
      );
    }
  }

  const record = db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at_ms) VALUES (?, ?, ?, ?)');
  for (const migration of migrations.slice(applied.length)) {
    const apply = db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, hashMigration(migration.sql), nowMs());
    });
    try {
      apply();
    } catch (error) {
      throw new TminusError('MIGRATION_FAILED', `migration ${migration.name} failed: ${(error as Error).message}`, {
        migration: migration.name,
      });
    }
  }
  return migrations.length;
}
