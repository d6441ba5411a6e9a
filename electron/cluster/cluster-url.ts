// Where the cluster's Redis is: `redis://` or `rediss://` (TLS), with an ACL user and password where the server
// wants them. Parsed once, checked field by field, and turned into ioredis options; the password never appears in
// what is printed (`describeClusterUrl`).
import type { RedisOptions } from 'ioredis';
import { TminusError } from '../errors';

export interface ClusterUrl {
  tls: boolean;
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  db: number;
}

export function parseClusterUrl(text: string): ClusterUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TminusError(
      'CLUSTER_URL_INVALID', // The text is not echoed: it may hold a password.
      '--cluster: not a URL (redis://[USER:PASS@]HOST:PORT or rediss://…)',
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new TminusError(
      'CLUSTER_URL_INVALID',
      `--cluster: the scheme must be redis:// or rediss:// (TLS), not ${url.protocol.replace(/:$/, '')}://`,
    );
  if (!url.hostname) throw new TminusError('CLUSTER_URL_INVALID', '--cluster: the URL names no host');
  const port = url.port ? Number(url.port) : 6379;
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText))
    throw new TminusError('CLUSTER_URL_INVALID', `--cluster: the database "${dbText}" is not a number`);
  return {
    tls: url.protocol === 'rediss:',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: dbText === '' ? 0 : Number(dbText),
  };
}

/** The URL without its password: what logs and the console show. */
export function describeClusterUrl(url: ClusterUrl): string {
  const user = url.username ? `${url.username}${url.password ? ':***' : ''}@` : url.password ? ':***@' : '';
  return `${url.tls ? 'rediss' : 'redis'}://${user}${url.host}:${url.port}${url.db ? `/${url.db}` : ''}`;
}

export function redisOptionsFor(url: ClusterUrl): RedisOptions {
  return {
    host: url.host,
    port: url.port,
    username: url.username,
    password: url.password,
    db: url.db,
    ...(url.tls ? { tls: { servername: url.host } } : {}),
    // A lost Redis is retried for as long as the node lives; commands sent meanwhile fail at once (the callers buffer
    // what must not be lost) instead of queueing behind a dead connection.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    connectTimeout: 3_000,
    lazyConnect: true,
  };
}
