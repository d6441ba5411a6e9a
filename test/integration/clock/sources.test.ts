import { afterEach, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { scenarioFromObject, startSimulator, type Simulator } from '../../../electron/sim';
import {
  ClockService,
  HttpTimeSource,
  queryNtp,
  searchDateBoundary,
  filterBurst,
  systemLocalClock,
} from '../../../electron/clock';
import { EventBus } from '../../../electron/ipc/event-bus';
import { openStore, ClockSamplesRepository } from '../../../electron/store';
import { makeTempDir } from '../../helpers/temp-dir';

let sim: Simulator | undefined;
let udp: Socket | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  udp?.close();
  udp = undefined;
});

const simWith = (skewMs: number, latency = { baseMs: 0, jitterMs: 0 }) =>
  startSimulator({
    scenario: scenarioFromObject({
      clock: { skewMs },
      items: [{ id: 'T', name: 'T', stock: 1, opensAt: 0 }],
      accounts: { count: 1 },
      nodes: { latency },
    }),
  });

const fakeUdpServer = async (answer: (message: Buffer) => Buffer | null): Promise<number> => {
  udp = createSocket('udp4');
  udp.on('message', (message, remote) => {
    const reply = answer(message);
    if (reply) udp!.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => udp!.bind(0, '127.0.0.1', () => resolve()));
  return (udp.address() as AddressInfo).port;
};

describe('time sources against the simulator', () => {
  it('SNTP reads the simulator NTP responder within its bound', async () => {
    sim = await simWith(-1500);
    const reply = await queryNtp({ host: '127.0.0.1', port: sim.ntpPort! }, systemLocalClock);
    expect(reply.stratum).toBe(2);
    const truth = -1500;
    const offset = (reply.lowMs + reply.highMs) / 2;
    expect(Math.abs(offset - truth)).toBeLessThanOrEqual((reply.highMs - reply.lowMs) / 2 + 0.5);
  });

  it('reads a time endpoint field by JMESPath and refuses a bad expression before any request', async () => {
    sim = await simWith(3700, { baseMs: 3, jitterMs: 1 });
    const source = new HttpTimeSource(
      `${sim.urls[0]}/api/time`,
      { kind: 'field', expression: 'serverTimeMs' },
      systemLocalClock,
    );
    const samples = [];
    for (let n = 0; n < 6; n += 1) samples.push(await source.sample());
    await source.close();
    const estimate = filterBurst(samples);
    expect(Math.abs(estimate.offsetMs - 3700)).toBeLessThanOrEqual(estimate.boundMs + 0.5);
    expect(estimate.boundMs).toBeLessThan(8);
    expect(
      () => new HttpTimeSource(`${sim!.urls[0]}/api/time`, { kind: 'field', expression: 'a[' }, systemLocalClock),
    ).toThrow(/JMESPath/);
  });

  it('finds the Date header second boundary to within a few milliseconds on a skewed server', async () => {
    sim = await simWith(250.4, { baseMs: 4, jitterMs: 1 });
    const source = new HttpTimeSource(`${sim.urls[0]}/api/items`, { kind: 'date' }, systemLocalClock);
    const samples = await searchDateBoundary(source, systemLocalClock, { maxProbes: 12 });
    await source.close();
    const estimate = filterBurst(samples);
    expect(samples.length).toBeLessThanOrEqual(12);
    expect(Math.abs(estimate.offsetMs - 250.4)).toBeLessThanOrEqual(estimate.boundMs + 0.5);
    expect(estimate.boundMs).toBeLessThan(20);
  }, 20_000);
});

describe('time source failures', () => {
  it('names a malformed NTP reply', async () => {
    const port = await fakeUdpServer(() => Buffer.from('not ntp at all'));
    await expect(queryNtp({ host: '127.0.0.1', port }, systemLocalClock)).rejects.toThrow(
      /bad reply: reply is 14 bytes/,
    );
  });

  it('times out when no reply comes', async () => {
    const port = await fakeUdpServer(() => null);
    await expect(queryNtp({ host: '127.0.0.1', port }, systemLocalClock, 300)).rejects.toThrow(
      `ntp 127.0.0.1:${port}: no reply within 300 ms`,
    );
  });

  it('names an unknown host', async () => {
    await expect(queryNtp({ host: 'nosuch.invalid', port: 123 }, systemLocalClock)).rejects.toThrow(
      'ntp nosuch.invalid: unknown host (ENOTFOUND)',
    );
  });
});

describe('clock service', () => {
  it('combines sources, flags the one that disagrees, stores the samples and emits events', async () => {
    sim = await simWith(1500, { baseMs: 1, jitterMs: 0.5 });
    const other = await simWith(-4000);
    const temp = makeTempDir();
    const store = openStore(temp.dir);
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('clock/sample', (sample) => seen.push(sample.source));
    const service = new ClockService({ clock: systemLocalClock, bus, samples: new ClockSamplesRepository(store.db) });
    try {
      const report = await service.probe(
        [
          { kind: 'ntp', host: '127.0.0.1', port: sim.ntpPort! },
          { kind: 'http-field', url: `${sim.urls[0]}/api/time`, field: 'serverTimeMs' },
          { kind: 'http-field', url: `${other.urls[0]}/api/time`, field: 'serverTimeMs' },
          { kind: 'ntp', host: '127.0.0.1', port: 9 },
        ],
        { samples: 4, timeoutMs: 300 },
      );
      expect(report.sources.map((s) => [s.ok, s.falseticker])).toEqual([
        [true, false],
        [true, false],
        [true, true],
        [false, false],
      ]);
      expect(report.sources[3]!.error).toMatch(/no reply within 300 ms/);
      expect(Math.abs(report.combined!.offsetMs - 1500)).toBeLessThanOrEqual(report.combined!.boundMs + 0.5);
      expect(Math.abs(service.serverNowMs()! - (Date.now() + 1500))).toBeLessThan(20);
      expect(new ClockSamplesRepository(store.db).since(0)).toHaveLength(4);
      expect(seen).toContain('combined');
    } finally {
      await other.close();
      store.close();
      temp.remove();
    }
  });

  it('estimates the drift of a server clock with a known ppm across bursts', async () => {
    sim = await startSimulator({
      scenario: scenarioFromObject({
        clock: { skewMs: 100, driftPpm: 800 },
        items: [{ id: 'T', name: 'T', stock: 1, opensAt: 0 }],
        accounts: { count: 1 },
      }),
    });
    const service = new ClockService({ clock: systemLocalClock });
    const spec = [{ kind: 'http-field' as const, url: `${sim.urls[0]}/api/time`, field: 'serverTimeMs' }];
    let report = await service.probe(spec, { samples: 6 });
    for (let n = 0; n < 3; n += 1) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      report = await service.probe(spec, { samples: 6 });
    }
    expect(report.sources[0]!.driftPpm).toBeGreaterThan(600);
    expect(report.sources[0]!.driftPpm).toBeLessThan(1000);
    expect(report.combined!.driftPpm).toBeCloseTo(report.sources[0]!.driftPpm!, 6);
  });

  it('refuses a probe with no source', async () => {
    await expect(new ClockService({ clock: systemLocalClock }).probe([])).rejects.toThrow(/at least one time source/);
  });
});

