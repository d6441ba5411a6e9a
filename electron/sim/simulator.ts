// The built-in booking service: N HTTP nodes sharing one BookingService, an NTP responder, and admin routes.
// Started by `tminus sim`, by the console's Dashboard, and in-process by tests and benchmarks (port 0).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BookingService } from './booking-service';
import { HttpNode, type NodeConfig } from './http-node';
import { NtpResponder } from './ntp-responder';
import { parseScenario, type NodeFaults, type Scenario } from './scenario';
import { systemTrueClock, type TrueClock } from './sim-clock';
import type { Arrival } from './arrival-log';
import { TminusError } from '../errors';

export interface SimulatorOptions {
  scenario: Scenario;
  /** Port of node 0; further nodes take the next ports. 0 picks free ports. */
  port?: number;
  trueClock?: TrueClock;
  adminToken?: string;
}

export interface SimulatorStats {
  scenario: string;
  nowServerMs: number;
  skewMs: number;
  driftPpm: number;
  items: Array<{ id: string; name: string; stock: number; remaining: number; openAtServerMs: number }>;
  orders: number;
  /** Distinct accounts holding at least one order. */
  accountsWithOrders: number;
  requests: number;
  codes: Record<string, number>;
  bans: number;
  admission: { currentLoad: number; predictedLoad: number };
}

const nodeConfigs = (scenario: Scenario): NodeConfig[] =>
  Array.from({ length: scenario.nodes.count }, (_, index) => {
    const override = scenario.nodes.each[index];
    return {
      index,
      seed: scenario.seed,
      latency: override?.latency ?? scenario.nodes.latency,
      faults: override?.faults ?? scenario.nodes.faults,
    };
  });

export class Simulator {
  readonly adminToken: string;
  private serviceRef: BookingService;
  private readonly nodes: HttpNode[];
  private readonly ntp: NtpResponder | null;
  private readonly trueClock: TrueClock;

  private constructor(options: SimulatorOptions) {
    this.trueClock = options.trueClock ?? systemTrueClock;
    this.adminToken = options.adminToken ?? randomBytes(18).toString('base64url');
    this.serviceRef = new BookingService(options.scenario, this.trueClock);
    const admin = (request: IncomingMessage, body: string, response: ServerResponse): void =>
      this.handleAdmin(request, body, response);
    this.nodes = nodeConfigs(options.scenario).map((config) => new HttpNode(() => this.serviceRef, config, admin));
    const first = this.nodes[0]!;
    this.ntp = options.scenario.ntp.enabled
      ? new NtpResponder(
          () => this.serviceRef.clock,
          (direction) => first.delay(direction),
        )
      : null;
  }

  static async start(options: SimulatorOptions): Promise<Simulator> {
    const simulator = new Simulator(options);
    try {
      for (const [index, node] of simulator.nodes.entries()) {
        await node.listen(options.port ? options.port + index : 0);
      }
      await simulator.ntp?.listen(options.scenario.ntp.port);
    } catch (error) {
      await simulator.close();
      throw error;
    }
    return simulator;
  }

  get service(): BookingService {
    return this.serviceRef;
  }

  get scenario(): Scenario {
    return this.serviceRef.scenario;
  }

  get urls(): string[] {
    return this.nodes.map((node) => node.url);
  }

  get ntpPort(): number | null {
    return this.ntp?.port ?? null;
  }

  arrivals(afterSeq = 0, limit?: number): Arrival[] {
    return this.serviceRef.arrivals.since(afterSeq, limit);
  }

  /** Each item's remaining stock and the server's time: cheap enough to read four times a second. */
  stock(): { nowServerMs: number; items: Array<{ id: string; remaining: number }> } {
    const service = this.serviceRef;
    const items = [...service.inventory.items.values()].map(({ id, remaining }) => ({ id, remaining }));
    return { nowServerMs: service.clock.nowServerMs(), items };
  }

