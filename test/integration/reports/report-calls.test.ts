import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { makeTempDir } from '../../helpers/temp-dir';
import { createApp, type App } from '../../../electron/app';
import { startConsoleServer, type ConsoleServer } from '../../../electron/ipc/ws-transport';
import { csvDownloads } from '../../../electron/reports/download';
import type { CallInput, CallName, CallOutput } from '../../../electron/ipc/contract';
import { FIXTURE_CAMPAIGN, FIXTURE_OPEN_MS, seedAttempts } from '../../bench/attempts-fixture';

describe('report calls and CSV downloads', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const start = async (): Promise<{ app: App; server: ConsoleServer }> => {
    const temp = makeTempDir();
    const app = createApp({ dataDir: temp.dir });
    cleanups.push(
      () => temp.remove(),
      () => app.close(),
    );
    seedAttempts(app.store.db, 3_000);
    const server = await startConsoleServer({
      router: app.router,
      bus: app.bus,
      staticDir: null,
      port: 0,
      download: csvDownloads(app.store.db),
    });
    cleanups.push(() => server.close());
    return { app, server };
  };
  const call = async <K extends CallName>(app: App, name: K, input: CallInput<K>): Promise<CallOutput<K>> => {
    const reply = await app.router.dispatch(name, input);
    if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
    return reply.output as CallOutput<K>;
  };

  it('pages, filters and sorts attempts; lists the accounts a campaign used; names an unknown campaign', async () => {
    const { app } = await start();
    const first = await call(app, 'attempts/query', { campaignId: FIXTURE_CAMPAIGN, limit: 10 });
    expect(first.total).toBe(3_000);
    expect(first.rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const slow = await call(app, 'attempts/query', {
      campaignId: FIXTURE_CAMPAIGN,
      sort: { field: 'latencyMs', order: 'desc' },
      limit: 5,
    });
    const latencies = slow.rows.map((row) => row.latencyMs);
    expect(latencies).toEqual([...latencies].sort((a, b) => (b ?? 0) - (a ?? 0)));
    const successes = await call(app, 'attempts/query', {
      campaignId: FIXTURE_CAMPAIGN,
      filter: { outcomes: ['success'] },
      limit: 1_000,
    });
    expect(successes.rows.length).toBeGreaterThan(0); // an empty list would pass any `every`
    expect(successes.rows.every((row) => row.outcome === 'success')).toBe(true);
    // The fixture's attempts all leave at or after the open instant (retry n at +60·n ms): a bucket of them, and none
    // before the open.
    const second = await call(app, 'attempts/query', {
      campaignId: FIXTURE_CAMPAIGN,
      filter: { range: { field: 'fireOffset', from: 60, to: 120 } },
      limit: 1_000,
    });
    expect(second.rows.length).toBeGreaterThan(0); // an empty list would pass any `every`
    expect(
      second.rows.every((row) => row.sentServerMs! - FIXTURE_OPEN_MS >= 60 && row.sentServerMs! - FIXTURE_OPEN_MS < 120),
    ).toBe(true);
    expect(second.rows.every((row) => row.retry === 1)).toBe(true);
    const early = await call(app, 'attempts/query', {
      campaignId: FIXTURE_CAMPAIGN,
      filter: { range: { field: 'fireOffset', to: 0 } },
      limit: 1_000,
    });
    expect(early.total).toBe(0);
    const accounts = await call(app, 'campaigns/accounts', { id: FIXTURE_CAMPAIGN });
    expect(accounts).toHaveLength(1_000);
    expect(accounts[0]).toMatchObject({ attempts: 3, leased: false });
    const reply = await app.router.dispatch('attempts/query', { campaignId: 'nope' });
    expect(reply.ok).toBe(false);
    const rows = await call(app, 'reports/attribution', { campaignId: FIXTURE_CAMPAIGN, dimension: 'endpoint' });
    expect(rows.rows).toHaveLength(3);
    const saved = await app.router.dispatch('reports/save-csv', { kind: 'attempts', campaignId: FIXTURE_CAMPAIGN });
    expect(saved.ok ? null : saved.error.code).toBe('EXPORT_FAILED'); // no save dialog outside the desktop app
  });

  it('suggests the next lead from observed open instants seen closed just before, never from a run that saw 401s first', async () => {
    const { app } = await start();
    const history0 = await call(app, 'reports/open-history', { targetId: 'simulator' });
    expect(history0).toEqual({ campaigns: [], suggestedLeadMs: null });
    const insert = app.store.db.prepare(
      `INSERT INTO campaigns (id, target_id, name, item_id, open_at_server_ms, time_zone, spec_json, state,
         observed_open_at_server_ms, created_at_ms, updated_at_ms)
       VALUES (?, 'simulator', ?, 'X', ?, 'UTC', '{}', 'completed', ?, 0, 0)`,
    );
    const attempt = app.store.db.prepare(
      `INSERT INTO attempts (campaign_id, account_id, item_id, endpoint, idempotency_key, sent_local_ms, sent_server_ms,
         server_received_ms, latency_ms, outcome)
       VALUES (?, 1, 'X', 'http://127.0.0.1:1', ?, ?, ?, ?, 4, ?)`,
    );
    const account = app.store.db.prepare('SELECT id FROM accounts LIMIT 1').get() as { id: number } | undefined;
    expect(account?.id).toBe(1);
    [12, 30, 18].forEach((late, n) => {
      const open = 1_000_000 * (n + 1);
      insert.run(`c${n}`, `c${n}`, open, open + late);
      // A "not open" answer a few ms before the sale was seen open: the observation is bracketed.
      attempt.run(`c${n}`, `k${n}a`, open + late - 10, open + late - 10, open + late - 8, 'notOpen');
      attempt.run(`c${n}`, `k${n}b`, open + late - 2, open + late - 2, open + late, 'success');
    });
    // The second rehearsal with dead sessions: every first shot answered 401, the first success 545 ms late.
    const open = 9_000_000;
    insert.run('c401', 'after 401s', open, open + 545);
    attempt.run('c401', 'k401a', open - 1, open - 1, open + 1, 'unauthorized');
    attempt.run('c401', 'k401b', open + 543, open + 543, open + 545, 'success');
    const history = await call(app, 'reports/open-history', { targetId: 'simulator' });
    expect(history.campaigns.map((c) => [c.deltaMs, c.usable])).toEqual([
      [545, false],
      [18, true],
      [30, true],
      [12, true],
    ]);
    expect(history.suggestedLeadMs).toBe(-18); // it opens ~18 ms late: send 18 ms later; the 401 run says nothing
  });

  it('downloads CSV behind the token, with the filter, and refuses bad parameters by name', async () => {
    const { server } = await start();
    const base = server.url.replace(/\/#token=.*/, '');
    const ok = await fetch(
      `${base}/download/attempts.csv?campaign=${FIXTURE_CAMPAIGN}&bom=1&token=${server.token}&filter=${encodeURIComponent(JSON.stringify({ outcomes: ['soldOut'] }))}`,
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toMatch(/attachment; filename="tminus-attempts-/);
    const bytes = Buffer.from(await ok.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.subarray(3).toString('utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.every((row) => row.outcome === 'soldOut')).toBe(true);
    expect((await fetch(`${base}/download/attempts.csv?campaign=${FIXTURE_CAMPAIGN}`)).status).toBe(401);
    const unknown = await fetch(`${base}/download/attempts.csv?campaign=nope&token=${server.token}`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/campaign: no campaign nope/);
    const badFilter = await fetch(
      `${base}/download/attempts.csv?campaign=${FIXTURE_CAMPAIGN}&token=${server.token}&filter=%7B%22x%22%3A1%7D`,
    );
    expect(badFilter.status).toBe(400);
    expect((await fetch(`${base}/download/other.csv?token=${server.token}`)).status).toBe(404);
    const summary = await fetch(`${base}/download/summary.csv?campaign=${FIXTURE_CAMPAIGN}&token=${server.token}`);
    expect(await summary.text()).toMatch(/^campaign_id,name,/);
  });
});
