// A console's seat in a cluster (electron/cluster/console-cluster.ts) through its IPC calls, against a real
// redis-server: joined from Settings with the key in its data directory, refused a second join, left at once; and a
// membership joined before the app opened (tminus serve --cluster, the desktop app) left when the app closes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/app';
import {
  ClusterMembership,
  NodeRegistry,
  openCluster,
  parseClusterUrl,
  writeClusterKey,
  ClusterSealer,
  loadClusterKey,
  type ClusterConnection,
} from '../../../electron/cluster';
import { startRedis, type RedisServer } from '../../helpers/redis-server';
import { makeTempDir } from '../../helpers/temp-dir';

let server: RedisServer;
let dir: ReturnType<typeof makeTempDir>;
let app: App | null = null;
let watcher: ClusterConnection | null = null;

beforeEach(async () => {
  server = await startRedis();
  dir = makeTempDir();
});
afterEach(async () => {
  await app?.close();
  app = null;
  await watcher?.close();
  watcher = null;
  await server.close();
  dir.remove();
});

/** The node names the registry lists now, as any other member would see them. */
async function listed(): Promise<string[]> {
  watcher ??= await openCluster(parseClusterUrl(server.url), new ClusterSealer(loadClusterKey(dir.dir)));
  return (await new NodeRegistry(watcher.redis, 'watcher').list()).map((node) => node.name);
}

describe("a console's seat in a cluster", () => {
  it('joins from Settings with the key in its data directory, refuses a second join, and leaves at once', async () => {
    app = createApp({ dataDir: dir.dir });
    const call = (name: string, input: unknown) => app!.router.dispatch(name as never, input as never);
    // Without the key nothing is joined, and the reason is the key.
    const keyless = await call('cluster/join', { url: server.url, name: 'front' });
    expect(keyless).toMatchObject({ ok: false, error: { message: expect.stringMatching(/cluster key/) } });
    expect(await call('cluster/status', {})).toMatchObject({ ok: true, output: { joined: false } });

    writeClusterKey(dir.dir);
    const joined = await call('cluster/join', { url: server.url, name: 'front' });
    expect(joined).toMatchObject({ ok: true, output: { joined: true, name: 'front' } });
    expect(await listed()).toEqual(['front']);
    const again = await call('cluster/join', { url: server.url, name: 'other' });
    expect(again).toMatchObject({ ok: false, error: { message: expect.stringMatching(/already in the cluster/) } });
    expect(await listed()).toEqual(['front']); // the refused join left nothing behind

    expect(await call('cluster/leave', {})).toMatchObject({ ok: true, output: { joined: false } });
    expect(await listed()).toEqual([]); // gone at once, not after three missed heartbeats
    const bad = await call('cluster/join', { url: 'http://ops:hunter2@127.0.0.1:1', name: 'front' });
    expect(bad).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^url: /) } });
    expect(JSON.stringify(bad)).not.toContain('hunter2');
  });

  it('leaves a cluster it was given at start when the app closes', async () => {
    writeClusterKey(dir.dir);
    const member = await ClusterMembership.join({
      url: parseClusterUrl(server.url),
      dataDir: dir.dir,
      name: 'desk',
      heartbeatMs: 200,
    });
    app = createApp({ dataDir: dir.dir, cluster: member });
    expect(await app.router.dispatch('cluster/status', {})).toMatchObject({ ok: true, output: { name: 'desk' } });
    expect(await listed()).toEqual(['desk']);
    await app.close();
    app = null;
    expect(await listed()).toEqual([]);
  });
});
