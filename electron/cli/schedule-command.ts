// `tminus schedule add|list|remove`: recurring campaigns. The schedules run inside `tminus daemon`, `tminus serve`
// and the desktop app; these commands only edit them.
import { readDocumentFile } from '../common/document-file';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { App } from '../app';
import { openApp } from './open-app';
import { TminusError } from '../errors';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { parseDurationMs, parsePositiveInt } from './parse';
import { formatInZone } from '../reports/iso-instant';

function readTemplate(file: string): Record<string, unknown> {
  const text = readDocumentFile(file, 'SCHEDULE_INVALID', 'campaign');
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new TminusError('SCHEDULE_INVALID', `${file} is not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!document || typeof document !== 'object' || Array.isArray(document))
    throw new TminusError('SCHEDULE_INVALID', `${file}: a campaign is a mapping (name, target, item, accounts, …)`);
  // Each run brings its own open instant; a scenario to start belongs to `tminus run`.
  const { opensAt: _opensAt, simulator: _simulator, ...template } = document as Record<string, unknown>;
  return template;
}

async function withApp<T>(command: Command, work: (app: App) => T | Promise<T>): Promise<T> {
  const app = await openApp({ dataDir: dataDirFrom(command.optsWithGlobals<GlobalOptions>()) });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

export function registerScheduleCommand(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('recurring campaigns: a cron expression in a named time zone arms a campaign template');
  schedule
    .command('add')
    .description('add a schedule (it runs in `tminus daemon`, `tminus serve` or the desktop app)')
    .requiredOption('--cron <expr>', 'when to arm, e.g. "59 7 * * *" (five fields, or six with seconds first)')
    .requiredOption('--tz <zone>', 'IANA time zone the expression is read in, e.g. Asia/Shanghai')
    .requiredOption('--campaign <file>', 'campaign YAML (as for `tminus run`; its opensAt is replaced by each run)')
    .option('--name <name>', 'schedule name (default: the campaign name)')
    .option('--opens-after <duration>', 'the open instant is each run plus this', parseDurationMs, 60_000)
    .option('--disabled', 'add it switched off')
    .action(
      async (
        flags: { cron: string; tz: string; campaign: string; name?: string; opensAfter: number; disabled?: boolean },
        command: Command,
      ) => {
        const template = readTemplate(flags.campaign);
        await withApp(command, (app) => {
          const view = app.scheduler.add({
            name: flags.name ?? String(template.name ?? flags.campaign),
            cron: flags.cron,
            timeZone: flags.tz,
            opensAfterMs: flags.opensAfter,
            template,
            enabled: flags.disabled !== true,
          });
          console.log(`schedule ${view.id} "${view.name}" added: ${view.cron} in ${view.timeZone}`);
          for (const run of view.next)
            console.log(
              `  arms ${formatInZone(run.armAtMs, view.timeZone)}  opens ${formatInZone(run.opensAtMs, view.timeZone)}`,
            );
        });
      },
    );
  schedule
    .command('list')
    .description("list schedules with each one's zone and next run")
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, command: Command) => {
      await withApp(command, (app) => {
        const views = app.scheduler.list();
        if (flags.json) {
          console.log(JSON.stringify(views, null, 2));
          return;
        }
        if (views.length === 0) {
          console.log('no schedules (add one with `tminus schedule add`)');
          return;
        }
        for (const view of views) {
          const next = view.next[0];
          const when = next
            ? `next arms ${formatInZone(next.armAtMs, view.timeZone)}, opens ${formatInZone(next.opensAtMs, view.timeZone)}`
            : 'disabled';
          console.log(`${view.id}\t${view.name}\t${view.cron}\t${view.timeZone}\t${when}`);
          const missed = view.recent.filter((run) => run.state === 'missed' || run.state === 'failed');
          for (const run of missed)
            console.log(`\t${run.state} ${formatInZone(run.runAtMs, view.timeZone)}: ${run.message ?? ''}`);
        }
      });
    });
  schedule
    .command('remove <id>')
    .description('remove a schedule (campaigns it created stay)')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const scheduleId = parsePositiveInt(id);
      await withApp(command, async (app) => {
        await app.scheduler.remove(scheduleId);
        console.log(`schedule ${scheduleId} removed`);
      });
    });
}
