// A real Redis server (Debian's redis-server) on a loopback port of its own, for the cluster's tests: started,
// stopped (politely or with SIGKILL) and started again on the same port, with or without its append-only file.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { makeTempDir } from './temp-dir';

export interface RedisServer {
  port: number;
  url: string;
  /** A plain client for checking what the server holds (the caller quits it, or close() does). */
  client(): Redis;
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(options: { appendOnly?: boolean; args?: string[] } = {}): Promise<RedisServer> {
  const dir = makeTempDir('tminus-redis-');
  const port = await freePort();
  let child: ChildProcess | null = null;
  const clients: Redis[] = [];
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir.dir,
    '--save',
    '',
    '--appendonly',
    options.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    ...(options.args ?? []),
  ];
  const start = async (): Promise<void> => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      enableReadyCheck: false,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => undefined);
    for (let i = 0; i < 100; i += 1) {
      try {
        await probe.connect();
        // Listening is enough: a server whose default user is off answers NOAUTH, and is up.
        await probe.ping().catch((error: Error) => {
          if (!/NOAUTH|NOPERM/.test(error.message)) throw error;
        });
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill(signal);
    });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client() {
      const client = new Redis({ port, host: '127.0.0.1' });
      clients.push(client);
      return client;
    },
    stop,
    start,
    async close() {
      for (const client of clients) client.disconnect();
      await stop('SIGKILL');
      dir.remove();
    },
  };
}

export interface SentinelServer {
  port: number;
  masterName: string;
  client(): Redis;
  /** The master's port as the sentinel names it now. */
  masterPort(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A Redis Sentinel (Debian's redis-server in sentinel mode) watching the master on `masterPort` under `masterName`,
 * quorum 1, declaring it down after `downAfterMs`.
 */
export async function startSentinel(options: {
  masterPort: number;
  masterName?: string;
  downAfterMs?: number;
}): Promise<SentinelServer> {
  const dir = makeTempDir('tminus-sentinel-');
  const port = await freePort();
  const masterName = options.masterName ?? 'tminus';
  const config = join(dir.dir, 'sentinel.conf');
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir.dir}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${options.masterPort} 1`,
      `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 500}`,
      `sentinel failover-timeout ${masterName} 2000`,
      '',
    ].join('\n'),
  );
  const child = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
  const clients: Redis[] = [];
  const client = (): Redis => {
    const made = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    made.on('error', () => undefined);
    clients.push(made);
    return made;
  };
  const probe = client();
  for (let i = 0; ; i += 1) {
    try {
      await probe.ping();
      break;
    } catch (error) {
      if (i >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    port,
    masterName,
    client,
    async masterPort() {
      const [, masterPort] = (await probe.call('SENTINEL', 'get-master-addr-by-name', masterName)) as [string, string];
      return Number(masterPort);
    },
    async close() {
      for (const made of clients) made.disconnect();
      if (child.exitCode === null)
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        });
      dir.remove();
    },
  };
}
