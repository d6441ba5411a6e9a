// `tminus run CAMPAIGN.yaml`: a campaign headless, start to end, with a summary. When the campaign targets the
// built-in simulator, `run` starts it (with the campaign's scenario) and signs its accounts in.
import { readDocumentFile } from '../common/document-file';
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { startCountdown } from './countdown';
import { formatInZone } from '../reports';
import { openApp } from './open-app';
import type { App } from '../app';
import { parseValidatedDocument, describeProblems } from '../common/validated-document';
import { CampaignSpecSchema, specHash, type CampaignSpec, type RunSummary } from '../engine';
import { loadProfileFile } from '../targets';
import { loadScenarioFile, accountPassword, accountUsername } from '../sim';
import { resourcesDir } from '../platform/resources-dir';
import { TminusError } from '../errors';
import type { ReconcileReport } from '../engine';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { join } from 'node:path';

export function loadCampaign(file: string): CampaignSpec {
  const text = readDocumentFile(file, 'CAMPAIGN_INVALID', 'campaign');
  const result = parseValidatedDocument(text, CampaignSpecSchema);
  if (!result.ok)
    throw new TminusError('CAMPAIGN_INVALID', `${file} is not a valid campaign:\n${describeProblems(result.problems)}`);
  return result.value;
}

function scenarioFile(name: string): string {
  if (existsSync(name)) return name;
  const shipped = join(resourcesDir(), 'scenarios', `${name}.yaml`);
  if (existsSync(shipped)) return shipped;
  throw new TminusError('CAMPAIGN_INVALID', `simulator.scenario: '${name}' is neither a file nor a shipped scenario`);
}

const quantile = (values: number[], q: number): number | null => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

/** What the record says beyond the outcomes: results still unknown, accounts left out, storage trouble. */
function recordLines(summary: RunSummary): string[] {
  const lines: string[] = [];
  const { intents, leftOut } = summary;
  lines.push(
    `  record          ${intents.booked} booked, ${intents.notBooked} not booked, ${intents.unknown} unknown` +
      (intents.unknown > 0 ? ' — their answers were lost: run `tminus reconcile` until none is unknown' : ''),
  );
  if (leftOut.alreadyBooked + leftOut.unsettled > 0)
    lines.push(
      `  left out        ${leftOut.alreadyBooked} account(s) that already booked this item, ` +
        `${leftOut.unsettled} whose result for it is still unknown`,
    );
  if (summary.storageFault)
    lines.push(
      `  storage         ${summary.storageFault.code}: ${summary.storageFault.message} (record kept in memory)`,
    );
  if (summary.satOut.total > 0) {
    const reasons = Object.entries(summary.satOut.byReason)
      .map(([reason, n]) => `${n} ${reason}`)
      .join(', ');
    lines.push(`  sat out         ${summary.satOut.total} account(s): ${reasons}`);
    for (const example of summary.satOut.examples.slice(0, 3)) lines.push(`                  ${example.message}`);
  }
  if (summary.error) lines.push(`  error           ${summary.error}`);
  for (const warning of summary.warnings) lines.push(`  warning         ${warning}`);
  return lines;
}

export function describeReconcile(report: ReconcileReport): string {
  return (
    `reconciled campaign ${report.campaignId}: asked about ${report.checked}, ${report.found} booking(s) found, ` +
    `${report.notFound} not booked, ${report.unknown} still unknown${report.error ? ` (${report.error})` : ''}`
  );
}

/**
 * What `tminus run` and `tminus cluster run` do before a campaign: install `--target`, start the built-in simulator
 * when the campaign targets it (signing its accounts in), import `--accounts` (all or nothing).
 */
export async function prepareCampaignTarget(
  app: App,
  spec: CampaignSpec,
  flags: { target?: string; accounts?: string },
  say: (line: string) => void,
): Promise<void> {
  if (flags.target) {
    const profile = loadProfileFile(flags.target);
    if (profile.id !== spec.target) {
      throw new TminusError(
        'CAMPAIGN_INVALID',
        `target: the campaign names '${spec.target}' but ${flags.target} is '${profile.id}'`,
      );
    }
    app.targets.upsert(
      {
        id: profile.id,
        name: profile.name,
        profileText: readDocumentFile(flags.target, 'PROFILE_INVALID', 'profile'),
        profileFormat: 'yaml',
        builtin: profile.builtin,
      },
      Date.now(),
    );
  }
  const profile = app.engine.profile(spec.target);
  if (profile.builtin) {
    const scenario = loadScenarioFile(scenarioFile(spec.simulator?.scenario ?? 'default'));
    await app.sim.startScenario(scenario);
    say(`simulator "${scenario.name}" running: ${app.sim.current()!.urls.join(' ')}`);
    if (!flags.accounts && app.accounts.list(spec.target).length < spec.accounts.count) {
      const rows = ['username,password'];
      for (let index = 0; index < scenario.accounts.count; index += 1)
        rows.push(`${accountUsername(scenario, index)},${accountPassword(scenario, index)}`);
      const report = app.accounts.importCsv(spec.target, Buffer.from(rows.join('\n')), { dryRun: false });
      say(`imported ${report.imported} simulator accounts`);
    }
  }
  if (flags.accounts) {
    const report = app.accounts.importCsv(spec.target, readFileSync(flags.accounts), { dryRun: false });
    if (!report.ok) {
      for (const problem of report.problems)
        console.error(
          `${flags.accounts}: row ${problem.row}${problem.column ? `, column ${problem.column}` : ''}: ${problem.reason}`,
        );
      throw new TminusError('IMPORT_INVALID', `nothing imported from ${flags.accounts}; the campaign was not run`);
    }
    say(`imported ${report.imported} accounts (${report.alreadyImported.length} already there)`);
  }
}

