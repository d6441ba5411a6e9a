// `tminus cluster key|nodes` and `tminus node`: the cluster key this machine seals with, the nodes a cluster's Redis
// knows and their health, and a headless node that joins a cluster and keeps its heartbeat (docs/cluster.md).
import type { Command } from 'commander';
import { hostname } from 'node:os';
import {
  ClusterMembership,
  ClusterSealer,
  loadClusterKey,
  NodeProbe,
  NodeRegistry,
  openCluster,
  parseClusterUrl,
  writeClusterKey,
  driveDealtShares,
  type ClusterNodeView,
  type ShareReport,
} from '../cluster';
import { openApp } from './open-app';
import { registerClusterRun } from './cluster-run-command';
import { ensureDataDir } from '../store';
import { ClockService, systemLocalClock } from '../clock';
import { TargetBudget } from '../engine/target-budget';
import { sourcesFromFlags, targetTimeSource } from './clock-command';
import { TminusError } from '../errors';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { parsePositiveInt } from './parse';
import { table } from './table';

const CLUSTER_OPTION = [
  '--cluster <url>',
  'redis[s]://[USER:PASS@]HOST:PORT, or redis[s]+sentinel://[USER:PASS@]HOST:PORT,…/MASTER (default: $TMINUS_CLUSTER)',
] as const;

function clusterUrlFrom(flags: { cluster?: string }) {
  const text = flags.cluster ?? process.env.TMINUS_CLUSTER;
  if (!text) throw new TminusError('CLUSTER_URL_INVALID', '--cluster: give the Redis URL (or set TMINUS_CLUSTER)');
  return parseClusterUrl(text);
}

function describeNode(node: ClusterNodeView): string[] {
  return [
    node.name,
    node.nodeId,
    node.health,
    `${(node.lastSeenAgoMs / 1000).toFixed(1)} s ago`,
    String(node.accountsHeld),
    node.clock ? `${node.clock.offsetMs.toFixed(1)} ± ${node.clock.boundMs.toFixed(1)} ms` : '—',
    node.roundTripMs === null ? '—' : `${node.roundTripMs.toFixed(1)} ms`,
    `${node.successes}/${node.shots}`,
    node.version,
  ];
}

function describeShareEvent(event: {
  campaignId: string;
  shareId: string;
  phase: 'start' | 'end';
  report?: ShareReport;
  error?: string;
}): string {
  const share = `campaign ${event.campaignId.slice(0, 8)} share ${event.shareId}`;
  if (event.phase === 'start') return `${share}: dealt to this node`;
  if (event.error) return `${share}: failed: ${event.error}`;
  const report = event.report!;
  const summary = report.summary;
  return (
    `${share}: ended — ${report.leased} accounts leased${report.notLeased > 0 ? `, ${report.notLeased} held elsewhere` : ''}` +
    (summary ? `, ${summary.successes} booked, ${summary.attempts} attempts` : '') +
    (report.stoppedBecause ? ` (stopped: ${report.stoppedBecause})` : '')
  );
}

interface NodeFlags {
  cluster?: string;
  name?: string;
  heartbeatMs: number;
  target?: string;
  http?: string;
  field?: string;
  probeEveryMs: number;
  samples: number;
}

/** The node's measure of its target, from --target (its profile, inside its budget) or --http; null with neither. */
async function nodeProbeFrom(flags: NodeFlags, dataDir: string): Promise<NodeProbe | null> {
  if (flags.target && flags.http) throw new TminusError('INVALID_ARGUMENT', 'use --target or --http, not both');
  if (flags.field !== undefined && !flags.http) throw new TminusError('INVALID_ARGUMENT', '--field needs --http URL');
  const service = new ClockService({ clock: systemLocalClock });
  const options = { everyMs: flags.probeEveryMs, samples: flags.samples };
  if (flags.target) {
    const { sources, limits } = await targetTimeSource(flags.target, dataDir);
    const budget = new TargetBudget(limits.ratePerSec, limits.burst, systemLocalClock);
    return new NodeProbe(service, sources, { ...options, gate: () => budget.take() });
  }
  if (flags.http)
    return new NodeProbe(
      service,
      sourcesFromFlags({ ntp: [], http: flags.http, field: flags.field, samples: flags.samples }),
      options,
    );
  return null;
}

