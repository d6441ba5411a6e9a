// First run, one click: the built-in simulator with the rehearsal scenario (restarted, so the sale opens 20 s from
// now), its accounts imported into the simulator target, and a campaign on its item, armed.
import { join } from 'node:path';
import type { AccountsService } from './accounts';
import type { EngineService } from './engine';
import type { CampaignRecord } from './store';
import { accountPassword, accountUsername, loadScenarioFile, type SimService } from './sim';
import { resourcesDir } from './platform/resources-dir';
import { TminusError } from './errors';

export const REHEARSAL_ACCOUNTS = 20;

export async function rehearse(deps: {
  sim: SimService;
  accounts: AccountsService;
  engine: EngineService;
  targetId: string;
  /** The campaign's name (the console gives it in its language; `{item}` becomes the item's id). */
  name?: string;
}): Promise<CampaignRecord> {
  const scenario = loadScenarioFile(join(resourcesDir(), 'scenarios', 'rehearsal.yaml'));
  if (deps.sim.current()) await deps.sim.stop();
  await deps.sim.startScenario(scenario);
  const rows = ['username,password'];
  for (let index = 0; index < scenario.accounts.count; index += 1)
    rows.push(`${accountUsername(scenario, index)},${accountPassword(scenario, index)}`);
  const report = deps.accounts.importCsv(deps.targetId, Buffer.from(rows.join('\n')), { dryRun: false });
  if (!report.ok)
    throw new TminusError(
      'IMPORT_INVALID',
      `the rehearsal accounts could not be imported: ${report.problems[0]?.reason}`,
    );
  const item = scenario.items[0]!;
  const campaign = deps.engine.create({
    name: (deps.name ?? 'Rehearsal — {item}').replaceAll('{item}', item.id),
    target: deps.targetId,
    item: item.id,
    opensAt: 'item',
    accounts: { count: Math.min(REHEARSAL_ACCOUNTS, scenario.accounts.count) },
    limits: { maxDurationMs: 15_000 },
  });
  return deps.engine.arm(campaign.id).campaign;
}
