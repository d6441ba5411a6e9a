import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadScenarioFile,
  parseScenario,
  scenarioFromObject,
  startSimulator,
  type Simulator,
} from '../../../electron/sim';
import { TminusError } from '../../../electron/errors';
import { call } from '../../helpers/sim-client';
import { ntpQuery } from '../../helpers/ntp-query';
import { makeTempDir } from '../../helpers/temp-dir';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator time', () => {
  it('tells the same skewed time through /api/time, Date, X-Server-Time-Ms and NTP', async () => {
    sim = await startSimulator({
      scenario: scenarioFromObject({
        clock: { skewMs: 3700 },
        items: [{ id: 'T', name: 'T', stock: 1, opensAt: 0 }],
        accounts: { count: 1 },
      }),
    });
    const [url] = sim.urls;
    const before = Date.now();
    const reply = await call(url!, 'GET', '/api/time');
    const after = Date.now();
    const serverTime = reply.body.serverTimeMs as number;
    expect(serverTime - 3700).toBeGreaterThanOrEqual(before - 1);
    expect(serverTime - 3700).toBeLessThanOrEqual(after + 1);
    const header = Number(reply.headers.get('x-server-time-ms'));
    expect(Math.abs(header - serverTime)).toBeLessThan(20);
    const date = Date.parse(reply.headers.get('date')!);
    expect(Math.abs(date - serverTime)).toBeLessThanOrEqual(1000);
    const ntp = await ntpQuery(sim.ntpPort!);
    expect(ntp.mode).toBe(4);
    const offset = (ntp.t2 - ntp.t1 + (ntp.t3 - ntp.t4)) / 2;
    expect(Math.abs(offset - 3700)).toBeLessThan(5);
  });
});

describe('simulator faults', () => {
  it('resets and hangs requests on a node configured for it, and logs their arrival', async () => {
    sim = await startSimulator({
      scenario: scenarioFromObject({
        items: [{ id: 'T', name: 'T', stock: 1, opensAt: 0 }],
        accounts: { count: 1 },
        nodes: { count: 3, each: [{}, { faults: { resetRate: 1 } }, { faults: { hangRate: 1 } }] },
      }),
    });
    const [healthy, resetting, hanging] = sim.urls;
    expect((await call(healthy!, 'GET', '/api/items')).status).toBe(200);
    await expect(call(resetting!, 'GET', '/api/items')).rejects.toThrow(/fetch failed/);
    const started = Date.now();
    await expect(call(hanging!, 'GET', '/api/items', { timeoutMs: 300 })).rejects.toThrow(/aborted|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const codes = sim.arrivals().map((arrival) => [arrival.node, arrival.code]);
    expect(codes).toEqual([
      [0, 'OK'],
      [1, 'RESET'],
      [2, 'HANG'],
    ]);
  });

  it('injects server errors at the scenario rate, deterministically for a seed', async () => {
    const scenario = scenarioFromObject({
      seed: 7,
      items: [{ id: 'T', name: 'T', stock: 1, opensAt: 0 }],
      accounts: { count: 1 },
      nodes: { faults: { errorRate: 0.3 } },
    });
    const statuses = async (): Promise<number[]> => {
      sim = await startSimulator({ scenario });
      const result: number[] = [];
      for (let n = 0; n < 200; n += 1) result.push((await call(sim.urls[0]!, 'GET', '/api/items')).status);
      await sim.close();
      sim = undefined;
      return result;
    };
    const first = await statuses();
    const errors = first.filter((status) => status >= 500).length;
    expect(errors).toBeGreaterThan(30);
    expect(errors).toBeLessThan(90);
    expect(await statuses()).toEqual(first);
  });

  it('keeps admin routes behind the admin token and resets to a new scenario', async () => {
    sim = await startSimulator({
      scenario: scenarioFromObject({ items: [{ id: 'T', name: 'T', stock: 1, opensAt: 0 }], accounts: { count: 1 } }),
    });
    const [url] = sim.urls;
    expect((await call(url!, 'GET', '/admin/stats')).status).toBe(401);
    const admin = { authorization: `Bearer ${sim.adminToken}` };
    await call(url!, 'GET', '/api/time');
    const arrivals = await call(url!, 'GET', '/admin/arrivals', { headers: admin });
    expect(arrivals.body.arrivals).toEqual([expect.objectContaining({ route: 'GET /api/time', status: 200 })]);
    const reset = await fetch(`${url}/admin/reset`, {
      method: 'POST',
      headers: admin,
      body: 'items:\n  - { id: NEW, name: New, stock: 9, opensAt: 0 }\naccounts: { count: 2 }\n',
    });
    expect(reset.status).toBe(200);
    expect(sim.stats().items).toEqual([expect.objectContaining({ id: 'NEW', remaining: 9 })]);
    const bad = await fetch(`${url}/admin/reset`, {
      method: 'POST',
      headers: admin,
      body: 'items: []\naccounts: { count: 1 }\n',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/items/);
  });
});

describe('scenario files', () => {
  it('name the field and line of each problem', () => {
    const text = [
      'name: broken',
      'items:',
      '  - id: T1',
      '    name: Train',
      '    stock: -3',
      '    opensAt: tomorrow',
      'accounts:',
      '  count: 0',
      'nodes:',
      '  count: 2',
      '  faults: { errorRate: 1.5 }',
      'surprise: true',
    ].join('\n');
    let error: TminusError | undefined;
    try {
      parseScenario(text, 'broken.yaml');
    } catch (caught) {
      error = caught as TminusError;
    }
    expect(error?.code).toBe('SCENARIO_INVALID');
    const message = error!.message;
    expect(message).toMatch(/items\.0\.stock: .*\(line 5, column \d+\)/);
    expect(message).toMatch(/items\.0\.opensAt: .*line 6/);
    expect(message).toMatch(/accounts\.count: .*line 8/);
    expect(message).toMatch(/nodes\.faults\.errorRate: .*line 11/);
    expect(message).toMatch(/surprise/);
  });

  it('reports a YAML syntax error and an unreadable file clearly', () => {
    expect(() => parseScenario('items: [\n', 'x.yaml')).toThrow(/line \d+, column \d+/);
    expect(() => loadScenarioFile('/nonexistent/scenario.yaml')).toThrow(
      /cannot read scenario \/nonexistent\/scenario.yaml/,
    );
  });

  it('accepts every shipped scenario', () => {
    for (const name of ['default', 'captcha', 'rush']) {
      expect(loadScenarioFile(join('resources/scenarios', `${name}.yaml`)).items.length).toBeGreaterThan(0);
    }
    const temp = makeTempDir();
    writeFileSync(
      join(temp.dir, 'x.json'),
      JSON.stringify({ items: [{ id: 'A', name: 'A', stock: 1, opensAt: 'in 5s' }], accounts: { count: 1 } }),
    );
    expect(loadScenarioFile(join(temp.dir, 'x.json')).items[0]!.id).toBe('A');
    temp.remove();
  });
});
