import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/temp-dir';
import {
  openStore,
  TargetsRepository,
  CampaignsRepository,
  AttemptsRepository,
  ClockSamplesRepository,
} from '../../electron/store';
import { bundledMigrations, hashMigration, migrate, type Migration } from '../../electron/store/migrations';
import { TminusError } from '../../electron/errors';

describe('store and migrations', () => {
  const dirs: Array<{ dir: string; remove(): void }> = [];
  const fresh = (): string => {
    const t = makeTempDir();
    dirs.push(t);
    return t.dir;
  };
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('creates every table of the first schema in WAL mode with foreign keys on', () => {
    const store = openStore(fresh());
    const tables = store.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => (row as { name: string }).name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'targets',
        'accounts',
        'campaigns',
        'attempts',
        'clock_samples',
        'schedules',
        'schema_migrations',
      ]),
    );
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.schemaVersion).toBe(bundledMigrations().length);
    store.close();
  });

  it('applies each migration once and records its hash', () => {
    const dir = fresh();
    openStore(dir).close();
    const store = openStore(dir);
    const rows = store.db.prepare('SELECT name, sha256 FROM schema_migrations').all() as Array<{
      name: string;
      sha256: string;
    }>;
    const migrations = bundledMigrations();
    expect(rows).toEqual(migrations.map((m) => ({ name: m.name, sha256: hashMigration(m.sql) })));
    store.close();
  });

  it('refuses to start when an applied migration was edited, naming it', () => {
    const dir = fresh();
    const original: Migration[] = [
      { version: 1, name: '0001-first', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: '0002-second', sql: 'CREATE TABLE b (y INTEGER);' },
    ];
    openStore(dir, original).close();
    const edited = [original[0]!, { ...original[1]!, sql: 'CREATE TABLE b (y INTEGER, z TEXT);' }];
    let error: unknown;
    try {
      openStore(dir, edited);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TminusError);
    expect((error as TminusError).code).toBe('MIGRATION_EDITED');
    expect((error as TminusError).message).toContain('0002-second');
  });

  it('rolls back a failing migration entirely and names it', () => {
    const db = new Database(join(fresh(), 'x.db'));
    const migrations: Migration[] = [
      { version: 1, name: '0001-ok', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: '0002-broken', sql: 'CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => migrate(db, migrations)).toThrow(/0002-broken/);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as Array<{ name: string }>;
    expect(tables.map((t) => t.name)).not.toContain('b');
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: 1 });
    db.close();
  });

  it('stores and reads back targets, campaigns, attempts and clock samples through their repositories', () => {
    const store = openStore(fresh());
    const targets = new TargetsRepository(store.db);
    const campaigns = new CampaignsRepository(store.db);
    const attempts = new AttemptsRepository(store.db);
    const samples = new ClockSamplesRepository(store.db);
    targets.upsert(
      { id: 'simulator', name: 'Rehearsal', profileText: 'id: simulator', profileFormat: 'yaml', builtin: true },
      1,
    );
    store.db
      .prepare(
        "INSERT INTO accounts (target_id, username, created_at_ms, updated_at_ms) VALUES ('simulator', 'user0001', 1, 1)",
      )
      .run();
    campaigns.insert(
      {
        id: 'c1',
        targetId: 'simulator',
        name: 'Morning',
        itemId: 'T1',
        openAtServerMs: 1000,
        timeZone: 'Asia/Shanghai',
        spec: { strategy: 'single' },
      },
      2,
    );
    expect(campaigns.setState('c1', 'armed', 3)).toBe(true);
    const ids = attempts.insertBatch(
      [0, 1, 2].map((retry) => ({
        campaignId: 'c1',
        accountId: 1,
        itemId: 'T1',
        endpoint: 'http://127.0.0.1:1',
        idempotencyKey: 'k1',
        retry,
        plannedSendLocalMs: 999.5,
        plannedSendServerMs: 1000,
        sentLocalMs: 999.6 + retry,
        sentServerMs: 1000.1 + retry,
        serverReceivedMs: null,
        latencyMs: 3.25,
        httpStatus: 425,
        outcome: 'notOpen' as const,
        errorCode: 'NOT_OPEN',
        errorMessage: null,
        captchaConfidence: null,
        orderId: null,
      })),
    );
    expect(ids).toHaveLength(3);
    samples.insert({
      source: 'ntp://127.0.0.1',
      kind: 'ntp',
      campaignId: 'c1',
      takenAtLocalMs: 5,
      offsetMs: 1500.2,
      delayMs: 0.4,
      boundMs: 0.3,
      driftPpm: null,
      falseticker: false,
    });

    expect(targets.get('simulator')).toMatchObject({ builtin: true, profileFormat: 'yaml' });
    expect(campaigns.get('c1')).toMatchObject({ state: 'armed', spec: { strategy: 'single' } });
    expect(attempts.count('c1')).toBe(3);
    expect(attempts.page('c1', 2, 1).map((a) => a.retry)).toEqual([1, 2]);
    expect(samples.since(0)).toEqual([expect.objectContaining({ offsetMs: 1500.2, falseticker: false })]);
    expect(() =>
      store.db
        .prepare(
          "INSERT INTO campaigns (id, target_id, name, item_id, open_at_server_ms, time_zone, spec_json, created_at_ms, updated_at_ms) VALUES ('c2', 'missing', 'x', 'i', 1, 'UTC', '{}', 1, 1)",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    store.close();
  });
});
