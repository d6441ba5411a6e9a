// The `tminus` command line: global options, one module per command.
import { registerCampaignsCommand } from './campaigns-command';
import { Command } from 'commander';
import { APP_VERSION } from '../platform/app-info';
import { registerServeCommand } from './serve-command';
import { registerSimCommand } from './sim-command';
import { registerBenchCommand } from './bench-command';
import { registerClockCommand } from './clock-command';
import { registerAccountsCommand } from './accounts-command';
import { registerRunCommand } from './run-command';
import { registerTargetsCommand } from './targets-command';
import { registerCaptchaCommand } from './captcha-command';
import { registerScheduleCommand } from './schedule-command';
import { registerDaemonCommand } from './daemon-command';
import { registerExportCommand } from './export-command';
import { registerReconcileCommand } from './reconcile-command';
import { registerClusterCommand } from './cluster-command';

export function buildProgram(): Command {
  const program = new Command('tminus')
    .description('Tminus: precisely timed booking rushes, from the command line')
    .version(APP_VERSION, '-V, --version')
    .option('--data-dir <dir>', 'data directory (default: $TMINUS_HOME, else ~/.tminus)')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.trimEnd().split('\n')[0] + '\n') });
  registerServeCommand(program);
  registerSimCommand(program);
  registerClockCommand(program);
  registerAccountsCommand(program);
  registerRunCommand(program);
  registerCampaignsCommand(program);
  registerReconcileCommand(program);
  registerTargetsCommand(program);
  registerCaptchaCommand(program);
  registerScheduleCommand(program);
  registerDaemonCommand(program);
  registerExportCommand(program);
  registerClusterCommand(program);
  registerBenchCommand(program);
  return program;
}
