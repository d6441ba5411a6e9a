// What the engine benchmarks share: the simulator in a child process (so its clock and the engine's timers do not
// share an event loop), a Tminus pointed at it through a profile, the server's arrival log, and the baseline client.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { createApp, type App } from '../../electron/app';
import type { ScenarioInput } from '../../electron/sim';
import type { Arrival } from '../../electron/sim';
import { resourcesDir } from '../../electron/platform/resources-dir';
import { startSimProcess, type SimProcess } from './sim-process';

export interface Harness {
  sim: SimProcess;
  app: App;
  targetId: string;
  itemOpenAtServerMs(itemId: string): Promise<number>;
  arrivals(): Promise<Arrival[]>;
  stats(): Promise<{ bans: number; orders: number; accountsWithOrders: number; codes: Record<string, number> }>;
  reset(scenario: ScenarioInput): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  cliScript: string,
  scenario: ScenarioInput,
  accounts: number,
  limits?: string,
): Promise<Harness> {
  const sim = await startSimProcess(cliScript, scenario);
  const dir = mkdtempSync(join(tmpdir(), 'tminus-bench-engine-'));
  const app = createApp({ dataDir: dir, debugCaptchaAnswers: true });
  const targetId = 'bench-sim';
  const profileText = readFileSync(join(resourcesDir(), 'profiles', 'simulator.yaml'), 'utf8')
    .replace(/^id: simulator$/m, `id: ${targetId}`)
    .replace(/^builtin: true$/m, `builtin: false\nendpoints:\n${sim.urls.map((url) => `  - ${url}`).join('\n')}`)
    .replace(/^limits:\n( {2}.*\n)+/m, limits ?? '$&');
  app.targets.upsert(
    { id: targetId, name: 'benchmark simulator', profileText, profileFormat: 'yaml', builtin: false },
    Date.now(),
  );
  const rows = [
    'username,password',
    ...Array.from(
      { length: accounts },
      (_, n) => `user${String(n + 1).padStart(4, '0')},pass-${String(n + 1).padStart(4, '0')}`,
    ),
  ];
  const report = app.accounts.importCsv(targetId, Buffer.from(rows.join('\n')), { dryRun: false });
  if (!report.ok) throw new Error(`benchmark accounts: ${JSON.stringify(report.problems.slice(0, 3))}`);
  const admin = { authorization: `Bearer ${sim.adminToken}` };
  const getJson = async <T>(path: string): Promise<T> =>
    (await (await request(sim.urls[0] + path, { headers: admin })).body.json()) as T;
  return {
    sim,
    app,
    targetId,
    async itemOpenAtServerMs(itemId) {
      const { items } = await getJson<{ items: Array<{ id: string; openAtServerMs: number }> }>('/api/items');
      return items.find((item) => item.id === itemId)!.openAtServerMs;
    },
    async arrivals() {
      const all: Arrival[] = [];
      for (;;) {
        const { arrivals } = await getJson<{ arrivals: Arrival[] }>(
          `/admin/arrivals?after=${all.at(-1)?.seq ?? 0}&limit=100000`,
        );
        all.push(...arrivals);
        if (arrivals.length < 100_000) return all;
      }
    },
    stats: () => getJson('/admin/stats'),
    async reset(next) {
      const { stringify } = await import('yaml');
      const response = await request(sim.urls[0] + '/admin/reset', {
        method: 'POST',
        headers: admin,
        body: stringify(next),
      });
      if (response.statusCode !== 200) throw new Error(`reset failed: ${await response.body.text()}`);
      await response.body.dump();
    },
    async close() {
      await app.close();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** First book request of each account, server receive instant minus the open instant. */
export function firstArrivalOffsets(arrivals: Arrival[], openAtServerMs: number): number[] {
  const first = new Map<string, number>();
  for (const arrival of arrivals) {
    if (arrival.route.endsWith('/book') && arrival.account && !first.has(arrival.account))
      first.set(arrival.account, arrival.serverMs - openAtServerMs);
  }
  return [...first.values()];
}

export const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/**
 * The baseline: the competent simple client a user writes. `setTimeout` to the open instant read as if it were local
 * time (no offset correction), one request per account, then a retry every 100 ms — or after the target's
 * `Retry-After` when it names one — and, the way simple tools refresh, a new sign-in on a 401.
 */
export async function runBaseline(options: {
  urls: string[];
  accounts: number;
  itemId: string;
  openAtServerMs: number;
  maxDurationMs: number;
}): Promise<{ successes: number; firstSuccessLocalMs: number | null; answers: Record<number, number> }> {
  // Logins happen before the rush, 16 at a time, each retried until it works (injected faults hit them too).
  const tokens: string[] = new Array(options.accounts);
  const loginOne = async (n: number): Promise<void> => {
    const id = String(n).padStart(4, '0');
    for (let attempt = 0; ; attempt += 1) {
      try {
        const response = await request(`${options.urls[(n + attempt) % options.urls.length]}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: `user${id}`, password: `pass-${id}` }),
        });
        const body = (await response.body.json()) as { accessToken?: string };
        if (response.statusCode === 200 && body.accessToken) {
          tokens[n - 1] = body.accessToken;
          return;
        }
      } catch {
        // retried
      }
      if (attempt > 20) throw new Error(`baseline: user${id} could not log in`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  let next = 1;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next <= options.accounts) await loginOne(next++);
    }),
  );
  if (Date.now() > options.openAtServerMs - 500)
    process.stderr.write('baseline: sign-in took until the open instant\n');
  const answers: Record<number, number> = {};
  let successes = 0;
  let firstSuccessLocalMs: number | null = null;
  const deadline = options.openAtServerMs + options.maxDurationMs;
  const book = async (index: number): Promise<void> => {
    while (Date.now() < deadline) {
      let status = 0;
      let retryAfterS = 0;
      try {
        const response = await request(
          `${options.urls[index % options.urls.length]}/api/items/${options.itemId}/book`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${tokens[index]}`,
              'idempotency-key': `baseline-${index}`,
            },
            body: '{}',
            headersTimeout: 3_000,
            bodyTimeout: 3_000,
          },
        );
        status = response.statusCode;
        retryAfterS = Number(response.headers['retry-after'] ?? 0) || 0;
        await response.body.dump();
      } catch {
        status = 0;
      }
      answers[status] = (answers[status] ?? 0) + 1;
      if (status === 201) {
        successes += 1;
        firstSuccessLocalMs ??= Date.now();
        return;
      }
      if (status === 409 || status === 412) return;
      if (status === 401) {
        await loginOne(index + 1).catch(() => undefined); // the token expired: sign in again, as simple tools do
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(100, retryAfterS * 1000)));
    }
  };
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, options.openAtServerMs - Date.now())));
  await Promise.all(tokens.map((_, index) => book(index)));
  return { successes, firstSuccessLocalMs, answers };
}

