// The desktop app's cluster options (electron/cluster/cluster-switches.ts): the command line first, then the
// environment; a wrong one is named, and its password never echoed.
import { describe, expect, it } from 'vitest';
import { clusterSwitches } from '../../../electron/cluster';

describe('the desktop app joining a cluster', () => {
  it('reads --cluster URL and --name N, or --cluster=URL as Chromium writes it', () => {
    const spaced = clusterSwitches(['electron', '.', '--cluster', 'redis://u:p@10.0.0.5:6380', '--name', 'desk'], {});
    expect(spaced).toMatchObject({ url: { host: '10.0.0.5', port: 6380, username: 'u', password: 'p' }, name: 'desk' });
    const joined = clusterSwitches(['app', '--cluster=rediss://10.0.0.6:6379'], {});
    expect(joined).toMatchObject({ url: { host: '10.0.0.6', tls: true }, name: null });
  });

  it('falls back to TMINUS_CLUSTER and TMINUS_NODE_NAME, the command line winning', () => {
    const env = { TMINUS_CLUSTER: 'redis://10.0.0.7:6379', TMINUS_NODE_NAME: 'front-desk' };
    expect(clusterSwitches(['app'], env)).toMatchObject({ url: { host: '10.0.0.7' }, name: 'front-desk' });
    expect(clusterSwitches(['app', '--cluster', 'redis://10.0.0.8:6379'], env)).toMatchObject({
      url: { host: '10.0.0.8' },
      name: 'front-desk',
    });
  });

  it('joins nothing when neither names a cluster', () => {
    expect(clusterSwitches(['app', '--inspect'], {})).toBeNull();
    expect(clusterSwitches(['app'], { TMINUS_CLUSTER: '' })).toBeNull();
  });

  it('names the option that is wrong, without echoing a password', () => {
    expect(() => clusterSwitches(['app', '--cluster'], {})).toThrow(/--cluster: a value is needed/);
    expect(() => clusterSwitches(['app', '--cluster', '--name', 'x'], {})).toThrow(/--cluster: a value is needed/);
    expect(() => clusterSwitches(['app', '--name', 'desk'], {})).toThrow(/--name: .*give --cluster too/);
    expect(() => clusterSwitches(['app', '--cluster', 'redis://a:b@h:1', '--name', ' '], {})).toThrow(/--name: empty/);
    let message = '';
    try {
      clusterSwitches(['app', '--cluster', 'http://user:s3cret@host:6379'], {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/--cluster/);
    expect(message).not.toContain('s3cret');
  });
});
