// Composition root: opens the store, builds the services, and binds every contract call to its handler. The desktop
// shell, `tminus serve`, the CLI and the tests all start Tminus through here, so they run the same code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBus } from './ipc/event-bus';
import { createRouter, type Handlers, type Router } from './ipc/router';
import {
  AccountsRepository,
  CaptchaRepository,
  AttemptsRepository,
  IntentsRepository,
  createRecordWriter,
  requireFreeSpace,
  DEFAULT_MIN_FREE_BYTES,
  CampaignsRepository,
  ClockSamplesRepository,
  NotifiersRepository,
  SchedulesRepository,
  TargetsRepository,
  ensureDataDir,
  openStore,
  type Store,
} from './store';
import { collectAppInfo } from './platform/app-info';
import { resourcesDir } from './platform/resources-dir';
import { offeredProviders } from './platform/onnx-providers';
import { validateProfile, parseProfile, ProfileSignIn } from './targets';
import { validateProfileText } from './targets/validate-text';
import { profileCaveats } from './targets/profile-loader';
import { SimService } from './sim';
import { ClockService, reportToWire, systemLocalClock, type LocalClock } from './clock';
import { keyFileSealer, loadOrCreateKey, SecretBox, type Sealer } from './secrets';
import { AccountsService, HealthMonitor, SessionKeeper, type SignInAdapter } from './accounts';
import { NO_SIGN_IN } from './accounts/sign-in';
import {
  DebugAnswerSolver,
  EngineService,
  OperatorCaptchaSolver,
  type CampaignSpecInput,
  type CaptchaSolver,
} from './engine';
import { campaignView, engineHandlers } from './engine/handlers';
import { TargetBudgets } from './engine/target-budget';
import { CaptchaService, ModelCaptchaSolver } from './captcha';
import { CaptchaLearningService } from './captcha/learning-service';
import { captchaHandlers } from './captcha/handlers';
import { accountHandlers } from './accounts/handlers';
import { TminusError } from './errors';
import { Scheduler, type SchedulerLog } from './schedule';
import { scheduleHandlers } from './schedule/handlers';
import { NotifyService, watchCampaigns, type DesktopSink } from './notify';
import { notifierHandlers } from './notify/handlers';
import { reportHandlers } from './reports/handlers';
import { ConsoleCluster, type ClusterMembership, type NodeDriverOptions } from './cluster';
import { rehearse } from './rehearsal';

export interface AppOptions {
  dataDir: string;
  /** This machine's clock; tests drive their own. */
  clock?: LocalClock;
  /** Seals secrets; the desktop app passes Electron safeStorage. Default: the key file in the data dir. */
  sealer?: Sealer;
  /** Answers captchas; default: the operator (the captcha room adds the model). */
  solver?: CaptchaSolver;
  /** Tests and benchmarks: use the simulator's revealed captcha answers when it gives them. */
  debugCaptchaAnswers?: boolean;
  /** Shows desktop notifications (Electron's Notification); default: a `notification/desktop` event for the console. */
  desktopNotify?: DesktopSink;
  /** Notification delivery settings (tests shorten the backoff). */
  notifyDelivery?: { retries?: number; baseMs?: number; maxMs?: number; timeoutMs?: number };
  /** The desktop app's save dialog for CSV exports; the browser console downloads instead. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
  /** Where the scheduler logs (pino in `tminus daemon`); default: nowhere. */
  log?: SchedulerLog;
  /** Where unexpected handler errors go (stderr in the CLI, the log in the desktop app). */
  onInternalError?: (call: string, error: unknown) => void;
  /** A cluster joined before the app opened (`tminus serve --cluster`): the app drives its shares, leaves on close. */
  cluster?: ClusterMembership | null;
  /** Told about each cluster share this console drives as it starts and ends (its log). */
  onClusterShare?: NodeDriverOptions['onShare'];
  /** Free bytes the data directory's disk must have for a campaign to arm (default 64 MiB). */
  minFreeBytes?: number;
  /** How long closing waits for a faulty disk to take what the record holds in memory (default 60 s). */
  drainTimeoutMs?: number;
}

