// `tminus serve`: the console for a browser on 127.0.0.1, with the same router the desktop app uses.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { openApp } from './open-app';
import { surviveStorageFaults } from './survive-storage-faults';
import { describeReconcile } from './run-command';
import { startConsoleServer } from '../ipc/ws-transport';
import { csvDownloads } from '../reports/download';
import { dataDirFrom, type GlobalOptions } from './global-options';
import { openBrowser } from './open-browser';
import { formatInZone } from '../reports/iso-instant';
import { parsePort } from './parse';
import { TminusError } from '../errors';
import { hostname } from 'node:os';
import { ClusterMembership, parseClusterUrl } from '../cluster';
import { ensureDataDir } from '../store';

/** The built renderer sits beside the built CLI: out/main/cli.js → out/renderer. */
export function builtRendererDir(): string | null {
  const dir = fileURLToPath(new URL('../renderer', import.meta.url));
  return existsSync(dir) ? dir : null;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the console to a browser on 127.0.0.1 (prints a URL with an access token)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .option('--open', 'open the console in the default browser')
    .option(
      '--cluster <url>',
      'join this cluster too (redis[s]://… or redis[s]+sentinel://…; Settings shows its nodes)',
    )
    .option('--name <name>', "this console's name in the cluster (default: this host name)")
    .action(async (options: { port: number; open?: boolean; cluster?: string; name?: string }, command: Command) => {
      surviveStorageFaults((line) => console.error(`tminus: ${line}`));
      const globals = command.optsWithGlobals<GlobalOptions>();
      const staticDir = builtRendererDir();
      if (!staticDir) throw new Error('the console is not built: run `npm run build` first');
      const dataDir = ensureDataDir(dataDirFrom(globals));
      const cluster = options.cluster
        ? await ClusterMembership.join({
            url: parseClusterUrl(options.cluster),
            dataDir,
            name: options.name ?? hostname(),
            heartbeatMs: 1_000,
          })
        : null;
      if (cluster) console.log(`joined ${cluster.connection.where} as ${cluster.name} (node ${cluster.nodeId})`);
      // Joined, the console is a node too: the app drives the shares a coordinator deals it, and leaves on close.
      const app = await openApp({
        dataDir,
        cluster,
        onClusterShare: (event) =>
          console.log(
            `cluster: campaign ${event.campaignId.slice(0, 8)} share ${event.shareId} ${event.phase}${event.error ? `: ${event.error}` : ''}`,
          ),
        onInternalError: (call, error) => console.error(`tminus: ${call} failed:`, error),
      });
      app.health.start();
      app.captcha.start().catch((error: Error) => console.error(`captcha reader not available: ${error.message}`));
      // Campaigns a crash left running are marked interrupted and their bookings looked up, not repeated; what the
      // target could not tell yet is asked about again every minute.
      app.engine.keepReconciling(60_000, (report) => console.log(describeReconcile(report)));
      const missedRuns = app.scheduler.start();
      const zones = new Map(app.scheduler.list().map((schedule) => [schedule.id, schedule.timeZone]));
      for (const run of missedRuns) {
        const zone = zones.get(run.scheduleId) ?? 'UTC';
        console.log(`schedule ${run.scheduleId}: ${run.state} run at ${formatInZone(run.runAtMs, zone)} ${zone}`);
      }
      let server: Awaited<ReturnType<typeof startConsoleServer>>;
      try {
        server = await startConsoleServer({
          router: app.router,
          bus: app.bus,
          staticDir,
          port: options.port,
          download: csvDownloads(app.store.db),
        });
      } catch (error) {
        await app.close(); // nothing may keep running behind a console that never opened (it leaves the cluster)
        const code = (error as NodeJS.ErrnoException).code;
        throw new TminusError(
          'INVALID_ARGUMENT',
          code === 'EADDRINUSE'
            ? `--port: ${options.port} is taken on 127.0.0.1 (another tminus serve?); pick another or 0 for a free one`
            : `cannot serve the console: ${(error as Error).message}`,
        );
      }
      console.log(`Tminus console: ${server.url}`);
      console.log(`data directory: ${app.dataDir}`);
      if (options.open) openBrowser(server.url, (line) => console.log(line));
      const stop = (): void => {
        void server
          .close()
          .then(() => app.close())
          .then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
