import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLUSTER_KEY_FILE,
  ClusterSealer,
  describeClusterUrl,
  loadClusterKey,
  parseClusterUrl,
  redisOptionsFor,
  writeClusterKey,
} from '../../../electron/cluster';
import { makeTempDir } from '../../helpers/temp-dir';

let temp: ReturnType<typeof makeTempDir> | undefined;
afterEach(() => temp?.remove());

describe('cluster URL', () => {
  it('reads redis:// and rediss:// with an ACL user, password and database, and never prints the password', () => {
    const url = parseClusterUrl('rediss://ops:s%3Acret@redis.example:6380/2');
    expect(url).toEqual({
      tls: true,
      host: 'redis.example',
      port: 6380,
      sentinel: null,
      username: 'ops',
      password: 's:cret',
      db: 2,
    });
    expect(describeClusterUrl(url)).toBe('rediss://ops:***@redis.example:6380/2');
    expect(parseClusterUrl('redis://127.0.0.1')).toMatchObject({ tls: false, port: 6379, db: 0 });
    expect(describeClusterUrl(parseClusterUrl('redis://:pw@h:1'))).toBe('redis://:***@h:1');
  });

  it('reads a Sentinel URL: the sentinels (26379 unless given), the master they monitor, its user and database', () => {
    const url = parseClusterUrl('redis+sentinel://ops:p%40ss@10.0.0.1:26380,[::1],sentinel-c/tminus-main/3');
    expect(url.sentinel).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26380 },
        { host: '::1', port: 26379 },
        { host: 'sentinel-c', port: 26379 },
      ],
      masterName: 'tminus-main',
    });
    expect(url).toMatchObject({ tls: false, username: 'ops', password: 'p@ss', db: 3 });
    expect(describeClusterUrl(url)).toBe(
      'redis+sentinel://ops:***@10.0.0.1:26380,[::1]:26379,sentinel-c:26379/tminus-main/3',
    );
    expect(parseClusterUrl('rediss+sentinel://s1/m')).toMatchObject({ tls: true, db: 0, password: undefined });
    expect(redisOptionsFor(parseClusterUrl('rediss+sentinel://:pw@s1:1/m'))).toMatchObject({
      sentinels: [{ host: 's1', port: 1 }],
      name: 'm',
      password: 'pw',
      enableTLSForSentinelMode: true,
    });
    expect(() => parseClusterUrl('redis+sentinel://s1:99999/m')).toThrow(/sentinel 1 is not HOST\[:PORT\]/);
    expect(() => parseClusterUrl('redis+sentinel://ops:s3cret@s1')).toThrow(/a Sentinel URL is redis\+sentinel:/);
    expect(() => parseClusterUrl('redis+sentinel://ops:s3cret@s1')).not.toThrow(/s3cret/);
    expect(() => parseClusterUrl('redis+sentinel://s1/m/x')).toThrow(/database "x" is not a number/);
  });

  it('names what is wrong with a bad URL', () => {
    expect(() => parseClusterUrl('localhost:6379')).toThrow(
      /scheme must be redis:\/\/, rediss:\/\/ \(TLS\) or redis\+sentinel:\/\//,
    );
    expect(() => parseClusterUrl('http://h:1')).toThrow(/not http:\/\//);
    expect(() => parseClusterUrl('redis://h:1/x')).toThrow(/database "x" is not a number/);
    expect(() => parseClusterUrl('redis//ops:s3cret@host')).toThrow(/^--cluster: not a URL/);
    expect(() => parseClusterUrl('redis//ops:s3cret@host')).not.toThrow(/s3cret/);
  });
});

describe('cluster key', () => {
  it('is created once (0600), printed the same afterwards, and copied to another machine with --set', () => {
    temp = makeTempDir();
    expect(() => loadClusterKey(temp!.dir)).toThrow(/no cluster key .*tminus cluster key/);
    const made = writeClusterKey(temp.dir);
    expect(made.created).toBe(true);
    expect(writeClusterKey(temp.dir)).toEqual({ key: made.key, created: false });
    const file = join(temp.dir, CLUSTER_KEY_FILE);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const other = makeTempDir();
    try {
      writeClusterKey(other.dir, made.key);
      expect(loadClusterKey(other.dir).equals(loadClusterKey(temp.dir))).toBe(true);
      expect(() => writeClusterKey(other.dir, 'too-short')).toThrow(/32 bytes in base64/);
      expect(readFileSync(join(other.dir, CLUSTER_KEY_FILE), 'utf8').trim()).toBe(made.key);
    } finally {
      other.remove();
    }
    expect(existsSync(file)).toBe(true);
  });

  it('seals so that only the same key and the same context open it; its check matches exactly when keys do', () => {
    const key = randomBytes(32);
    const sealer = new ClusterSealer(key);
    const sealed = sealer.seal('{"password":"hunter2"}', 'account:a1');
    expect(sealed).not.toContain('hunter2');
    expect(new ClusterSealer(Buffer.from(key)).open(sealed, 'account:a1')).toBe('{"password":"hunter2"}');
    expect(() => sealer.open(sealed, 'account:a2')).toThrow(/does not open with this machine's cluster key/);
    expect(() => new ClusterSealer(randomBytes(32)).open(sealed, 'account:a1')).toThrow(/does not open/);
    expect(new ClusterSealer(Buffer.from(key)).keyCheck).toBe(sealer.keyCheck);
    expect(new ClusterSealer(randomBytes(32)).keyCheck).not.toBe(sealer.keyCheck);
    expect(sealer.keyCheck).not.toContain(key.toString('base64'));
  });
});
