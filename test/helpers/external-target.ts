// The simulator in its own process, seen as a foreign target: a profile copied from the shipped one with its nodes
// as endpoints, its accounts as CSV, and its orders and arrivals read over the admin routes. What a crash test needs,
// since killing `tminus run` must not kill the service it was booking on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { startSimProcess, type SimProcess } from '../bench/sim-process';
import type { ScenarioInput } from '../../electron/sim';
import { simulatorProfileText } from './simulator-profile';
import type { ServerOrder } from './server-truth';

export const CLI_SCRIPT = 'bin/tminus.js';

export interface ExternalTarget {
  sim: SimProcess;
  profileFile: string;
  accountsFile: string;
  openAtServerMs: number;
  orders(): Promise<ServerOrder[]>;
  arrivals(): Promise<
    Array<{ route: string; account: string | null; code: string; key: string | null; trueMs: number }>
  >;
  setFaults(faults: Record<string, number>): Promise<void>;
  stop(): Promise<void>;
}

export async function startExternalTarget(
  dir: string,
  scenario: ScenarioInput & { accounts: { count: number } },
  targetId = 'external',
  editProfile: (text: string) => string = (text) => text,
): Promise<ExternalTarget> {
  const sim = await startSimProcess(CLI_SCRIPT, scenario);
  const admin = async (path: string, body?: unknown): Promise<unknown> => {
    const response = await request(sim.urls[0] + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${sim.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.body.json();
  };
  const stats = (await admin('/admin/stats')) as { items: Array<{ openAtServerMs: number }> };
  const profileFile = join(dir, `${targetId}.yaml`);
  writeFileSync(
    profileFile,
    editProfile(
      simulatorProfileText()
        .replace(/^id: simulator$/m, `id: ${targetId}`)
        .replace(/^builtin: true$/m, `builtin: false\nendpoints:\n${sim.urls.map((url) => `  - ${url}`).join('\n')}`),
    ),
  );
  const accountsFile = join(dir, `${targetId}-accounts.csv`);
  const rows = ['username,password'];
  for (let n = 1; n <= scenario.accounts.count; n += 1)
    rows.push(`user${String(n).padStart(4, '0')},pass-${String(n).padStart(4, '0')}`);
  writeFileSync(accountsFile, rows.join('\n') + '\n');
  return {
    sim,
    profileFile,
    accountsFile,
    openAtServerMs: stats.items[0]!.openAtServerMs,
    orders: async () => ((await admin('/admin/orders')) as { orders: ServerOrder[] }).orders,
    arrivals: async () =>
      (
        (await admin('/admin/arrivals?limit=100000')) as {
          arrivals: Array<{ route: string; account: string | null; code: string; key: string | null; trueMs: number }>;
        }
      ).arrivals,
    setFaults: async (faults) => {
      await admin('/admin/faults', { node: 'all', ...faults });
    },
    stop: () => sim.stop(),
  };
}
