// `tminus cluster key|nodes` and `tminus node` as an operator runs them: real node processes against a real
// redis-server, one killed with SIGKILL (shown isolated after three missed heartbeats), one stopped with SIGTERM
// (gone at once).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scenarioFromObject, startSimulator } from '../../../electron/sim';
import { startRedis, type RedisServer } from '../../helpers/redis-server';
import { makeTempDir } from '../../helpers/temp-dir';
import { startExternalTarget } from '../../helpers/external-target';
import { stringify } from 'yaml';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { AttemptsRepository, CampaignsRepository, openStore } from '../../../electron/store';
import { AttributionQueries } from '../../../electron/reports/attribution';
import { exportAttempts } from '../../../electron/reports';

const BIN = 'bin/tminus.js';
let server: RedisServer;
const dirs: Array<{ dir: string; remove(): void }> = [];
const children: ChildProcess[] = [];

beforeEach(async () => {
  server = await startRedis();
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await server.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

function dataDir(): string {
  const dir = makeTempDir('tminus-cluster-cli-');
  dirs.push(dir);
  return dir.dir;
}

const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 15_000, env: { ...process.env } });

interface NodeRow {
  name: string;
  health: 'live' | 'isolated';
}

function nodes(dir: string): NodeRow[] {
  const result = run('cluster', 'nodes', '--cluster', server.url, '--json', '--data-dir', dir);
  expect(result.stderr).toBe('');
  return (JSON.parse(result.stdout) as NodeRow[]).map(({ name, health }) => ({ name, health }));
}

async function startNode(dir: string, name: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'node', '--cluster', server.url, '--name', name, '--heartbeat-ms', '200', '--data-dir', dir, ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      if (out.includes('joined')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += String(chunk)));
    child.once('exit', (code) => reject(new Error(`node ${name} exited ${code}: ${err}`)));
  });
  return child;
}

