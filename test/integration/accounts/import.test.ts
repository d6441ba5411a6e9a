import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPool, csv, simAccountsCsv, type PoolFixture } from '../../helpers/accounts-fixture';

let pool: PoolFixture;
afterEach(() => pool?.close());

const count = (): number => (pool.store.db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n;

describe('CSV import', () => {
  it('imports every row with its fields, mapping headers in any case or language', () => {
    pool = createPool();
    const report = pool.accounts.importCsv(
      'simulator',
      Buffer.from(
        '用户名,密码,Group,优先级,Tags,备注\nalice,pw1,family,5,vip;morning,"Mum, phone"\nbob,,agency,-2,,\n',
      ),
      { dryRun: false },
    );
    expect(report).toMatchObject({ ok: true, imported: 2, problems: [] });
    const [alice, bob] = pool.accounts.list('simulator');
    expect(alice).toMatchObject({
      username: 'alice',
      group: 'family',
      priority: 5,
      tags: ['vip', 'morning'],
      notes: 'Mum, phone',
      hasPassword: true,
    });
    expect(bob).toMatchObject({ username: 'bob', priority: -2, hasPassword: false, signInNeeded: true });
  });

  it('imports nothing when one row of many is bad, and names every bad row and column', () => {
    pool = createPool();
    const rows = [['username', 'password', 'priority']];
    for (let n = 1; n <= 100; n += 1) rows.push([`u${n}`, 'p', n === 40 ? 'high' : '1']);
    rows.push(['u7', 'p', '1']);
    rows.push(['', 'p', '1']);
    const report = pool.accounts.importCsv('simulator', csv(rows), { dryRun: false });
    expect(report.ok).toBe(false);
    expect(report.imported).toBe(0);
    expect(report.problems).toEqual([
      { row: 41, column: 'priority', reason: "'high' is not a whole number from -1000 to 1000" },
      { row: 102, column: 'username', reason: 'duplicate of row 8' },
      { row: 103, column: 'username', reason: 'empty' },
    ]);
    expect(count()).toBe(0);
  });

  it('a dry run reports what would happen and changes nothing', () => {
    pool = createPool();
    const report = pool.accounts.importCsv('simulator', simAccountsCsv(30), { dryRun: true });
    expect(report).toMatchObject({ ok: true, dryRun: true, valid: 30, imported: 0 });
    expect(count()).toBe(0);
  });

  it('reports accounts already in the pool and skips them', () => {
    pool = createPool();
    pool.accounts.importCsv('simulator', simAccountsCsv(3), { dryRun: false });
    const again = pool.accounts.importCsv('simulator', simAccountsCsv(5), { dryRun: false });
    expect(again.alreadyImported.map((d) => d.username)).toEqual(['user0001', 'user0002', 'user0003']);
    expect(again.imported).toBe(2);
    expect(count()).toBe(5);
  });

  it.each([
    [
      'bad quoting',
      Buffer.from('username,password\nu1,"p"x\nu2,p\n'),
      { row: 2, column: null, reason: 'bad CSV: a quoted cell has text after its closing quote' },
    ],
    [
      'a missing column',
      Buffer.from('password\nsecret\n'),
      { row: 1, column: 'username', reason: 'missing column username' },
    ],
    [
      'an unknown column',
      Buffer.from('username,pasword\nu1,p\n'),
      { row: 1, column: 'pasword', reason: expect.stringMatching(/unknown column/) },
    ],
    [
      'a short row',
      Buffer.from('username,password\nu1\n'),
      { row: 2, column: null, reason: '1 cells, but the header has 2' },
    ],
    [
      'the wrong encoding (GBK read as UTF-8)',
      Buffer.concat([
        Buffer.from('username,notes\nu1,'),
        Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]),
        Buffer.from('\nu2,ok\n'),
      ]),
      { row: 2, column: null, reason: expect.stringMatching(/not valid UTF-8 text: save the file as UTF-8/) },
    ],
  ])('refuses %s with a row-level error and changes nothing', (_name, bytes, problem) => {
    pool = createPool();
    const report = pool.accounts.importCsv('simulator', bytes, { dryRun: false });
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(problem);
    expect(count()).toBe(0);
  });

  it('reads a GBK file when told its encoding', () => {
    pool = createPool();
    const gbk = Buffer.concat([
      Buffer.from('username,notes\nu1,'),
      Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]),
      Buffer.from('\n'),
    ]);
    expect(pool.accounts.importCsv('simulator', gbk, { dryRun: false, encoding: 'gbk' })).toMatchObject({
      ok: true,
      imported: 1,
    });
    expect(pool.accounts.list('simulator')[0]!.notes).toBe('张三');
  });

  it('refuses an unknown target, naming the known ones', () => {
    pool = createPool();
    expect(() => pool.accounts.importCsv('nope', simAccountsCsv(1), { dryRun: false })).toThrow(
      "unknown target 'nope'; known targets: simulator",
    );
  });

  it('exports without secrets and neutralises formula-looking cells', () => {
    pool = createPool();
    pool.accounts.importCsv('simulator', Buffer.from('username,password,notes\nu1,hunter2,"=HYPERLINK(""x"")"\n'), {
      dryRun: false,
    });
    const exported = pool.accounts.exportCsv('simulator');
    expect(exported).not.toContain('hunter2');
    expect(exported).toContain(`"'=HYPERLINK(""x"")"`);
    expect(exported.split('\r\n')[0]).toBe(
      'label,username,group,priority,tags,status,notes,attempts,successes,last_used_at,last_outcome',
    );
  });

  it('leaves nothing behind when a write fails on the third of three rows', () => {
    pool = createPool();
    // A failure injected inside SQLite itself, on the third insert of the transaction.
    pool.store.db.exec(`CREATE TRIGGER fail_third BEFORE INSERT ON accounts
      WHEN (SELECT count(*) FROM accounts) >= 2 BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    expect(() =>
      pool.accounts.importCsv('simulator', Buffer.from('username,password\nu1,p1\nu2,p2\nu3,p3\n'), { dryRun: false }),
    ).toThrow(/injected failure/);
    expect(count()).toBe(0);
  });

  it('exports numbers as numbers, so that the export imports again (priority -2 stays -2)', () => {
    pool = createPool();
    pool.accounts.importCsv('simulator', Buffer.from('username,priority,notes\nu1,-2,-note\n'), { dryRun: false });
    const exported = pool.accounts.exportCsv('simulator');
    const row = exported.split('\r\n')[1]!.split(',');
    expect(row[3]).toBe('-2');
    expect(row[6]).toBe("'-note"); // text that starts like a formula is still neutralised
    const again = createPool();
    try {
      const report = again.accounts.importCsv('simulator', Buffer.from(exported), { dryRun: false });
      expect(report).toMatchObject({ ok: true, imported: 1 });
      expect(again.accounts.list('simulator')[0]).toMatchObject({ priority: -2 });
    } finally {
      again.close();
    }
  });
});

describe('account fields (field:NAME and secret:NAME columns)', () => {
  it('imports plain fields in clear and secret ones sealed: the secret is nowhere in the database file', () => {
    pool = createPool();
    const report = pool.accounts.importCsv(
      'simulator',
      Buffer.from('username,password,field:passengerId,Secret: memberPin\nalice,pw,P-77,pin-SECRET-4711\nbob,pw,,\n'),
      { dryRun: false },
    );
    expect(report).toMatchObject({ ok: true, imported: 2, problems: [] });
    const [alice, bob] = pool.accounts.list('simulator');
    expect(alice).toMatchObject({ fields: { passengerId: 'P-77' }, secretFields: ['memberPin'] });
    expect(JSON.stringify(alice)).not.toContain('pin-SECRET-4711');
    expect(bob).toMatchObject({ fields: {}, secretFields: [] });
    expect(pool.accounts.fieldsOf(alice!.id)).toEqual({ passengerId: 'P-77', memberPin: 'pin-SECRET-4711' });
    pool.store.db.pragma('wal_checkpoint(TRUNCATE)');
    const files = readdirSync(pool.dir).filter((name) => name.includes('.db') || name.includes('sqlite'));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) expect(readFileSync(join(pool.dir, name)).includes('pin-SECRET-4711')).toBe(false);
  });

  it('refuses a bad field name or a field given twice, naming the column, and imports nothing', () => {
    pool = createPool();
    const report = pool.accounts.importCsv(
      'simulator',
      Buffer.from('username,field:9lives,field:seat,secret:seat,passengr\nalice,x,1A,1B,typo\n'),
      { dryRun: false },
    );
    expect(report.ok).toBe(false);
    expect(report.imported).toBe(0);
    expect(count()).toBe(0);
    expect(report.problems).toEqual([
      expect.objectContaining({ row: 1, column: 'field:9lives', reason: expect.stringContaining('not a field name') }),
      expect.objectContaining({ row: 1, column: 'secret:seat', reason: "same field as column 'field:seat'" }),
      expect.objectContaining({ row: 1, column: 'passengr', reason: expect.stringContaining('field:NAME') }),
    ]);
  });

  it('exports plain fields as field:NAME columns, never a secret one, and the export imports again', () => {
    pool = createPool();
    pool.accounts.importCsv(
      'simulator',
      Buffer.from('username,field:seat,secret:pin\nalice,12A,hush-hush\nbob,,hush2\n'),
      { dryRun: false },
    );
    const exported = pool.accounts.exportCsv('simulator');
    expect(exported).not.toContain('hush');
    expect(exported.split('\r\n')[0]).toMatch(/,field:seat$/);
    const again = createPool();
    try {
      expect(again.accounts.importCsv('simulator', Buffer.from(exported), { dryRun: false })).toMatchObject({
        ok: true,
        imported: 2,
      });
      expect(again.accounts.list('simulator').map((a) => a.fields)).toEqual([{ seat: '12A' }, {}]);
    } finally {
      again.close();
    }
  });

  it('edits fields one by one: a value sets, null removes, a secret stays sealed and a name cannot be both', () => {
    pool = createPool();
    pool.accounts.importCsv('simulator', Buffer.from('username,field:seat,secret:pin\nalice,12A,1111\n'), {
      dryRun: false,
    });
    const [alice] = pool.accounts.list('simulator');
    const edited = pool.accounts.update(alice!.id, {
      fields: { seat: null, passengerId: 'P-9' },
      secretFields: { pin: '2222' },
    });
    expect(edited).toMatchObject({ fields: { passengerId: 'P-9' }, secretFields: ['pin'] });
    expect(pool.accounts.fieldsOf(alice!.id)).toEqual({ passengerId: 'P-9', pin: '2222' });
    expect(() => pool.accounts.update(alice!.id, { fields: { pin: 'plain now' } })).toThrow(
      /'pin' cannot be both a plain and a secret field/,
    );
    expect(() => pool.accounts.update(alice!.id, { fields: { 'bad name': 'x' } })).toThrow(/not a field name/);
    expect(pool.accounts.fieldsOf(alice!.id)).toEqual({ passengerId: 'P-9', pin: '2222' });
  });
});
