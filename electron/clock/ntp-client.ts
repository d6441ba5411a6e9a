// SNTP client (RFC 4330 / RFC 5905 client mode) over UDP: one request, the four timestamps, and every reason to
// distrust a reply checked before it is used.
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { TminusError } from '../errors';
import type { LocalClock } from './local-clock';
import { ntpSample, type OffsetSample } from './offset-sample';

const NTP_UNIX_OFFSET_S = 2_208_988_800;
export const NTP_DEFAULT_PORT = 123;

export interface NtpReply extends OffsetSample {
  t2Ms: number;
  t3Ms: number;
  leap: number;
  version: number;
  stratum: number;
  referenceId: string;
}

export interface NtpTarget {
  host: string;
  port: number;
}

export function parseNtpTarget(text: string): NtpTarget {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text.trim());
  const port = match?.[2] === undefined ? NTP_DEFAULT_PORT : Number(match[2]);
  if (!match || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TminusError('CLOCK_SOURCE_FAILED', `ntp: '${text}' is not HOST or HOST:PORT`);
  }
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

const ERA_S = 2 ** 32;

/**
 * An NTP timestamp in epoch ms. Its 32-bit seconds wrap every 136 years (the first era ends in February 2036), so
 * the era is the one that puts the stamp nearest our own clock (RFC 5905's rule): a server past 2036 is not read
 * as 1900, nor one before it as 2172.
 */
export function readNtpTimestamp(buffer: Buffer, offset: number, nearMs: number): number {
  const seconds = buffer.readUInt32BE(offset);
  const fraction = (buffer.readUInt32BE(offset + 4) / 2 ** 32) * 1000;
  const eraZeroMs = (seconds - NTP_UNIX_OFFSET_S) * 1000 + fraction;
  const era = Math.round((nearMs - eraZeroMs) / (ERA_S * 1000));
  return eraZeroMs + era * ERA_S * 1000;
}

const isZero = (buffer: Buffer, offset: number): boolean =>
  buffer.readUInt32BE(offset) === 0 && buffer.readUInt32BE(offset + 4) === 0;

/** Checks the server's stamps against our own: the server cannot hold a request longer than the round trip. */
export function ntpStampsProblem(t1Ms: number, t2Ms: number, t3Ms: number, t4Ms: number): string | null {
  if (t3Ms < t2Ms) return `transmit stamp is ${(t2Ms - t3Ms).toFixed(3)} ms before the receive stamp`;
  if (t3Ms - t2Ms > t4Ms - t1Ms)
    return `the server says it held the request ${(t3Ms - t2Ms).toFixed(3)} ms, longer than the round trip (${(t4Ms - t1Ms).toFixed(3)} ms)`;
  return null;
}

/** Checks a reply against the request it answers; returns the reason it is bad, or null. */
export function ntpReplyProblem(reply: Buffer, request: Buffer): string | null {
  if (reply.length < 48) return `reply is ${reply.length} bytes, shorter than an NTP header (48)`;
  const leap = reply[0]! >> 6;
  const version = (reply[0]! >> 3) & 7;
  const mode = reply[0]! & 7;
  const stratum = reply[1]!;
  if (mode !== 4) return `reply mode ${mode} is not a server reply (4)`;
  if (version < 1 || version > 4) return `reply version ${version} is not 1-4`;
  if (stratum === 0) return `kiss-o'-death ${reply.toString('ascii', 12, 16).replace(/\0/g, '') || '(no code)'}`;
  if (stratum > 15) return `server is unsynchronised (stratum ${stratum})`;
  if (leap === 3) return 'server clock is unsynchronised (leap indicator 3)';
  if (!reply.subarray(24, 32).equals(request.subarray(40, 48))) return 'originate timestamp does not match the request';
  if (isZero(reply, 40)) return 'transmit timestamp is zero';
  if (isZero(reply, 32)) return 'receive timestamp is zero';
  return null;
}

async function resolveHost(host: string): Promise<string> {
  if (isIP(host)) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'lookup failed';
    throw new TminusError('CLOCK_SOURCE_FAILED', `ntp ${host}: unknown host (${code})`);
  }
}

export async function queryNtp(target: NtpTarget, clock: LocalClock, timeoutMs = 2_000): Promise<NtpReply> {
  const label = `ntp ${target.host}:${target.port}`;
  const address = await resolveHost(target.host);
  const socket = createSocket(isIP(address) === 6 ? 'udp6' : 'udp4');
  const request = Buffer.alloc(48);
  request[0] = (0 << 6) | (4 << 3) | 3; // LI 0, version 4, mode 3 (client)
  return new Promise<NtpReply>((resolve, reject) => {
    const finish = (error: Error | null, reply?: NtpReply): void => {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(reply!);
    };
    const timer = setTimeout(
      () => finish(new TminusError('CLOCK_SOURCE_FAILED', `${label}: no reply within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('error', (error) => finish(new TminusError('CLOCK_SOURCE_FAILED', `${label}: ${error.message}`)));
    socket.on('message', (reply, from) => {
      const t4Ms = clock.nowMs();
      // A datagram from anywhere but the server asked is not its answer (spoofed, or a stray): ignored, not trusted.
      if (from.address !== address || from.port !== target.port) return;
      const problem = ntpReplyProblem(reply, request);
      if (problem) {
        finish(new TminusError('CLOCK_SOURCE_FAILED', `${label}: bad reply: ${problem}`));
        return;
      }
      const t2Ms = readNtpTimestamp(reply, 32, t4Ms);
      const t3Ms = readNtpTimestamp(reply, 40, t4Ms);
      const stamps = ntpStampsProblem(t1Ms, t2Ms, t3Ms, t4Ms);
      if (stamps) {
        finish(new TminusError('CLOCK_SOURCE_FAILED', `${label}: bad reply: ${stamps}`));
        return;
      }
      finish(null, {
        ...ntpSample(t1Ms, t2Ms, t3Ms, t4Ms),
        t2Ms,
        t3Ms,
        leap: reply[0]! >> 6,
        version: (reply[0]! >> 3) & 7,
        stratum: reply[1]!,
        referenceId:
          reply[1] === 1 ? reply.toString('ascii', 12, 16).replace(/\0/g, '') : [...reply.subarray(12, 16)].join('.'),
      });
    });
    // Our transmit timestamp: T1 in NTP format, echoed back as the originate timestamp.
    const t1Ms = clock.nowMs();
    request.writeUInt32BE((Math.floor(t1Ms / 1000) + NTP_UNIX_OFFSET_S) % ERA_S, 40);
    request.writeUInt32BE(Math.floor(((t1Ms % 1000) / 1000) * 2 ** 32) >>> 0, 44);
    socket.send(request, target.port, address, (error) => {
      if (error) finish(new TminusError('CLOCK_SOURCE_FAILED', `${label}: ${error.message}`));
    });
  });
}