export function registerClusterCommand(program: Command): void {
  const cluster = program
    .command('cluster')
    .description('several machines, one campaign: the cluster key, its nodes, and campaigns run across them');
  registerClusterRun(cluster, CLUSTER_OPTION);

  cluster
    .command('key')
    .description("print this machine's cluster key (creating one if it has none), or --set one copied from another")
    .option('--set <key>', 'the cluster key printed on another machine of the cluster (base64)')
    .action((flags: { set?: string }, command: Command) => {
      const dataDir = ensureDataDir(dataDirFrom(command.optsWithGlobals<GlobalOptions>()));
      const { key, created } = writeClusterKey(dataDir, flags.set);
      if (flags.set !== undefined) console.log(`cluster key set in ${dataDir}`);
      else {
        console.log(key);
        if (created)
          console.error(
            `created a cluster key in ${dataDir}; copy it to the other machines with --set (keep it secret)`,
          );
      }
    });

  cluster
    .command('nodes')
    .description('the nodes of a cluster: live or isolated (three heartbeats missed), what each holds and measures')
    .option(...CLUSTER_OPTION)
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: { cluster?: string; json?: boolean }, command: Command) => {
      const url = clusterUrlFrom(flags);
      const sealer = new ClusterSealer(loadClusterKey(dataDirFrom(command.optsWithGlobals<GlobalOptions>())));
      const connection = await openCluster(url, sealer);
      try {
        const nodes = await new NodeRegistry(connection.redis, 'cli').list();
        if (flags.json) console.log(JSON.stringify(nodes, null, 2));
        else if (nodes.length === 0) console.log(`no nodes in ${connection.where}`);
        else
          console.log(
            table(
              [
                'name',
                'node',
                'health',
                'last heartbeat',
                'accounts',
                'clock',
                'round trip',
                'booked/shots',
                'version',
              ],
              nodes.map(describeNode),
            ),
          );
      } finally {
        await connection.close();
      }
    });

  program
    .command('node')
    .description(
      'run a headless cluster node: join, heartbeat (with its target clock and round trip, given --target or --http), drive the accounts coordinators deal it (tminus cluster run), leave on SIGTERM',
    )
    .option(...CLUSTER_OPTION)
    .option('--name <name>', 'how the node is shown (default: this host name)')
    .option('--heartbeat-ms <ms>', 'heartbeat period (isolated after three missed)', parsePositiveInt, 1_000)
    .option('--target <id>', "measure this target's clock and round trip (its profile's time source, in its budget)")
    .option('--http <url>', 'or measure this HTTP time source (its Date header, or --field)')
    .option('--field <expr>', 'JMESPath to epoch milliseconds in the JSON body of --http')
    .option('--probe-every-ms <ms>', 'how often the clock and round trip are measured', parsePositiveInt, 30_000)
    .option('--samples <n>', 'samples per measure', parsePositiveInt, 4)
    .action(async (flags: NodeFlags, command: Command) => {
      const url = clusterUrlFrom(flags);
      const dataDir = ensureDataDir(dataDirFrom(command.optsWithGlobals<GlobalOptions>()));
      loadClusterKey(dataDir); // no key, no cluster: say so before anything is measured
      const probe = await nodeProbeFrom(flags, dataDir);
      const stopped = new Promise<string>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      if (probe) {
        const first = await probe.probeOnce();
        console.log(
          first.clock
            ? `target clock ${first.clock.offsetMs.toFixed(1)} ± ${first.clock.boundMs.toFixed(1)} ms, round trip ${first.roundTripMs?.toFixed(1) ?? '—'} ms`
            : `target clock not measured: ${first.error}`,
        );
      }
      const name = flags.name ?? hostname();
      // The application first: loading it blocks this process for a while, and a node must not go silent after joining.
      const app = await openApp({ dataDir });
      const member = await ClusterMembership.join({ url, dataDir, name, heartbeatMs: flags.heartbeatMs, probe });
      const driver = driveDealtShares(member, app, (event) => console.log(describeShareEvent(event)));
      console.log(
        `joined ${member.connection.where} as ${name} (node ${member.nodeId}); heartbeat every ${flags.heartbeatMs} ms; SIGTERM leaves`,
      );
      const signal = await stopped;
      await driver.stop();
      await member.leave();
      await app.close();
      console.log(`left the cluster (${signal})`);
    });
}
