// The one SQLite connection of a Tminus process: WAL, foreign keys, a busy timeout, migrated on open.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { bundledMigrations, migrate, type Migration } from './migrations';

export const DATABASE_FILE = 'tminus.db';

export interface Store {
  db: Database.Database;
  file: string;
  schemaVersion: number;
  close(): void;
}

export function openStore(dataDir: string, migrations: Migration[] = bundledMigrations()): Store {
  const file = join(dataDir, DATABASE_FILE);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const schemaVersion = migrate(db, migrations);
    return { db, file, schemaVersion, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}
