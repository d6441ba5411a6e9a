// `tminus reconcile [--campaign ID]`: asks the target about every result a crash or a lost answer left open, until
// nothing is unknown. Each run asks again about what the last one could not settle.
import type { Command } from 'commander';
import { openApp } from './open-app';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { describeReconcile } from './run-command';

export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description("settle the results a crash or a lost answer left unknown, through the target's order lookup")
    .option('--campaign <id>', 'only this campaign (default: every campaign with an open result)')
    .option('--json', 'print the reports as JSON')
    .action(async (flags: { campaign?: string; json?: boolean }, command: Command) => {
      const app = await openApp({ dataDir: dataDirFrom(command.optsWithGlobals<GlobalOptions>()) });
      try {
        const reports = flags.campaign
          ? [await app.engine.reconcile(flags.campaign)]
          : await app.engine.reconcileInterrupted();
        if (flags.json) console.log(JSON.stringify(reports, null, 2));
        else if (reports.length === 0) console.log('nothing to reconcile: every result is settled');
        else for (const report of reports) console.log(describeReconcile(report));
        if (reports.some((report) => report.unknown > 0)) process.exitCode = 1;
      } finally {
        await app.close();
      }
    });
}
