// Reading an accounts CSV into a plan, exactly: every field of a good row, and every problem with its row (as a
// spreadsheet numbers it), its column and its reason. The service imports a plan only when it has no problem.
import { describe, expect, it } from 'vitest';
import { planAccountsImport } from '../../electron/accounts/csv-import';

const plan = (text: string) => planAccountsImport(Buffer.from(text));

describe('accounts CSV plan', () => {
  it('reads every field of a good row, trimmed, with the defaults for what is empty', () => {
    const result = plan(
      'username,password,label,group,priority,tags,notes,status\n' +
        ' alice , pw ,Alice,family,-1000,"vip; morning|late ;",note,DISABLED\n' +
        'bob,,,,1000,,,\n',
    );
    expect(result.problems).toEqual([]);
    expect(result.accounts).toEqual([
      {
        row: 2,
        username: 'alice',
        password: 'pw',
        label: 'Alice',
        group: 'family',
        priority: -1000,
        tags: ['vip', 'morning', 'late'],
        notes: 'note',
        status: 'disabled',
        fields: {},
        secretFields: {},
      },
      {
        row: 3,
        username: 'bob',
        password: null,
        label: 'bob',
        group: '',
        priority: 1000,
        tags: [],
        notes: '',
        status: 'active',
        fields: {},
        secretFields: {},
      },
    ]);
  });

  it('names every problem of every row, sorted by row, and plans no account from a bad row', () => {
    const long = 'x'.repeat(2_001);
    const result = plan(
      'username,priority,status,notes\n' +
        ',1001,gone,\n' +
        'a b,-1001,active,\n' +
        `c,1.5,,${long}\n` +
        'd,x,,\n' +
        'd,0,,\n' +
        'e,0,active\n',
    );
    expect(result.accounts).toEqual([]);
    expect(result.problems).toEqual([
      { row: 2, column: 'username', reason: 'empty' },
      { row: 2, column: 'priority', reason: "'1001' is not a whole number from -1000 to 1000" },
      { row: 2, column: 'status', reason: "'gone' is not active or disabled" },
      { row: 3, column: 'username', reason: 'contains whitespace' },
      { row: 3, column: 'priority', reason: "'-1001' is not a whole number from -1000 to 1000" },
      { row: 4, column: 'notes', reason: 'longer than 2000 characters' },
      { row: 4, column: 'priority', reason: "'1.5' is not a whole number from -1000 to 1000" },
      { row: 5, column: 'priority', reason: "'x' is not a whole number from -1000 to 1000" },
      { row: 6, column: 'username', reason: 'duplicate of row 5' },
      { row: 7, column: null, reason: '3 cells, but the header has 4' },
    ]);
    expect(result.duplicatesInFile).toEqual([{ row: 6, firstRow: 5, username: 'd' }]);
  });

  it('accepts a cell of exactly the longest length', () => {
    expect(plan(`username,notes\nu,${'x'.repeat(2_000)}\n`).problems).toEqual([]);
  });

  it('names the header problems: unknown, duplicate and missing columns; an export reads back', () => {
    expect(plan('login,user,colour\nu,v,w\n').problems).toEqual([
      { row: 1, column: 'user', reason: "same field as column 'login'" },
      {
        row: 1,
        column: 'colour',
        reason:
          "unknown column; known columns: username, password, label, group, priority, tags, notes, status, field:NAME and secret:NAME for a target's own fields (and an export's statistics, ignored)",
      },
    ]);
    expect(plan('password\nx\n').problems[0]).toEqual({
      row: 1,
      column: 'username',
      reason: 'missing column username',
    });
    expect(plan('').problems).toEqual([{ row: 1, column: null, reason: 'the file has no header row' }]);
    expect(plan('username,attempts,last_used_at,last outcome,Successes\nu,3,,,1\n').problems).toEqual([]);
  });

  it('names broken quoting in words, with its row', () => {
    const reasons = (text: string) => plan(text).problems.map((p) => `${p.row}: ${p.reason}`);
    expect(reasons('username\n"a"b\nok\n')[0]).toBe('2: bad CSV: a quoted cell has text after its closing quote');
    expect(reasons('username\nx"y\n')).toEqual(['2: bad CSV: a quote appears inside an unquoted cell']);
    expect(reasons('username\n"never closed\n')[0]).toMatch(/^\d+: bad CSV: a quote is opened and never closed$/);
  });

  it('refuses a file that is not in its encoding, naming the rows, and reads GBK when told', () => {
    // "用户" and "备注" in GBK
    const gbk = Buffer.concat([
      Buffer.from('username,notes\n'),
      Buffer.from([0xd3, 0xc3, 0xbb, 0xa7, 0x2c, 0xb1, 0xb8, 0xd7, 0xa2, 0x0a]),
    ]);
    expect(planAccountsImport(gbk).problems[0]).toMatchObject({
      row: 2,
      column: null,
      reason: 'not valid UTF-8 text: save the file as UTF-8 (or give its encoding, e.g. --encoding gbk)',
    });
    expect(planAccountsImport(gbk, 'gbk').accounts[0]).toMatchObject({ username: '用户', notes: '备注' });
  });
});
