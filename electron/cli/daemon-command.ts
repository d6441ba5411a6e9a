// `tminus daemon`: runs the schedules with no UI, logging JSON lines with pino; stops cleanly on SIGTERM or SIGINT
// (running campaigns are cancelled and their attempts flushed, leases released).
import type { Command } from 'commander';
import { pino } from 'pino';
import { openApp } from './open-app';
import { surviveStorageFaults } from './survive-storage-faults';
import { dataDirFrom, type GlobalOptions } from './global-options';

export function registerDaemonCommand(program: Command): void {
  program
    .command('daemon')
    .description('run the schedules with no UI (logs JSON lines; SIGTERM stops it cleanly)')
    .option('--log-level <level>', 'pino level: debug, info, warn or error', 'info')
    .action(async (flags: { logLevel: string }, command: Command) => {
      const log = pino({ name: 'tminus', level: flags.logLevel });
      surviveStorageFaults((line) => log.error(line));
      // Listen for the stop signal before anything else: one that arrives while starting stops the daemon cleanly
      // once it has started, instead of killing it half-way.
      const stopped = new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          log.info({ signal }, 'stopping');
          resolve();
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      const app = await openApp({
        dataDir: dataDirFrom(command.optsWithGlobals<GlobalOptions>()),
        log: {
          info: (fields, message) => log.info(fields, message),
          warn: (fields, message) => log.warn(fields, message),
          error: (fields, message) => log.error(fields, message),
        },
        onInternalError: (call, error) => log.error({ call, error: String(error) }, 'internal error'),
      });
      app.bus.on('campaign/state', (event) => log.info(event, `campaign ${event.state}`));
      app.health.start();
      app.captcha.start().catch((error: Error) => log.warn({ error: error.message }, 'captcha reader not available'));
      app.engine.keepReconciling(60_000, (report) =>
        (report.unknown > 0 ? log.warn : log.info).call(log, report, 'reconciled a campaign'),
      );
      const missed = app.scheduler.start();
      const schedules = app.scheduler.list();
      log.info(
        {
          dataDir: app.dataDir,
          schedules: schedules.map((s) => ({ id: s.id, name: s.name, timeZone: s.timeZone, next: s.next[0] ?? null })),
          missed: missed.length,
        },
        'daemon started',
      );
      await stopped;
      await app.close();
      log.info({}, 'stopped');
      log.flush();
    });
}
