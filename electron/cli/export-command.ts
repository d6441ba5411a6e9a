// `tminus export attempts|summary|attribution --campaign ID --out FILE|-`: CSV an analyst can open. The file appears
// only when the export is complete (written beside it, then renamed); a failed export leaves nothing behind. `--out -`
// writes to stdout (the row count then goes to stderr). A campaign is named by its id or any unique prefix of it.
import type { Command } from 'commander';
import type { Writable } from 'node:stream';
import type { App } from '../app';
import { openApp } from './open-app';
import { exportAttempts, exportAttribution, exportSummary } from '../reports';
import { writeFileAtomically } from '../reports/write-file';
import { checkTimeZone } from '../schedule';
import { OutcomeSchema } from '../ipc/contract';
import { TminusError } from '../errors';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { createProgress } from './progress';

interface ExportFlags {
  campaign: string[];
  out: string;
  bom?: boolean;
  tz?: string;
  outcome?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A file written whole or not at all, or stdout for `-`. */
function writeOut(out: string, write: (stream: Writable) => Promise<{ rows: number }>): Promise<number> {
  if (out !== '-') return writeFileAtomically(out, write);
  return write(process.stdout).then(({ rows }) => rows);
}

function checkOutcomes(values: string[] | undefined): Array<(typeof OutcomeSchema.options)[number]> | undefined {
  if (!values) return undefined;
  return values.map((value) => {
    const parsed = OutcomeSchema.safeParse(value);
    if (!parsed.success)
      throw new TminusError(
        'INVALID_ARGUMENT',
        `--outcome: '${value}' is not one of ${OutcomeSchema.options.join(', ')}`,
      );
    return parsed.data;
  });
}

export function registerExportCommand(program: Command): void {
  const exporter = program.command('export').description("write a campaign's attempts, summary or attribution as CSV");
  const common = (command: Command): Command =>
    command
      .requiredOption('--campaign <id>', 'campaign id or a unique prefix of it (summary: repeat for several)', collect)
      .requiredOption('--out <file>', 'CSV file to write (- for stdout)')
      .option('--bom', 'start with a UTF-8 BOM (Excel reads Chinese text right)')
      .option('--tz <zone>', "time zone of the ISO-8601 instants (default: the campaign's)");
  const run = async (
    command: Command,
    flags: ExportFlags,
    work: (app: App, flags: ExportFlags) => Promise<number>,
  ): Promise<void> => {
    if (flags.tz) {
      try {
        checkTimeZone(flags.tz);
      } catch (error) {
        throw new TminusError('INVALID_ARGUMENT', `--tz: ${(error as Error).message.replace(/^timeZone: /, '')}`);
      }
    }
    const app = await openApp({ dataDir: dataDirFrom(command.optsWithGlobals<GlobalOptions>()) });
    try {
      flags.campaign = flags.campaign.map((id) => app.engine.resolveId(id)); // short ids → full ones
      const rows = await work(app, flags);
      const told = `${rows.toLocaleString('en-US')} row(s) written to ${flags.out === '-' ? 'stdout' : flags.out}`;
      if (flags.out === '-') process.stderr.write(`${told}\n`);
      else console.log(told);
    } finally {
      await app.close();
    }
  };
  common(exporter.command('attempts').description('every attempt, streamed (a million rows fit in little memory)'))
    .option('--outcome <outcome>', 'only attempts with this outcome (repeatable)', collect)
    .action(async (flags: ExportFlags, command: Command) =>
      run(command, flags, async (app) => {
        const outcomes = checkOutcomes(flags.outcome);
        const progress = createProgress(1);
        progress.step(`attempts of ${flags.campaign[0]}`);
        const rows = await writeOut(flags.out, (stream) =>
          exportAttempts(app.store.db, flags.campaign[0]!, stream, {
            bom: flags.bom,
            timeZone: flags.tz,
            filter: outcomes ? { outcomes } : undefined,
            onProgress: (done, total) =>
              progress.update(total === 0 ? 1 : done / total, `${done.toLocaleString('en-US')} rows`),
          }),
        );
        progress.done();
        return rows;
      }),
    );
  common(
    exporter.command('summary').description('one row per campaign: outcomes, first success, fire precision'),
  ).action(async (flags: ExportFlags, command: Command) =>
    run(command, flags, (app) =>
      writeOut(flags.out, (stream) =>
        exportSummary(app.store.db, flags.campaign, stream, { bom: flags.bom, timeZone: flags.tz }),
      ),
    ),
  );
  common(
    exporter.command('attribution').description('success rate by account, endpoint, fire offset, latency, …'),
  ).action(async (flags: ExportFlags, command: Command) =>
    run(command, flags, (app) =>
      writeOut(flags.out, (stream) => exportAttribution(app.store.db, flags.campaign[0]!, stream, { bom: flags.bom })),
    ),
  );
}