/**
 * A reference, not a client: what the simulator's own intake allows. `count` sockets are opened ahead, each with a
 * pre-serialised book request; at `sendAtMs` (Date.now() scale, computed from the known skew and latency) a spin
 * releases them and every request is written in one synchronous loop. The requests carry no token (the arrival log
 * records them all the same) and are told apart by their `X-Client-Id`.
 */
export async function runIntakeFloor(options: {
  urls: string[];
  count: number;
  itemId: string;
  sendAtMs: number;
}): Promise<{ wireMs: number[]; leftLateMs: number[] }> {
  const { connect } = await import('node:net');
  const sockets = await Promise.all(
    Array.from({ length: options.count }, (_, n) => {
      const url = new URL(options.urls[n % options.urls.length]!);
      return new Promise<import('node:net').Socket>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => resolve(socket));
        socket.setNoDelay(true);
        socket.once('error', reject);
        socket.on('data', () => undefined);
      });
    }),
  );
  const payloads = sockets.map((_, n) => {
    const body = '{}';
    return Buffer.from(
      `POST /api/items/${options.itemId}/book HTTP/1.1\r\nhost: 127.0.0.1\r\nx-client-id: floor-${n}\r\n` +
        `content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
  });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, options.sendAtMs - Date.now() - 5)));
  while (performance.timeOrigin + performance.now() < options.sendAtMs) {
    /* fine wait */
  }
  // One clock read before each write, as the engine's release loop does for its record ("left the client").
  const wireMs: number[] = new Array(sockets.length);
  const startedMs: number[] = new Array(sockets.length);
  for (let n = 0; n < sockets.length; n += 1) {
    startedMs[n] = performance.now();
    sockets[n]!.write(payloads[n]!);
    wireMs[n] = performance.now();
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const socket of sockets) socket.destroy();
  const leftLateMs = startedMs.map((at) => performance.timeOrigin + at - options.sendAtMs);
  return { wireMs, leftLateMs };
}

/** The floor's requests, server receive instant minus the open instant. */
export function floorArrivalOffsets(arrivals: Arrival[], openAtServerMs: number): number[] {
  return arrivals
    .filter((arrival) => arrival.route.endsWith('/book') && arrival.client.startsWith('floor-'))
    .map((arrival) => arrival.serverMs - openAtServerMs);
}
