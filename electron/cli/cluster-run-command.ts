// `tminus cluster run CAMPAIGN.yaml`: this machine coordinates a campaign across the cluster's live nodes — deals
// its accounts (by round trip, then load) with a share of the target's bucket each, keeps the one record in its
// SQLite, hands a lost node's accounts to the others — and prints what each node did (docs/cluster.md).
import type { Command } from 'commander';
import { hostname } from 'node:os';
import { ClusterCoordinator, ClusterMembership, parseClusterUrl, type ClusterCampaignReport } from '../cluster';
import { ensureDataDir } from '../store';
import { TminusError } from '../errors';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { openApp } from './open-app';
import { parsePositiveInt } from './parse';
import { loadCampaign, prepareCampaignTarget } from './run-command';
import { table } from './table';

interface ClusterRunFlags {
  cluster?: string;
  name?: string;
  target?: string;
  accounts?: string;
  leaseTtlMs: number;
  json?: boolean;
}

export function describeClusterReport(report: ClusterCampaignReport): string {
  const lines = [
    `cluster campaign ${report.campaignId}: ${report.booked} of ${report.accounts} accounts booked, ` +
      `${report.notBooked} not booked, ${report.unknown} unknown; ${report.records} records kept`,
    table(
      ['node', 'accounts', 'booked/shots', 'late'],
      report.nodes.map((node) => [
        `${node.name} (${node.nodeId})`,
        String(node.accounts),
        `${node.successes}/${node.shots}`,
        String(node.late),
      ]),
    ),
  ];
  for (const takeover of report.takeovers)
    lines.push(
      `took over ${takeover.accounts} accounts of ${takeover.fromNodeId} (to ${takeover.toNodeIds.join(', ')})`,
    );
  return lines.join('\n');
}

export function registerClusterRun(cluster: Command, clusterOption: readonly [string, string]): void {
  cluster
    .command('run <campaign>')
    .description(
      "coordinate a campaign across the cluster's live nodes: deal its accounts, keep the one record here, hand a lost node's accounts to the others",
    )
    .option(...clusterOption)
    .option('--name <name>', 'how this coordinator is shown among the nodes (default: coordinator@HOST)')
    .option('--target <profile>', "target profile file (its id must be the campaign's target)")
    .option('--accounts <csv>', 'import these accounts into the target first (existing ones are skipped)')
    .option(
      '--lease-ttl-ms <ms>',
      "an account's lease: how soon a lost node's accounts are taken over",
      parsePositiveInt,
      3_000,
    )
    .option('--json', 'print the report as JSON')
    .action(async (file: string, flags: ClusterRunFlags, command: Command) => {
      const text = flags.cluster ?? process.env.TMINUS_CLUSTER;
      if (!text) throw new TminusError('CLUSTER_URL_INVALID', '--cluster: give the Redis URL (or set TMINUS_CLUSTER)');
      const url = parseClusterUrl(text);
      const spec = loadCampaign(file);
      const dataDir = ensureDataDir(dataDirFrom(command.optsWithGlobals<GlobalOptions>()));
      const say = (line: string): void => {
        process.stderr.write(`${line}\n`);
      };
      const app = await openApp({ dataDir });
      try {
        await prepareCampaignTarget(app, spec, flags, say);
        const member = await ClusterMembership.join({
          url,
          dataDir,
          name: flags.name ?? `coordinator@${hostname()}`,
          heartbeatMs: 1_000,
        });
        try {
          const coordinator = new ClusterCoordinator(app, member, { leaseTtlMs: flags.leaseTtlMs, onEvent: say });
          const report = await coordinator.run(spec);
          console.log(flags.json ? JSON.stringify(report, null, 2) : describeClusterReport(report));
          if (report.unknown > 0) process.exitCode = 1;
        } finally {
          await member.leave();
        }
      } finally {
        await app.close();
      }
    });
}