export function registerRunCommand(program: Command): void {
  program
    .command('run <campaign>')
    .description('run a campaign headless and print its summary (starts the built-in simulator when targeted)')
    .option('--target <profile>', "target profile file (its id must be the campaign's target)")
    .option('--accounts <csv>', 'import these accounts into the target first (existing ones are skipped)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, flags: { target?: string; accounts?: string; json?: boolean }, command: Command) => {
      const spec = loadCampaign(file);
      const app = await openApp({ dataDir: dataDirFrom(command.optsWithGlobals<GlobalOptions>()) });
      const say = (line: string): void => {
        process.stderr.write(`${line}\n`); // progress on stderr; --json keeps stdout for the summary
      };
      try {
        await prepareCampaignTarget(app, spec, flags, say);
        for (const report of await app.engine.reconcileInterrupted()) say(describeReconcile(report));
        // The same campaign file after a crash is the same campaign: resumed with its keys, not started afresh.
        const hash = specHash(spec);
        const crashed = app.engine.resumable(hash);
        const campaign = crashed ?? app.engine.create(spec, { specHash: hash });
        say(
          `campaign ${campaign.id}${crashed ? ' (resumed after an interruption)' : ''}: opens ` +
            `${formatInZone(campaign.openAtServerMs, campaign.timeZone)} ${campaign.timeZone} (server time)`,
        );
        app.bus.on('campaign/state', (event) => say(`  ${event.state}`));
        const countdown = flags.json ? null : startCountdown(app, campaign);
        let summary: RunSummary;
        try {
          summary = crashed ? await app.engine.runResumed(campaign.id) : await app.engine.run(campaign.id);
        } finally {
          countdown?.stop();
        }
        const sim = app.sim.current();
        let arrival: { p50Ms: number | null; p99Ms: number | null } | null = null;
        if (sim) {
          const first = new Map<string, number>();
          for (const a of sim.arrivals())
            if (a.route.endsWith('/book') && a.account && !first.has(a.account))
              first.set(a.account, a.serverMs - summary.openAtServerMs);
          arrival = { p50Ms: quantile([...first.values()], 0.5), p99Ms: quantile([...first.values()], 0.99) };
        }
        if (flags.json) {
          console.log(JSON.stringify({ ...summary, arrival }, null, 2));
        } else {
          const fmt = (ms: number | null): string => (ms === null ? '—' : `${ms.toFixed(2)} ms`);
          console.log(`${spec.name}: ${summary.state}`);
          console.log(
            `  successes       ${summary.successes} of ${summary.accounts} accounts${summary.soldOut ? ' (sold out)' : ''}`,
          );
          console.log(
            `  attempts        ${summary.attempts}: ${Object.entries(summary.byOutcome)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`,
          );
          console.log(`  first success   ${fmt(summary.firstSuccessMs)} after the open instant`);
          console.log(`  clock           offset ${summary.offsetMs.toFixed(2)} ms ± ${summary.boundMs.toFixed(2)} ms`);
          console.log(
            `  fire precision  send − released slot p50 ${fmt(summary.fire.p50Ms)}, p99 ${fmt(summary.fire.p99Ms)}` +
              ` (${summary.fire.writtenAhead} of ${summary.fire.shots} first shots written ahead on own connections)`,
          );
          const { spacing, arrival: stamped } = summary.fire;
          if (spacing.shots > 0)
            console.log(
              `  budget spacing  ${spacing.shots} first shots held past the instant by the budget: ` +
                `p50 ${fmt(spacing.p50Ms)}, max ${fmt(spacing.maxMs)}`,
            );
          if (!arrival && stamped.shots > 0)
            console.log(
              `  target stamp    arrival − planned instant p50 ${fmt(stamped.p50Ms)}, p99 ${fmt(stamped.p99Ms)}`,
            );
          if (arrival)
            console.log(
              `  server arrival  first request − open instant p50 ${fmt(arrival.p50Ms)}, p99 ${fmt(arrival.p99Ms)}`,
            );
          if (summary.observedOpenAtServerMs !== null)
            console.log(
              `  observed open   ${fmt(summary.observedOpenAtServerMs - summary.openAtServerMs)} from the nominal instant`,
            );
          for (const line of recordLines(summary)) console.log(line);
        }
        if (summary.state !== 'completed' || summary.intents.unknown > 0) process.exitCode = 1;
      } finally {
        await app.close();
      }
    });
}
