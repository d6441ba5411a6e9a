// `tminus node` processes for the cluster tests and `bench cluster`: each with its own data dir and the cluster's
// key, joined before the promise resolves; what it prints is kept (prefixed with its name) for failure messages.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeClusterKey } from '../../electron/cluster';
import { makeTempDir } from './temp-dir';

export interface NodeProcess {
  name: string;
  child: ChildProcess;
  dataDir: string;
  /** Stops it with SIGTERM (it leaves the cluster) and removes its data dir. */
  stop(): Promise<void>;
}

export async function startNodeProcess(input: {
  cliScript: string;
  url: string;
  key: string;
  name: string;
  heartbeatMs?: number;
  log?: string[];
}): Promise<NodeProcess> {
  const temp = makeTempDir(`tminus-node-${input.name}-`);
  writeClusterKey(temp.dir, input.key);
  const args = [input.cliScript, 'node', '--cluster', input.url, '--name', input.name];
  args.push('--heartbeat-ms', String(input.heartbeatMs ?? 200), '--data-dir', temp.dir);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of String(chunk).split('\n').filter(Boolean))
        input.log?.push(`${(Date.now() % 100_000) / 1000}s ${input.name}: ${line}`);
      if (String(chunk).includes('joined')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += String(chunk)));
    child.once('exit', (code) => reject(new Error(`node ${input.name} exited ${code}: ${err}`)));
  });
  return {
    name: input.name,
    child,
    dataDir: temp.dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      temp.remove();
    },
  };
}