describe('clock bursts under faults', () => {
  it('loses a sample to a reset, not the burst; a failed probe leaves the last good estimate in place', async () => {
    const { createServer } = await import('node:http');
    let requests = 0;
    const server = createServer((request, response) => {
      requests += 1;
      if (requests % 3 === 0) return request.socket.destroy(); // every third request is reset
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ serverTimeMs: Date.now() + 1_000 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/time`;
    const service = new ClockService({ clock: systemLocalClock });
    try {
      const report = await service.probe([{ kind: 'http-field', url, field: 'serverTimeMs' }], { samples: 6 });
      expect(report.sources[0]!.ok).toBe(true);
      expect(report.sources[0]!.estimate!.samplesTotal).toBe(6);
      expect(Math.abs(report.combined!.offsetMs - 1_000)).toBeLessThanOrEqual(report.combined!.boundMs + 1);
      const failed = await service.probe([{ kind: 'ntp', host: '127.0.0.1', port: 9 }], { samples: 2, timeoutMs: 100 });
      expect(failed.combined).toBeNull();
      expect(service.lastReport()).toBe(failed); // the console shows what happened
      expect(Math.abs(service.current()!.offsetMs - 1_000)).toBeLessThanOrEqual(report.combined!.boundMs + 1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('clock service with several targets', () => {
  it('keeps an estimate per set of sources, and a re-sync per campaign', async () => {
    sim = await simWith(1_500);
    const other = await simWith(-4_000);
    const service = new ClockService({ clock: systemLocalClock });
    const a = [{ kind: 'http-field' as const, url: `${sim.urls[0]}/api/time`, field: 'serverTimeMs' }];
    const b = [{ kind: 'http-field' as const, url: `${other.urls[0]}/api/time`, field: 'serverTimeMs' }];
    try {
      await service.probe(a, { samples: 4 });
      await service.probe(b, { samples: 4 });
      expect(Math.round(service.current(undefined, a)!.offsetMs / 100)).toBe(15);
      expect(Math.round(service.current(undefined, b)!.offsetMs / 100)).toBe(-40);
      expect(Math.round(service.current()!.offsetMs / 100)).toBe(-40); // the latest of any, for the console
      expect(service.current(undefined, [{ kind: 'ntp', host: '127.0.0.1', port: 9 }])).toBeNull();
      const probed: string[] = [];
      const probe = service.probe.bind(service);
      service.probe = (specs, overrides) => {
        probed.push(String(overrides?.campaignId));
        return probe(specs, overrides);
      };
      service.startSync(a, 20, 'first');
      service.startSync(b, 20, 'second');
      service.stopSync('first'); // the second campaign's re-sync goes on
      const before = probed.filter((id) => id === 'second').length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      service.stopSync();
      expect(probed.filter((id) => id === 'second').length).toBeGreaterThan(before);
      const afterStop = probed.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(probed.length).toBe(afterStop);
    } finally {
      service.stopSync();
      await other.close();
    }
  });
});
