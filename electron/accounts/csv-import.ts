// Reads an accounts CSV into rows ready to insert, or into every problem it has: row (as a spreadsheet numbers it,
// header = 1), column and reason. Nothing here touches the database: the service imports only a plan with no problem.
import { parse } from 'csv-parse/sync';
import { decodeCsvBytes } from './csv-text';
import { ACCOUNT_FIELDS, fieldForHeader, type AccountField, isStatisticsColumn } from './csv-columns';
import { fieldColumn, fieldNameProblem, MAX_FIELDS, type FieldColumn } from './account-fields';

export interface ImportProblem {
  row: number;
  column: string | null;
  reason: string;
}

export interface ParsedAccount {
  row: number;
  username: string;
  password: string | null;
  label: string;
  group: string;
  priority: number;
  tags: string[];
  notes: string;
  status: 'active' | 'disabled';
  /** `field:NAME` columns (empty cells left out). */
  fields: Record<string, string>;
  /** `secret:NAME` columns, in clear until the service seals them. */
  secretFields: Record<string, string>;
}

export interface ImportPlan {
  accounts: ParsedAccount[];
  problems: ImportProblem[];
  /** Rows whose username appeared earlier in the file (the later row is also a problem). */
  duplicatesInFile: Array<{ row: number; firstRow: number; username: string }>;
}

const MAX_CELL = 2_000;

function describeCsvError(message: string): string {
  if (message.startsWith('Invalid Closing Quote')) return 'a quoted cell has text after its closing quote';
  if (message.startsWith('Quote Not Closed')) return 'a quote is opened and never closed';
  if (message.startsWith('Invalid Opening Quote')) return 'a quote appears inside an unquoted cell';
  return message.split(':')[0]!;
}

export function planAccountsImport(bytes: Buffer, encoding = 'utf-8'): ImportPlan {
  const problems: ImportProblem[] = [];
  const decoded = decodeCsvBytes(bytes, encoding);
  if (decoded.badRows.length > 0) {
    return {
      accounts: [],
      duplicatesInFile: [],
      problems: decoded.badRows.map((row) => ({
        row,
        column: null,
        reason: `not valid ${encoding.toUpperCase()} text: save the file as UTF-8 (or give its encoding, e.g. --encoding gbk)`,
      })),
    };
  }

  const records: Array<{ row: number; cells: string[] }> = [];
  parse(decoded.text, {
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    on_record: (record: { record: string[]; info: { lines: number } }) => {
      records.push({ row: record.info.lines, cells: record.record });
      return null;
    },
    on_skip: (error: { message: string; lines?: number } | undefined) => {
      if (!error) return;
      problems.push({ row: error.lines ?? 0, column: null, reason: `bad CSV: ${describeCsvError(error.message)}` });
    },
  } as never);

  const header = records.shift();
  if (!header)
    return {
      accounts: [],
      duplicatesInFile: [],
      problems: [{ row: 1, column: null, reason: 'the file has no header row' }, ...problems],
    };

  const fields: Array<AccountField | undefined> = header.cells.map((name) => fieldForHeader(name));
  const seenFields = new Map<AccountField, string>();
  const extraColumns: Array<FieldColumn | undefined> = header.cells.map(() => undefined);
  const seenExtra = new Map<string, string>();
  header.cells.forEach((name, index) => {
    const field = fields[index];
    if (!field && isStatisticsColumn(name)) return; // an export read back: its statistics are the pool's own
    const extra = field ? undefined : fieldColumn(name);
    if (extra) {
      const problem = fieldNameProblem(extra.name);
      if (problem) problems.push({ row: header.row, column: name, reason: problem });
      else if (seenExtra.has(extra.name))
        problems.push({ row: header.row, column: name, reason: `same field as column '${seenExtra.get(extra.name)}'` });
      else {
        seenExtra.set(extra.name, name);
        extraColumns[index] = extra;
      }
    } else if (!field) {
      problems.push({
        row: header.row,
        column: name,
        reason: `unknown column; known columns: ${ACCOUNT_FIELDS.join(', ')}, field:NAME and secret:NAME for a target's own fields (and an export's statistics, ignored)`,
      });
    } else if (seenFields.has(field)) {
      problems.push({ row: header.row, column: name, reason: `same field as column '${seenFields.get(field)}'` });
    } else {
      seenFields.set(field, name);
    }
  });
  if (seenExtra.size > MAX_FIELDS)
    problems.push({ row: header.row, column: null, reason: `${seenExtra.size} field columns; at most ${MAX_FIELDS}` });
  if (!seenFields.has('username'))
    problems.push({ row: header.row, column: 'username', reason: 'missing column username' });

  const accounts: ParsedAccount[] = [];
  const firstRowOf = new Map<string, number>();
  const duplicatesInFile: ImportPlan['duplicatesInFile'] = [];
  for (const { row, cells } of records) {
    if (cells.length !== header.cells.length) {
      problems.push({ row, column: null, reason: `${cells.length} cells, but the header has ${header.cells.length}` });
      continue;
    }
    const value = (field: AccountField): string | undefined => {
      const index = fields.indexOf(field);
      return index < 0 ? undefined : cells[index]!.trim();
    };
    const rowProblems: ImportProblem[] = [];
    const problem = (field: AccountField, reason: string): void => {
      rowProblems.push({ row, column: seenFields.get(field) ?? field, reason });
    };
    for (const [index, cell] of cells.entries()) {
      if (cell.length > MAX_CELL)
        rowProblems.push({ row, column: header.cells[index]!, reason: `longer than ${MAX_CELL} characters` });
    }
    const username = value('username') ?? '';
    if (username === '') problem('username', 'empty');
    else if (/\s/.test(username)) problem('username', 'contains whitespace');
    const priorityText = value('priority') ?? '';
    const priority = priorityText === '' ? 0 : Number(priorityText);
    if (!Number.isInteger(priority) || priority < -1000 || priority > 1000)
      problem('priority', `'${priorityText}' is not a whole number from -1000 to 1000`);
    const statusText = (value('status') ?? '').toLowerCase();
    if (statusText !== '' && statusText !== 'active' && statusText !== 'disabled')
      problem('status', `'${statusText}' is not active or disabled`);
    if (username !== '') {
      const first = firstRowOf.get(username);
      if (first !== undefined) {
        duplicatesInFile.push({ row, firstRow: first, username });
        problem('username', `duplicate of row ${first}`);
      } else {
        firstRowOf.set(username, row);
      }
    }
    if (rowProblems.length > 0) {
      problems.push(...rowProblems);
      continue;
    }
    const password = value('password') ?? '';
    const extras: Record<FieldColumn['kind'], Record<string, string>> = { field: {}, secret: {} };
    extraColumns.forEach((extra, index) => {
      const cell = cells[index]!.trim();
      if (extra && cell !== '') extras[extra.kind][extra.name] = cell;
    });
    accounts.push({
      row,
      username,
      password: password === '' ? null : password,
      label: value('label') || username,
      group: value('group') ?? '',
      priority,
      tags: (value('tags') ?? '')
        .split(/[;|]/)
        .map((tag) => tag.trim())
        .filter((tag) => tag !== ''),
      notes: value('notes') ?? '',
      status: statusText === 'disabled' ? 'disabled' : 'active',
      fields: extras.field,
      secretFields: extras.secret,
    });
  }
  problems.sort((a, b) => a.row - b.row);
  return { accounts, problems, duplicatesInFile };
}
