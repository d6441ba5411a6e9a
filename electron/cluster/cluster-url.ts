// Where the cluster's Redis is: `redis://` or `rediss://` (TLS), with an ACL user and password where the server
// wants them; or, behind Redis Sentinel (automatic failover), `redis+sentinel://[USER:PASS@]H1:P1,H2:P2/MASTER[/DB]`
// (`rediss+sentinel://` for TLS), where the hosts are the sentinels (port 26379 unless given), MASTER the name they
// monitor, and the user and password the master's. Parsed once, checked field by field, and turned into ioredis
// options; the password never appears in what is printed (`describeClusterUrl`).
import type { RedisOptions } from 'ioredis';
import { TminusError } from '../errors';

export interface SentinelAddress {
  host: string;
  port: number;
}

export interface ClusterUrl {
  tls: boolean;
  /** The server's address; behind Sentinel, the first sentinel's. */
  host: string;
  port: number;
  /** Behind Sentinel: the sentinels to ask and the name of the master they monitor; else null. */
  sentinel: { sentinels: SentinelAddress[]; masterName: string } | null;
  username: string | undefined;
  password: string | undefined;
  db: number;
}

const URL_FORMS = 'redis://[USER:PASS@]HOST:PORT, rediss://…, or redis+sentinel://[USER:PASS@]HOST:PORT,…/MASTER';

const SENTINEL_URL = /^(rediss?)\+sentinel:\/\/(?:([^@/]*)@)?([^/@]+)\/([^/]+)(?:\/([^/]*))?\/?$/;

function parseSentinelUrl(text: string): ClusterUrl {
  const match = SENTINEL_URL.exec(text);
  if (!match)
    throw new TminusError(
      'CLUSTER_URL_INVALID', // not echoed: it may hold a password
      '--cluster: a Sentinel URL is redis+sentinel://[USER:PASS@]HOST:PORT[,HOST:PORT…]/MASTER[/DB]',
    );
  const [, scheme, credentials, hostList, masterText, dbText = ''] = match;
  const sentinels = hostList!.split(',').map((entry, index): SentinelAddress => {
    const hostPort = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(entry.trim());
    const port = hostPort?.[2] === undefined ? 26379 : Number(hostPort[2]);
    if (!hostPort || !(port >= 1 && port <= 65535))
      throw new TminusError('CLUSTER_URL_INVALID', `--cluster: sentinel ${index + 1} is not HOST[:PORT]`);
    return { host: hostPort[1]!.replace(/^\[|\]$/g, ''), port };
  });
  if (dbText !== '' && !/^\d+$/.test(dbText))
    throw new TminusError('CLUSTER_URL_INVALID', `--cluster: the database "${dbText}" is not a number`);
  const colon = credentials?.indexOf(':') ?? -1;
  const decode = (part: string | undefined): string | undefined => {
    if (!part) return undefined;
    try {
      return decodeURIComponent(part);
    } catch {
      throw new TminusError('CLUSTER_URL_INVALID', '--cluster: the user or password is not percent-encoded');
    }
  };
  return {
    tls: scheme === 'rediss',
    host: sentinels[0]!.host,
    port: sentinels[0]!.port,
    sentinel: { sentinels, masterName: decode(masterText)! },
    username: decode(colon < 0 ? credentials : credentials!.slice(0, colon)),
    password: decode(colon < 0 ? undefined : credentials!.slice(colon + 1)),
    db: dbText === '' ? 0 : Number(dbText),
  };
}

export function parseClusterUrl(text: string): ClusterUrl {
  if (/^rediss?\+sentinel:/i.test(text)) return parseSentinelUrl(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TminusError(
      'CLUSTER_URL_INVALID', // The text is not echoed: it may hold a password.
      `--cluster: not a URL (${URL_FORMS})`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new TminusError(
      'CLUSTER_URL_INVALID',
      `--cluster: the scheme must be redis://, rediss:// (TLS) or redis+sentinel://, not ${url.protocol.replace(/:$/, '')}://`,
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
    sentinel: null,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: dbText === '' ? 0 : Number(dbText),
  };
}

/** The URL without its password: what logs and the console show. */
export function describeClusterUrl(url: ClusterUrl): string {
  const user = url.username ? `${url.username}${url.password ? ':***' : ''}@` : url.password ? ':***@' : '';
  const db = url.db ? `/${url.db}` : '';
  const host = (address: SentinelAddress): string =>
    `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  if (url.sentinel)
    return `${url.tls ? 'rediss' : 'redis'}+sentinel://${user}${url.sentinel.sentinels.map(host).join(',')}/${url.sentinel.masterName}${db}`;
  return `${url.tls ? 'rediss' : 'redis'}://${user}${host(url)}${db}`;
}

export function redisOptionsFor(url: ClusterUrl): RedisOptions {
  const where: RedisOptions = url.sentinel
    ? {
        sentinels: url.sentinel.sentinels,
        name: url.sentinel.masterName,
        // rediss+sentinel: TLS to the sentinels (sentinelTLS) and to the master they name (enableTLSForSentinelMode).
        ...(url.tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
        sentinelRetryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
        // After a failover the old master, back as a replica, refuses writes: ask Sentinel for the new one.
        reconnectOnError: (error: Error) => /READONLY/.test(error.message),
      }
    : { host: url.host, port: url.port, ...(url.tls ? { tls: { servername: url.host } } : {}) };
  return {
    ...where,
    username: url.username,
    password: url.password,
    db: url.db,
    // A lost Redis is retried for as long as the node lives; commands sent meanwhile fail at once (the callers buffer
    // what must not be lost) instead of queueing behind a dead connection.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    connectTimeout: 3_000,
    lazyConnect: true,
  };
}