  stats(): SimulatorStats {
    const service = this.serviceRef;
    return {
      scenario: service.scenario.name,
      nowServerMs: service.clock.nowServerMs(),
      skewMs: service.scenario.clock.skewMs,
      driftPpm: service.scenario.clock.driftPpm,
      items: [...service.inventory.items.values()].map(({ id, name, stock, remaining, openAtServerMs }) => ({
        id,
        name,
        stock,
        remaining,
        openAtServerMs,
      })),
      orders: service.inventory.allOrders().length,
      accountsWithOrders: new Set(service.inventory.allOrders().map((order) => order.account)).size,
      requests: [...service.counters.values()].reduce((sum, n) => sum + n, 0),
      codes: Object.fromEntries(service.counters),
      bans: service.risk.bans,
      admission: service.admission.snapshot(),
    };
  }

  /** Changes a node's faults (or every node's) while it runs: chaos mid-campaign, for tests and rehearsals. */
  setFaults(node: number | 'all', faults: Partial<NodeFaults>): void {
    const targets = node === 'all' ? this.nodes : [this.nodes[node]];
    for (const target of targets) {
      if (!target) throw new TminusError('SCENARIO_INVALID', `nodes: there is no node ${String(node)}`);
      target.config = { ...target.config, faults: { ...target.config.faults, ...faults } };
    }
  }

  /** Starts over with a scenario (the same one when omitted): fresh stock, tokens, limits and log; same ports. */
  reset(scenario: Scenario = this.serviceRef.scenario): void {
    if (scenario.nodes.count !== this.nodes.length) {
      throw new TminusError(
        'SCENARIO_INVALID',
        `nodes.count: a reset cannot change the number of nodes (${this.nodes.length} running, ${scenario.nodes.count} asked); restart the simulator`,
      );
    }
    nodeConfigs(scenario).forEach((config, index) => {
      this.nodes[index]!.config = config;
    });
    this.serviceRef = new BookingService(scenario, this.trueClock);
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.close()));
    await this.ntp?.close();
  }

  private handleAdmin(request: IncomingMessage, body: string, response: ServerResponse): void {
    const reply = (status: number, payload: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(payload));
    };
    const authorization = request.headers.authorization ?? '';
    if (authorization !== `Bearer ${this.adminToken}`) {
      reply(401, { code: 'ADMIN_TOKEN_REQUIRED', message: 'admin routes need Authorization: Bearer <admin token>' });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET' && url.pathname === '/admin/arrivals') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 10_000);
      reply(200, {
        arrivals: this.arrivals(Number.isFinite(after) ? after : 0, Math.min(Math.max(1, limit), 100_000)),
      });
    } else if (request.method === 'GET' && url.pathname === '/admin/orders') {
      reply(200, { orders: this.serviceRef.inventory.allOrders() });
    } else if (request.method === 'GET' && url.pathname === '/admin/stats') {
      reply(200, this.stats());
    } else if (request.method === 'POST' && url.pathname === '/admin/faults') {
      try {
        const { node, ...faults } = JSON.parse(body || '{}') as Partial<NodeFaults> & { node?: number | 'all' };
        this.setFaults(node ?? 'all', faults);
        reply(200, { ok: true });
      } catch (error) {
        reply(400, { code: 'BAD_REQUEST', message: (error as Error).message });
      }
    } else if (request.method === 'POST' && url.pathname === '/admin/reset') {
      try {
        this.reset(body.trim() === '' ? undefined : parseScenario(body, 'reset body'));
        reply(200, this.stats());
      } catch (error) {
        const problem = error instanceof TminusError ? error : new TminusError('SCENARIO_INVALID', String(error));
        reply(400, { code: problem.code, message: problem.message });
      }
    } else {
      reply(404, { code: 'NOT_FOUND', message: `no admin route ${request.method} ${url.pathname}` });
    }
  }
}

export const startSimulator = (options: SimulatorOptions): Promise<Simulator> => Simulator.start(options);