describe('tminus cluster and tminus node', { timeout: 45_000 }, () => {
  it('creates a cluster key once, copies it to another machine, and refuses a bad one naming the option', () => {
    const first = dataDir();
    const created = run('cluster', 'key', '--data-dir', first);
    expect(created.status).toBe(0);
    const key = created.stdout.trim();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(created.stderr).toMatch(/created a cluster key/);
    expect(statSync(join(first, 'cluster.key')).mode & 0o777).toBe(0o600);
    expect(run('cluster', 'key', '--data-dir', first).stdout.trim()).toBe(key); // printed again, not replaced

    const second = dataDir();
    expect(run('cluster', 'key', '--set', key, '--data-dir', second).status).toBe(0);
    expect(run('cluster', 'key', '--data-dir', second).stdout.trim()).toBe(key);
    const bad = run('cluster', 'key', '--set', 'short', '--data-dir', second);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--set: a cluster key is 32 bytes/);
    expect(run('cluster', 'key', '--data-dir', second).stdout.trim()).toBe(key); // unchanged
  });

  it('a node without the key joins nothing; one with another key is refused', () => {
    const keyless = dataDir();
    const missing = run('node', '--cluster', server.url, '--data-dir', keyless);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/no cluster key in .*tminus cluster key/);

    const first = dataDir();
    run('cluster', 'key', '--data-dir', first);
    expect(nodes(first)).toEqual([]); // joining records the cluster's key check
    const other = dataDir();
    run('cluster', 'key', '--data-dir', other);
    const refused = run('cluster', 'nodes', '--cluster', server.url, '--data-dir', other);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/cluster key is not the cluster's/);
  });

  it('shows real node processes live, one killed -9 isolated after three heartbeats, one stopped gone', async () => {
    const dirA = dataDir();
    const key = run('cluster', 'key', '--data-dir', dirA).stdout.trim();
    const dirB = dataDir();
    run('cluster', 'key', '--set', key, '--data-dir', dirB);
    const a = await startNode(dirA, 'alpha');
    const b = await startNode(dirB, 'beta');
    expect(nodes(dirA)).toEqual([
      { name: 'alpha', health: 'live' },
      { name: 'beta', health: 'live' },
    ]);

    a.kill('SIGKILL');
    const stoppedB = new Promise<number | null>((resolve) => b.once('exit', resolve));
    b.kill('SIGTERM');
    expect(await stoppedB).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 900)); // > 3 × 200 ms
    expect(nodes(dirA)).toEqual([{ name: 'alpha', health: 'isolated' }]);

    const table = run('cluster', 'nodes', '--cluster', server.url, '--data-dir', dirA);
    expect(table.stdout).toMatch(/^name\s+node\s+health/);
    expect(table.stdout).toMatch(/alpha\s+alpha-[0-9a-f]{8}\s+isolated/);
  });

  it("reports each node's measure of its target: clock offset ± bound and round trip, in every heartbeat", async () => {
    const sim = await startSimulator({
      scenario: scenarioFromObject({
        clock: { skewMs: 1500 },
        items: [{ id: 'T', name: 'T', stock: 1, opensAt: 0 }],
        accounts: { count: 1 },
        ntp: { enabled: false },
        nodes: { latency: { baseMs: 10, jitterMs: 2 } },
      }),
    });
    try {
      const dir = dataDir();
      run('cluster', 'key', '--data-dir', dir);
      const probeArgs = ['--http', `${sim.urls[0]}/api/time`, '--field', 'serverTimeMs', '--probe-every-ms', '500'];
      await startNode(dir, 'near', probeArgs);
      const result = run('cluster', 'nodes', '--cluster', server.url, '--json', '--data-dir', dir);
      const [node] = JSON.parse(result.stdout) as Array<{
        clock: { offsetMs: number; boundMs: number } | null;
        roundTripMs: number | null;
      }>;
      // The simulator's clock is 1,500 ms ahead, 10 ms away each way: the node says so, within its own bound.
      expect(node!.clock).not.toBeNull();
      expect(Math.abs(node!.clock!.offsetMs - 1500)).toBeLessThanOrEqual(node!.clock!.boundMs + 5);
      expect(node!.roundTripMs).toBeGreaterThanOrEqual(15);
      const table = run('cluster', 'nodes', '--cluster', server.url, '--data-dir', dir);
      expect(table.stdout).toMatch(
        /near\s+near-[0-9a-f]{8}\s+live\s+\S+ s ago\s+0\s+1[45]\d\d\.\d ± \d+\.\d ms\s+\d+\.\d ms/,
      );

      const fieldAlone = run('node', '--cluster', server.url, '--field', 'x', '--data-dir', dir);
      expect(fieldAlone.status).not.toBe(0);
      expect(fieldAlone.stderr).toMatch(/--field needs --http URL/);
    } finally {
      await sim.close();
    }
  });

  it('names the option when the cluster URL is wrong, without echoing its password', () => {
    const dir = dataDir();
    run('cluster', 'key', '--data-dir', dir);
    const wrongScheme = run('cluster', 'nodes', '--cluster', 'http://ops:s3cret@127.0.0.1:1', '--data-dir', dir);
    expect(wrongScheme.status).not.toBe(0);
    expect(wrongScheme.stderr).toMatch(
      /--cluster: the scheme must be redis:\/\/, rediss:\/\/ \(TLS\) or redis\+sentinel:\/\//,
    );
    const unreachable = run('cluster', 'nodes', '--cluster', 'redis://ops:s3cret@127.0.0.1:1', '--data-dir', dir);
    expect(unreachable.status).not.toBe(0);
    expect(unreachable.stderr).toMatch(/127\.0\.0\.1:1/);
    expect(unreachable.stderr + wrongScheme.stderr).not.toMatch(/s3cret/);
  });
});

