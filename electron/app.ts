// Composition root: opens the store, builds the services, and binds every contract call to its handler. The desktop
// shell, `tminus serve` and the tests all start Tminus through here, so they run the same code.
import { EventBus } from './ipc/event-bus';
import { createRouter, type Handlers, type Router } from './ipc/router';
import { ensureDataDir, openStore, type Store } from './store';
import { collectAppInfo } from './platform/app-info';
import { validateProfileText } from './targets/validate-text';
import { SimService } from './sim';
import { resourcesDir } from './platform/resources-dir';
import { join } from 'node:path';
import { ClockService, reportToWire, systemLocalClock, type LocalClock } from './clock';
import { ClockSamplesRepository } from './store';

export interface AppOptions {
  dataDir: string;
  /** This machine's clock; tests drive their own. */
  clock?: LocalClock;
  /** Where unexpected handler errors go (stderr in the CLI, the log in the desktop app). */
  onInternalError?: (call: string, error: unknown) => void;
}

export interface App {
  dataDir: string;
  store: Store;
  bus: EventBus;
  router: Router;
  sim: SimService;
  clock: ClockService;
  close(): Promise<void>;
}

export function createApp(options: AppOptions): App {
  const dataDir = ensureDataDir(options.dataDir);
  const store = openStore(dataDir);
  const bus = new EventBus();
  const sim = new SimService(bus, join(resourcesDir(), 'scenarios'));
  const clockSamples = new ClockSamplesRepository(store.db);
  const clock = new ClockService({ clock: options.clock ?? systemLocalClock, bus, samples: clockSamples });

  const handlers: Handlers = {
    'app/info': () => collectAppInfo({ dataDir, databaseFile: store.file, schemaVersion: store.schemaVersion }),
    'targets/validate': ({ text, format }) => {
      const { ok, format: detected, problems } = validateProfileText(text, format);
      return { ok, format: detected, problems };
    },
    'sim/status': () => sim.status(),
    'sim/start': ({ scenario }) => sim.start(scenario),
    'sim/stop': () => sim.stop(),
    'clock/probe': async ({ sources, samples }) => reportToWire(await clock.probe(sources, { samples })),
    'clock/status': ({ sinceMs }) => {
      const last = clock.lastReport();
      return {
        last: last && reportToWire(last),
        current: clock.current(),
        samples: clockSamples.since(sinceMs ?? clock.clock.nowMs() - 3_600_000),
      };
    },
  };

  const router = createRouter(handlers, { onInternalError: options.onInternalError });
  return {
    dataDir,
    store,
    bus,
    router,
    sim,
    clock,
    async close() {
      clock.stopSync();
      await sim.close();
      store.close();
    },
  };
}
