// A whole Tminus (real SQLite file, real simulator on loopback) for engine tests: start a scenario, import its
// accounts, run campaigns.
import { createApp, type App, type AppOptions } from '../../electron/app';
import { scenarioFromObject, type ScenarioInput } from '../../electron/sim';
import type { CampaignSpecInput, RunSummary } from '../../electron/engine';
import { makeTempDir } from './temp-dir';
import { simAccountsCsv } from './accounts-fixture';
import { simulatorProfileText } from './simulator-profile';

export interface EngineFixture {
  app: App;
  start(scenario: ScenarioInput, accounts?: number, targetId?: string): Promise<void>;
  addTarget(id: string, edit: (profileYaml: string) => string): void;
  run(spec: Partial<CampaignSpecInput> & { item: string }): Promise<RunSummary & { id: string }>;
  close(): Promise<void>;
}

export function createEngineFixture(options: Partial<AppOptions> = {}): EngineFixture {
  const temp = makeTempDir();
  const app = createApp({ dataDir: temp.dir, debugCaptchaAnswers: true, ...options });
  return {
    app,
    async start(scenario, accounts, targetId = 'simulator') {
      const parsed = scenarioFromObject(scenario);
      await app.sim.startScenario(parsed);
      const report = app.accounts.importCsv(targetId, simAccountsCsv(accounts ?? parsed.accounts.count), {
        dryRun: false,
      });
      if (!report.ok) throw new Error(JSON.stringify(report.problems));
    },
    addTarget(id, edit) {
      const text = edit(simulatorProfileText().replace(/^id: simulator$/m, `id: ${id}`));
      app.targets.upsert({ id, name: id, profileText: text, profileFormat: 'yaml', builtin: true }, Date.now());
    },
    async run(spec) {
      const campaign = app.engine.create({
        name: 'test',
        target: 'simulator',
        opensAt: 'item',
        accounts: { count: 1 },
        limits: { maxDurationMs: 3_000 },
        ...spec,
      });
      return { id: campaign.id, ...(await app.engine.run(campaign.id)) };
    },
    async close() {
      await app.close();
      temp.remove();
    },
  };
}
