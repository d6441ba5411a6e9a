// Time sources that lie or break, each answered for real on loopback: an NTP server whose stamps contradict the round
// trip, one past the 2036 era, a reply from another port, a time field that is not a time, and sources far outside
// the sanity limit beside a good one. None may move the estimate.
import { afterEach, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { ClockService, queryNtp, systemLocalClock } from '../../../electron/clock';

const NTP_UNIX_OFFSET_S = 2_208_988_800;
const sockets: Socket[] = [];
let http: Server | undefined;
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
  http?.close();
  http = undefined;
});

/** Writes epoch ms as an NTP timestamp (seconds modulo 2³², as a server does past 2036). */
const writeStamp = (buffer: Buffer, offset: number, ms: number): void => {
  const seconds = Math.floor(ms / 1000) + NTP_UNIX_OFFSET_S;
  buffer.writeUInt32BE(seconds % 2 ** 32, offset);
  buffer.writeUInt32BE(Math.floor(((ms % 1000) / 1000) * 2 ** 32) >>> 0, offset + 4);
};

/** An SNTP server on loopback whose clock is `skewMs` ahead; `hold` is how long it claims to hold each request. */
async function ntpServer(
  options: { skewMs?: number; holdMs?: number; clockMs?: () => number; replyFrom?: Socket } = {},
): Promise<number> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  socket.on('message', (message, remote) => {
    const now = options.clockMs?.() ?? Date.now() + (options.skewMs ?? 0);
    const reply = Buffer.alloc(48);
    reply[0] = (4 << 3) | 4;
    reply[1] = 2;
    message.copy(reply, 24, 40, 48);
    writeStamp(reply, 32, now);
    writeStamp(reply, 40, now + (options.holdMs ?? 0));
    (options.replyFrom ?? socket).send(reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return (socket.address() as AddressInfo).port;
}

async function timeEndpoint(body: (now: number) => unknown): Promise<string> {
  http = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body(Date.now())));
  });
  await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/time`;
}

describe('time sanity', () => {
  it('refuses an NTP reply that says it held the request longer than the round trip', async () => {
    const port = await ntpServer({ holdMs: 10_000 });
    await expect(queryNtp({ host: '127.0.0.1', port }, systemLocalClock)).rejects.toThrow(
      /held the request 10000\.\d+ ms, longer than the round trip/,
    );
  });

  it('refuses an NTP reply whose transmit stamp comes before its receive stamp', async () => {
    const port = await ntpServer({ holdMs: -5 });
    await expect(queryNtp({ host: '127.0.0.1', port }, systemLocalClock)).rejects.toThrow(
      /transmit stamp is 5\.\d+ ms before the receive stamp/,
    );
  });

  it('reads a server in the era after February 2036 as that era, not as 1900', async () => {
    // Our clock and the server's both stand in 2040: the server's 32-bit seconds have wrapped.
    const offset2040 = Date.UTC(2040, 0, 1) - Date.now();
    const clock = { nowMs: () => Date.now() + offset2040 };
    const port = await ntpServer({ clockMs: () => Date.now() + offset2040 + 250 });
    const reply = await queryNtp({ host: '127.0.0.1', port }, clock);
    const offsetMs = (reply.lowMs + reply.highMs) / 2;
    expect(Math.abs(offsetMs - 250)).toBeLessThan(50);
  });

  it('ignores a datagram from another port than the server asked', async () => {
    const stranger = createSocket('udp4');
    sockets.push(stranger);
    await new Promise<void>((resolve) => stranger.bind(0, '127.0.0.1', () => resolve()));
    const port = await ntpServer({ replyFrom: stranger });
    await expect(queryNtp({ host: '127.0.0.1', port }, systemLocalClock, 400)).rejects.toThrow(
      /no reply within 400 ms/,
    );
  });

  it('refuses a time field that is not a plausible instant', async () => {
    const url = await timeEndpoint(() => ({ items: [{ stock: 12 }] }));
    const service = new ClockService({ clock: systemLocalClock });
    const report = await service.probe([{ kind: 'http-field', url, field: 'items[0].stock' }]);
    expect(report.combined).toBeNull();
    expect(report.sources[0]!.error).toMatch(/gave 12: 12 is not a plausible instant in epoch milliseconds/);
  });

  it('believes the good source when two others are beyond the sanity limit', async () => {
    const good = await ntpServer({ skewMs: 120 });
    const insaneA = await ntpServer({ skewMs: -4e12 }); // −126 years
    const insaneB = await ntpServer({ skewMs: -4e12 + 3 });
    const service = new ClockService({ clock: systemLocalClock });
    const report = await service.probe([
      { kind: 'ntp', host: '127.0.0.1', port: good },
      { kind: 'ntp', host: '127.0.0.1', port: insaneA },
      { kind: 'ntp', host: '127.0.0.1', port: insaneB },
    ]);
    expect(report.combined).not.toBeNull();
    expect(Math.abs(report.combined!.offsetMs - 120)).toBeLessThan(20);
    expect(report.combined!.boundMs).toBeGreaterThan(0);
    const insane = report.sources.filter((source) => !source.ok);
    expect(insane).toHaveLength(2);
    for (const source of insane) expect(source.error).toMatch(/beyond the sanity limit of ±86400000 ms/);
  });
});
