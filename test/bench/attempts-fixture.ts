// A campaign with many synthetic attempts in a real store, for the reports and export benchmarks: 1,000 accounts
// (usernames with Chinese text and formula-looking ones), three endpoints, realistic mixes of outcomes, latencies,
// fire offsets, retries and captcha confidences. Deterministic (seeded).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { CampaignsRepository, TargetsRepository } from '../../electron/store';
import { resourcesDir } from '../../electron/platform/resources-dir';
import { SeededRandom } from '../../electron/sim/random';
import type { Outcome } from '../../electron/ipc/contract';

export const FIXTURE_CAMPAIGN = 'bench-campaign';
export const FIXTURE_OPEN_MS = Date.parse('2026-11-26T00:00:00Z');

export function seedAttempts(db: Database.Database, count: number, onProgress?: (fraction: number) => void): void {
  const now = Date.now();
  new TargetsRepository(db).upsert(
    {
      id: 'simulator',
      name: 'Rehearsal',
      profileText: readFileSync(join(resourcesDir(), 'profiles', 'simulator.yaml'), 'utf8'),
      profileFormat: 'yaml',
      builtin: true,
    },
    now,
  );
  const insertAccount = db.prepare(
    "INSERT INTO accounts (target_id, username, created_at_ms, updated_at_ms) VALUES ('simulator', ?, ?, ?)",
  );
  const accountIds: number[] = [];
  db.transaction(() => {
    for (let n = 0; n < 1_000; n += 1) {
      const name = n % 100 === 7 ? `=HYPERLINK("x${n}")` : n % 10 === 3 ? `用户${n},"张"` : `user${n}`;
      accountIds.push(Number(insertAccount.run(name, now, now).lastInsertRowid));
    }
  })();
  new CampaignsRepository(db).insert(
    {
      id: FIXTURE_CAMPAIGN,
      targetId: 'simulator',
      name: '早八点 rush',
      itemId: 'G1234',
      openAtServerMs: FIXTURE_OPEN_MS,
      timeZone: 'Asia/Shanghai',
      spec: {},
    },
    now,
  );
  const insert = db.prepare(`INSERT INTO attempts (campaign_id, account_id, item_id, endpoint, idempotency_key, retry,
      planned_send_local_ms, planned_send_server_ms, sent_local_ms, sent_server_ms, server_received_ms, latency_ms,
      http_status, outcome, error_code, error_message, captcha_confidence, order_id)
    VALUES (?, ?, 'G1234', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const random = new SeededRandom(42);
  const endpoints = ['http://127.0.0.1:8081', 'http://127.0.0.1:8082', 'http://127.0.0.1:8083'];
  const outcomes: Array<[Outcome, number, string | null]> = [
    ['notOpen', 409, 'NOT_OPEN'],
    ['rateLimited', 429, 'RATE_LIMITED'],
    ['retryable', 503, 'OVERLOADED'],
    ['soldOut', 410, 'SOLD_OUT'],
    ['captchaRejected', 400, 'CAPTCHA_WRONG'],
    ['success', 201, null],
  ];
  const batch = 20_000;
  for (let start = 0; start < count; start += batch) {
    db.transaction(() => {
      for (let n = start; n < Math.min(count, start + batch); n += 1) {
        const account = accountIds[n % accountIds.length]!;
        const retry = Math.floor(n / accountIds.length) % 12;
        const planned = FIXTURE_OPEN_MS - 1_500 + retry * 60;
        const sent = planned + random.next() * 4;
        const latency = random.next() < 0.02 ? null : 3 + random.next() * random.next() * 400;
        const [outcome, status, code] = outcomes[Math.floor(random.next() * outcomes.length)]!;
        insert.run(
          FIXTURE_CAMPAIGN,
          account,
          endpoints[n % endpoints.length]!,
          `key-${account}`,
          retry,
          planned,
          planned + 1_500,
          sent,
          sent + 1_500,
          latency === null ? null : sent + 1_500 + latency / 2,
          latency,
          latency === null ? null : status,
          latency === null ? 'retryable' : outcome,
          latency === null ? 'ECONNRESET' : code,
          latency === null ? 'socket reset, "peer" closed\nmid-answer' : null,
          n % 4 === 0 ? random.next() : null,
          outcome === 'success' ? `+order-${n}` : null,
        );
      }
    })();
    onProgress?.(Math.min(1, (start + batch) / count));
  }
  db.pragma('optimize');
}