export interface App {
  dataDir: string;
  store: Store;
  bus: EventBus;
  router: Router;
  sim: SimService;
  clock: ClockService;
  accounts: AccountsService;
  health: HealthMonitor;
  engine: EngineService;
  operatorCaptcha: OperatorCaptchaSolver;
  targets: TargetsRepository;
  attempts: AttemptsRepository;
  intents: IntentsRepository;
  captcha: CaptchaService;
  /** The captcha learning loop: kept samples per target, the model each target uses, fine-tunes. */
  learning: CaptchaLearningService;
  /** Started by the long-running hosts (desktop, `tminus serve`, `tminus daemon`), not by one-shot commands. */
  scheduler: Scheduler;
  notify: NotifyService;
  /** The cluster this console is in, if any: joined at start, from Settings, or attached once a join succeeds. */
  cluster: ConsoleCluster;
  close(): Promise<void>;
}

export const SIMULATOR_TARGET_ID = 'simulator';

export function createApp(options: AppOptions): App {
  const dataDir = ensureDataDir(options.dataDir);
  const store = openStore(dataDir);
  const bus = new EventBus();
  const localClock = options.clock ?? systemLocalClock;
  const targets = new TargetsRepository(store.db);
  const simulatorProfile = join(resourcesDir(), 'profiles', 'simulator.yaml');
  targets.upsert(
    {
      id: SIMULATOR_TARGET_ID,
      name: 'Rehearsal (built-in)',
      profileText: readFileSync(simulatorProfile, 'utf8'),
      profileFormat: 'yaml',
      builtin: true,
    },
    localClock.nowMs(),
  );

  const sim = new SimService(bus, join(resourcesDir(), 'scenarios'));
  const simulatorUrl = (): string => {
    const running = sim.current();
    if (!running)
      throw new TminusError('SIGN_IN_FAILED', 'the built-in simulator is not running: start it on the Dashboard');
    return running.urls[0]!;
  };
  const clockSamples = new ClockSamplesRepository(store.db);
  const clock = new ClockService({ clock: localClock, bus, samples: clockSamples });

  const keyFile = keyFileSealer(loadOrCreateKey(dataDir));
  const secrets = new SecretBox(options.sealer ?? keyFile, options.sealer ? [keyFile] : []);
  const accountsRepository = new AccountsRepository(store.db);
  const onAccountChange = (accountId: number, targetId: string): void =>
    bus.emit('account/changed', { accountId, targetId });
  // One declared budget per target for everything this process sends it: campaigns, sign-ins, the health check.
  const budgets = new TargetBudgets(localClock);
  // Adapters are kept per target while its profile text is unchanged: a rush signs a thousand accounts in, and
  // parsing and checking the profile for each request would cost more than the requests.
  const adapters = new Map<string, { text: string; adapter: SignInAdapter }>();
  const adapterFor = (targetId: string): SignInAdapter => {
    const target = targets.get(targetId);
    if (!target) throw new TminusError('TARGET_UNKNOWN', `unknown target '${targetId}'`);
    const known = adapters.get(targetId);
    if (known && known.text === target.profileText) return known.adapter;
    const profile = parseProfile(target.profileText, `target ${targetId}`);
    const endpoint = (): string => (profile.builtin ? simulatorUrl() : profile.endpoints[0]!);
    const budget = budgets.for(profile);
    const adapter = profile.auth ? new ProfileSignIn(profile, endpoint, { gate: () => budget.take() }) : NO_SIGN_IN;
    adapters.set(targetId, { text: target.profileText, adapter });
    return adapter;
  };
  const sessions = new SessionKeeper({
    accounts: accountsRepository,
    secrets,
    clock: localClock,
    adapterFor,
    onChange: onAccountChange,
  });
  const accounts = new AccountsService({
    accounts: accountsRepository,
    targets,
    secrets,
    clock: localClock,
    sessions,
    onChange: onAccountChange,
  });
  // A simulator that (re)starts knows no session of before: every built-in target's sessions end with it.
  bus.on('sim/state', (status) => {
    if (!status.running) return;
    for (const target of targets.list().filter((candidate) => candidate.builtin))
      accounts.endSessions(target.id, 'the built-in simulator restarted: its sessions ended; sign in again');
  });
  const health = new HealthMonitor({
    accounts: accountsRepository,
    sessions,
    clock: localClock,
    targetIds: () => targets.list().map((target) => target.id),
  });

  const campaigns = new CampaignsRepository(store.db);
  const attempts = new AttemptsRepository(store.db);
  const intents = new IntentsRepository(store.db);
  const operatorCaptcha = new OperatorCaptchaSolver(bus);
  const providerSetting = process.env.TMINUS_CAPTCHA_PROVIDER ?? 'auto';
  const captcha = new CaptchaService({
    modelDirs: [join(resourcesDir(), 'models'), join(dataDir, 'models')], // the learning loop's too (below)
    // CUDA is tried first only where its provider library is installed (trying it elsewhere just logs a failure).
    providers: providerSetting === 'cpu' ? ['cpu'] : providerSetting === 'cuda' ? ['cuda'] : offeredProviders(),
  });
  const modelSolver = new ModelCaptchaSolver(captcha, operatorCaptcha);
  const captchaModelDirs = [join(resourcesDir(), 'models'), join(dataDir, 'models')];
  const learning = new CaptchaLearningService({
    repository: new CaptchaRepository(store.db),
    targets,
    secrets,
    clock: localClock,
    captcha,
    modelDirs: captchaModelDirs,
    outDir: join(dataDir, 'models'),
    onProgress: (progress) => bus.emit('captcha/training', progress),
  });
  const engine = new EngineService({
    clock: localClock,
    clockService: clock,
    accounts,
    campaigns,
    attempts,
    intents,
    writeRecord: createRecordWriter(store.db, attempts, intents),
    checkStorage: () => requireFreeSpace(dataDir, options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES),
    budgets,
    drainTimeoutMs: options.drainTimeoutMs,
    onDrainWait: (pending, fault) =>
      process.stderr.write(
        `tminus: waiting for the disk to take ${pending} write(s) of the record (${fault?.code ?? 'busy'})…\n`,
      ),
    targets,
    bus,
    sim,
    solver: options.solver ?? (options.debugCaptchaAnswers ? new DebugAnswerSolver(modelSolver) : modelSolver),
    captchaSamples: learning,
    captchaModelFor: (targetId) => learning.chosenModel(targetId),
  });

  const notify = new NotifyService({
    repository: new NotifiersRepository(store.db),
    secrets,
    bus,
    desktop:
      options.desktopNotify ??
      ((title, text, sound) => {
        bus.emit('notification/desktop', { title, text, sound });
        return true;
      }),
    delivery: options.notifyDelivery,
  });
  const stopWatching = watchCampaigns({
    bus,
    notify,
    campaigns,
    attempts,
    accountName: (id) => accountsRepository.get(id)?.username ?? null,
  });

  const scheduler = new Scheduler({
    repository: new SchedulesRepository(store.db),
    engine: {
      createFromSchedule: (template, opensAtMs, scheduleId, name) =>
        engine.create({ ...(template as object), name, opensAt: opensAtMs } as CampaignSpecInput, { scheduleId }),
      arm: (id) => engine.arm(id),
      isActive: (id) => engine.isActive(id),
    },
    log: options.log,
    onRun: (event) => bus.emit('schedule/run', event),
  });

  const engineCalls = engineHandlers(engine, attempts, operatorCaptcha);
  // A console in a cluster drives what is dealt to it and coordinates campaigns across it ("Run across the cluster").
  const cluster = new ConsoleCluster(() => app, dataDir, options.onClusterShare);
  const scheduleCalls = scheduleHandlers(scheduler);
  const handlers: Handlers = {
    ...scheduleCalls,
    'schedules/add': (input) => {
      notify.checkIds(input.template.notify ?? [], 'template.notify');
      return scheduleCalls['schedules/add'](input);
    },
    ...notifierHandlers(notify),
    ...captchaHandlers({ learning, targets, modelDirs: captchaModelDirs, shippedDir: join(resourcesDir(), 'models') }),
    ...reportHandlers(store.db, options.chooseSavePath),
    'sim/rehearse': async ({ name }) => {
      const campaign = await rehearse({ sim, accounts, engine, targetId: SIMULATOR_TARGET_ID, name });
      return campaignView(campaign, engine.intentCounts(campaign.id));
    },
    ...engineCalls,
    'campaigns/create': (spec) => {
      notify.checkIds(spec.notify ?? []);
      return engineCalls['campaigns/create'](spec);
    },
    'campaigns/update': (input) => {
      notify.checkIds(input.spec.notify ?? [], 'spec.notify');
      return engineCalls['campaigns/update'](input);
    },
    'campaigns/cancel': async (input) => {
      if (!cluster.coordinates(input.id)) return engineCalls['campaigns/cancel'](input);
      await cluster.coordinated().cancel(input.id);
      return engineCalls['campaigns/get'](input);
    },
    'cluster/run': async (spec) => engineCalls['campaigns/get']({ id: await cluster.coordinated().start(spec) }),
    'cluster/join': async (input) => {
      await cluster.join(input);
      return cluster.status();
    },
    'cluster/leave': async () => {
      await cluster.leave();
      return cluster.status();
    },
    ...accountHandlers({
      accounts,
      targets,
      browserLoginFor: (targetId) => {
        if (targetId !== SIMULATOR_TARGET_ID)
          throw new TminusError('SIGN_IN_FAILED', `target '${targetId}' has no browser login page`);
        const profile = parseProfile(targets.get(targetId)!.profileText, `target ${targetId}`);
        const browser = profile.auth?.browser;
        if (!browser) throw new TminusError('SIGN_IN_FAILED', `target '${targetId}' has no browser login page`);
        return {
          loginUrl: `${simulatorUrl()}${browser.loginPath}`,
          accessCookie: browser.accessCookie,
          refreshCookie: browser.refreshCookie,
        };
      },
    }),
    'app/info': () => {
      const status = captcha.report();
      return collectAppInfo({
        dataDir,
        databaseFile: store.file,
        schemaVersion: store.schemaVersion,
        captcha: {
          provider: status.provider,
          note: status.providerNote,
          models: status.models.map(({ name, accuracy }) => ({ name, accuracy })),
        },
      });
    },
    'targets/validate': ({ text, format }) => {
      const syntax = validateProfileText(text, format);
      if (!syntax.ok) return { ok: false, format: syntax.format, problems: syntax.problems, caveats: [] };
      const checked = validateProfile(text, format);
      return checked.ok
        ? { ok: true, format: syntax.format, problems: [], caveats: profileCaveats(checked.profile) }
        : { ok: false, format: syntax.format, problems: checked.problems, caveats: [] };
    },
    'cluster/status': () => cluster.status(),
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
  const app: App = {
    dataDir,
    store,
    bus,
    router,
    sim,
    clock,
    accounts,
    health,
    engine,
    operatorCaptcha,
    targets,
    attempts,
    intents,
    captcha,
    learning,
    scheduler,
    notify,
    cluster,
    async close() {
      stopWatching();
      await cluster.close();
      await scheduler.stop();
      await captcha.close();
      try {
        await engine.close();
      } finally {
        health.stop();
        clock.stopSync();
        await sim.close();
        store.close();
      }
    },
  };
  if (options.cluster) cluster.attach(options.cluster);
  return app;
}
