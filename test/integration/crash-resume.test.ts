// `tminus run` killed with SIGKILL in the middle of a rush, then run again with the same campaign file: the restart
// reconciles every intent the crash left open and resumes the same campaign (same keys). Judged on the simulator's
// own orders, in its own process: every booking is in the record, no account booked twice.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeTempDir } from '../helpers/temp-dir';
import { CLI_SCRIPT, startExternalTarget, type ExternalTarget } from '../helpers/external-target';
import { compareWithServer } from '../helpers/server-truth';
import { createApp } from '../../electron/app';

let target: ExternalTarget | undefined;
let temp: ReturnType<typeof makeTempDir> | undefined;
afterEach(async () => {
  await target?.stop();
  temp?.remove();
  target = undefined;
  temp = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('a crash mid-rush', () => {
  it('loses no booking and books no account twice when killed and run again', async () => {
    temp = makeTempDir();
    // A service that books again on a repeated key (one per account): only the order lookups can find what the
    // killed process booked without recording it; a repeat is refused and would be recorded as a failure.
    target = await startExternalTarget(
      temp.dir,
      {
        items: [{ id: 'T1', name: 'T', stock: 30, opensAt: 'in 7s' }],
        accounts: { count: 40 },
        nodes: {
          count: 2,
          latency: { baseMs: 40, jitterMs: 5 }, // the answers are still on their way back at the kill
          faults: { dropResponseRate: 0.05, errorRate: 0, resetRate: 0, hangRate: 0 },
        },
        idempotency: 'ignored',
        seed: 5,
      },
      'external',
      (text) => text.replace('idempotencyKeyHonoured: true', 'idempotencyKeyHonoured: false'),
    );
    const campaignFile = join(temp.dir, 'campaign.yaml');
    writeFileSync(
      campaignFile,
      stringify({
        name: 'crash drill',
        target: 'external',
        item: 'T1',
        opensAt: new Date(target.openAtServerMs).toISOString(),
        accounts: { count: 40 },
        armLeadMs: 4_000,
        limits: { maxDurationMs: 20_000 },
      }),
    );
    const args = [CLI_SCRIPT, 'run', campaignFile, '--target', target.profileFile, '--data-dir', temp.dir, '--json'];
    const first = spawn(process.execPath, [...args, '--accounts', target.accountsFile], { stdio: 'ignore' });
    // Killed as the first bookings are made: their answers are still on the way back, nothing of the rush is in
    // the record but its intents (written while arming).
    for (;;) {
      const booked = (await target.arrivals()).filter((a) => a.route.endsWith('/book') && a.code === 'BOOKED');
      if (booked.length >= 1 || first.exitCode !== null) break;
      await sleep(2);
    }
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const ordersAtCrash = (await target.orders()).length;
    expect(ordersAtCrash).toBeGreaterThan(0);

    const again = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
    const summary = JSON.parse(again.stdout) as { campaignId: string; intents: { unknown: number } };
    expect(summary.intents.unknown).toBe(0);

    const orders = await target.orders();
    const app = createApp({ dataDir: temp.dir });
    try {
      expect(app.engine.list().map((campaign) => campaign.id)).toEqual([summary.campaignId]); // resumed, not anew
      const truth = compareWithServer(app, 'external', [summary.campaignId], orders);
      expect(truth).toMatchObject({ lost: [], duplicates: [], phantom: [], notInLedger: [] });
      expect(orders.length).toBe(30); // the resumed run sold what was left
      expect(app.intents.counts(summary.campaignId)).toMatchObject({ unknown: 0, prepared: 0, sent: 0, booked: 30 });
      // On the wire, across the kill and the resumed run: one idempotency key per account, on every booking request.
      const keys = new Map<string, Set<string>>();
      for (const arrival of await target.arrivals())
        if (arrival.key && arrival.account)
          keys.set(arrival.account, (keys.get(arrival.account) ?? new Set()).add(arrival.key));
      expect(keys.size).toBeGreaterThanOrEqual(30);
      for (const accountKeys of keys.values()) expect(accountKeys.size).toBe(1);
      expect(again.stderr).toMatch(/reconciled campaign .*: asked about \d+/);
      expect(again.stderr).toMatch(/resumed after an interruption/);
    } finally {
      await app.close();
    }
  }, 90_000);
});