describe('tminus cluster run', { timeout: 90_000 }, () => {
  it('coordinates a campaign file across two node processes and prints what each did', async () => {
    const coordinatorDir = dataDir();
    const target = await startExternalTarget(coordinatorDir, {
      items: [{ id: 'T1', name: 'T', stock: 20, opensAt: 'in 14s' }],
      accounts: { count: 20 },
      nodes: { count: 1, latency: { baseMs: 5, jitterMs: 1 } },
      seed: 3,
    });
    try {
      const key = run('cluster', 'key', '--data-dir', coordinatorDir).stdout.trim();
      for (const name of ['left', 'right']) {
        const dir = dataDir();
        run('cluster', 'key', '--set', key, '--data-dir', dir);
        await startNode(dir, name);
      }
      const campaignFile = join(coordinatorDir, 'campaign.yaml');
      writeFileSync(
        campaignFile,
        stringify({
          name: 'two machines',
          target: 'external',
          item: 'T1',
          opensAt: new Date(target.openAtServerMs).toISOString(),
          accounts: { count: 20 },
          armLeadMs: 9_000,
          limits: { maxDurationMs: 8_000 },
        }),
      );
      const args = ['cluster', 'run', campaignFile, '--cluster', server.url, '--target', target.profileFile];
      args.push('--accounts', target.accountsFile, '--json', '--data-dir', coordinatorDir);
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (chunk: Buffer) => (stdout += String(chunk)));
        child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
        child.once('exit', (code) => resolve({ code, stdout, stderr }));
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/dealt 10 accounts to left/);
      expect(result.stderr).toMatch(/dealt 10 accounts to right/);
      const report = JSON.parse(result.stdout) as {
        accounts: number;
        booked: number;
        unknown: number;
        nodes: Array<{ name: string; accounts: number; successes: number; shots: number }>;
      };
      const orders = await target.orders();
      expect(orders).toHaveLength(20);
      expect(report).toMatchObject({ accounts: 20, booked: 20, unknown: 0 });
      expect(report.nodes.map(({ name, accounts }) => ({ name, accounts }))).toEqual([
        { name: 'left', accounts: 10 },
        { name: 'right', accounts: 10 },
      ]);
      // No secret reached Redis in clear: the plan is one sealed blob.
      const client = server.client();
      const plan = await client.get((await client.keys('tminus:*:plan'))[0]!);
      expect(plan).not.toMatch(/pass-0001|user0001/);

      // The one record is an ordinary campaign here, by node: every order the server took is a success in it under
      // its key and order id, each node's attempts are the ones it reported, and the CSV export names the node.
      const store = openStore(coordinatorDir);
      try {
        const campaign = new CampaignsRepository(store.db).list()[0]!;
        expect(campaign).toMatchObject({ state: 'completed', cluster: expect.stringContaining('127.0.0.1') });
        const attempts = new AttemptsRepository(store.db).page(campaign.id, 10_000, 0);
        const successes = attempts.filter((attempt) => attempt.outcome === 'success');
        expect(new Set(successes.map((attempt) => `${attempt.idempotencyKey} ${attempt.orderId}`))).toEqual(
          new Set(orders.map((order) => `${order.idempotencyKey} ${order.orderId}`)),
        );
        const byNode = new AttributionQueries(store.db).by(campaign.id, 'node');
        expect(byNode.map(({ bucket, successes }) => ({ bucket, successes }))).toEqual([
          { bucket: 'left', successes: report.nodes[0]!.successes },
          { bucket: 'right', successes: report.nodes[1]!.successes },
        ]);
        for (const figures of report.nodes)
          expect(byNode.find((row) => row.bucket === figures.name)?.attempts).toBe(figures.shots);
        const csv: string[] = [];
        const sink = new Writable({
          write: (chunk: Buffer, _encoding, done) => {
            csv.push(String(chunk));
            done();
          },
        });
        await exportAttempts(store.db, campaign.id, sink);
        const rows = parse(csv.join(''), { columns: true }) as Array<Record<string, string>>;
        expect(rows).toHaveLength(attempts.length);
        expect(new Set(rows.map((row) => row.node?.replace(/-[0-9a-f]{8}$/, '')))).toEqual(new Set(['left', 'right']));
      } finally {
        store.close();
      }
    } finally {
      await target.stop();
    }
  });
});
