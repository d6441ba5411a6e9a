// The console's handle on the built-in simulator: start it with a shipped scenario, stop it, say what is running,
// and push its stock as it sells (`sim/stock`, at most every 250 ms, only when a figure changed).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBus } from '../ipc/event-bus';
import type { SimStatus } from '../ipc/contract';
import { TminusError } from '../errors';
import { loadScenarioFile, type Scenario } from './scenario';
import { startSimulator, type Simulator } from './simulator';

export class SimService {
  private simulator: Simulator | null = null;
  private starting: Promise<Simulator> | null = null;
  private stockTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly scenariosDir: string,
  ) {}

  status(): SimStatus {
    const simulator = this.simulator;
    if (!simulator) {
      return {
        running: false,
        targetId: 'simulator',
        scenario: null,
        nodes: [],
        ntpPort: null,
        serverSkewMs: 0,
        accounts: 0,
        nowServerMs: null,
        items: [],
      };
    }
    const stats = simulator.stats();
    return {
      running: true,
      targetId: 'simulator',
      scenario: simulator.scenario.name,
      nodes: simulator.urls,
      ntpPort: simulator.ntpPort,
      serverSkewMs: stats.skewMs,
      accounts: simulator.scenario.accounts.count,
      nowServerMs: stats.nowServerMs,
      items: stats.items,
    };
  }

  /** The running simulator, for the engine and the account pool when they target `simulator`. */
  current(): Simulator | null {
    return this.simulator;
  }

  async start(scenarioName: string): Promise<SimStatus> {
    const file = join(this.scenariosDir, `${scenarioName}.yaml`);
    if (!existsSync(file)) {
      throw new TminusError('SCENARIO_INVALID', `scenario: no shipped scenario named '${scenarioName}'`);
    }
    return this.startScenario(loadScenarioFile(file));
  }

  /** Starts with a scenario given whole (a file of the operator's, a test's, `tminus run`'s). */
  async startScenario(scenario: Scenario): Promise<SimStatus> {
    if (this.simulator || this.starting) {
      throw new TminusError('SIM_ALREADY_RUNNING', 'the built-in simulator is already running; stop it first');
    }
    this.starting = startSimulator({ scenario });
    try {
      this.simulator = await this.starting;
    } finally {
      this.starting = null;
    }
    const status = this.status();
    this.bus.emit('sim/state', status);
    this.watchStock();
    return status;
  }

  private watchStock(): void {
    let last = '';
    this.stockTimer = setInterval(() => {
      const simulator = this.simulator;
      if (!simulator) return;
      const stock = simulator.stock();
      const signature = stock.items.map((item) => item.remaining).join(',');
      if (signature === last) return;
      last = signature;
      this.bus.emit('sim/stock', stock);
    }, 250);
    this.stockTimer.unref();
  }

  private unwatchStock(): void {
    if (this.stockTimer) clearInterval(this.stockTimer);
    this.stockTimer = null;
  }

  async stop(): Promise<SimStatus> {
    const simulator = this.simulator;
    if (!simulator) throw new TminusError('SIM_NOT_RUNNING', 'the built-in simulator is not running');
    this.simulator = null;
    this.unwatchStock();
    await simulator.close();
    const status = this.status();
    this.bus.emit('sim/state', status);
    return status;
  }

  async close(): Promise<void> {
    this.unwatchStock();
    await this.simulator?.close();
    this.simulator = null;
  }
}
