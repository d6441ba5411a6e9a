// `tminus accounts import|export|list`: the account pool from the command line.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { table } from './table';
import { openApp } from './open-app';
import { TminusError } from '../errors';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { createProgress } from './progress';

const ENCODINGS = ['utf-8', 'gbk', 'gb18030', 'big5', 'utf-16le'];

export function registerAccountsCommand(program: Command): void {
  const accounts = program.command('accounts').description('the account pool: import, export, list');

  accounts
    .command('import <file>')
    .description('import accounts from CSV (all rows or none); secrets are encrypted at rest')
    .requiredOption('--target <id>', 'target id (the built-in simulator is `simulator`)')
    .option('--dry-run', 'check every row and report, import nothing')
    .option('--encoding <name>', `file encoding: ${ENCODINGS.join(', ')}`, 'utf-8')
    .action(async (file: string, flags: { target: string; dryRun?: boolean; encoding: string }, command: Command) => {
      if (!ENCODINGS.includes(flags.encoding.toLowerCase())) {
        throw new TminusError(
          'INVALID_ARGUMENT',
          `--encoding: '${flags.encoding}' is not one of ${ENCODINGS.join(', ')}`,
        );
      }
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        throw new TminusError(
          'IMPORT_INVALID',
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      const app = await openApp({ dataDir: dataDirFrom(command.optsWithGlobals<GlobalOptions>()) });
      try {
        const progress = createProgress(1);
        progress.step(`${flags.dryRun ? 'checking' : 'importing'} ${file}`);
        const report = app.accounts.importCsv(flags.target, bytes, {
          dryRun: flags.dryRun === true,
          encoding: flags.encoding.toLowerCase(),
        });
        progress.update(1);
        progress.done();
        for (const problem of report.problems) {
          console.error(`row ${problem.row}${problem.column ? `, column ${problem.column}` : ''}: ${problem.reason}`);
        }
        const SHOWN = 20;
        for (const duplicate of report.alreadyImported.slice(0, SHOWN)) {
          console.log(`row ${duplicate.row}: ${duplicate.username} is already in the pool (skipped)`);
        }
        if (report.alreadyImported.length > SHOWN)
          console.log(`… and ${report.alreadyImported.length - SHOWN} more already in the pool`);
        if (!report.ok) {
          const rows = new Set(report.problems.map((problem) => problem.row)).size;
          console.error(`nothing imported: ${rows} bad row${rows === 1 ? '' : 's'} in ${file}`);
          process.exitCode = 1;
          return;
        }
        const skipped =
          report.alreadyImported.length > 0 ? ` (${report.alreadyImported.length} already there, skipped)` : '';
        console.log(
          report.dryRun
            ? `dry run: ${report.valid} accounts would be imported into target ${flags.target}${skipped}; nothing was changed`
            : `imported ${report.imported} accounts into target ${flags.target}${skipped}`,
        );
      } finally {
        await app.close();
      }
    });

  accounts
    .command('export')
    .description('export accounts as CSV, without passwords or tokens')
    .requiredOption('--target <id>', 'target id')
    .option('--out <file>', 'write to FILE instead of standard output')
    .action(async (flags: { target: string; out?: string }, command: Command) => {
      const app = await openApp({ dataDir: dataDirFrom(command.optsWithGlobals<GlobalOptions>()) });
      try {
        const csv = app.accounts.exportCsv(flags.target);
        if (flags.out) {
          writeFileSync(flags.out, csv);
          console.error(`wrote ${csv.split('\r\n').length - 2} accounts to ${flags.out}`);
        } else {
          process.stdout.write(csv);
        }
      } finally {
        await app.close();
      }
    });

  accounts
    .command('list')
    .description('list the accounts of a target with status, lease and last outcome')
    .requiredOption('--target <id>', 'target id')
    .option('--json', 'print JSON')
    .action(async (flags: { target: string; json?: boolean }, command: Command) => {
      const app = await openApp({ dataDir: dataDirFrom(command.optsWithGlobals<GlobalOptions>()) });
      try {
        app.accounts.exportCsv(flags.target); // validates the target id
        const list = app.accounts.list(flags.target);
        if (flags.json) {
          console.log(JSON.stringify(list, null, 2));
          return;
        }
        const rows = list.map((a) => [
          String(a.id),
          a.username,
          a.status,
          a.hasTokens ? 'signed in' : a.signInNeeded ? 'needs sign-in' : 'not signed in',
          `${a.successes}/${a.attempts}`,
          a.lastOutcome ?? '',
          [...Object.keys(a.fields), ...a.secretFields].join(' '),
        ]);
        if (rows.length > 0)
          console.log(table(['ID', 'USERNAME', 'STATUS', 'SESSION', 'BOOKED/TRIED', 'LAST', 'FIELDS'], rows));
        console.error(`${list.length} accounts`);
      } finally {
        await app.close();
      }
    });
}
