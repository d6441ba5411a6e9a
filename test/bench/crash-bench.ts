// `tminus bench crash`: the fault drill. The simulator runs in its own process, losing 3% of its answers after
// committing (a foreign service's kind: a repeated key books again, one booking per account). A rush of `tminus run`
// is killed with SIGKILL at a random instant around the open, then run again with the same campaign file (which
// reconciles and resumes); some runs have the disk fill mid-rush (a real tmpfs, filled to ENOSPC, freed 1.5 s later).
// The baseline in the same run is the simple client people write: it records a booking when its answer arrives
// (one JSON line), and after a restart books again every account without a recorded success. Judged on the
// simulator's orders: bookings the record does not hold, accounts booked twice, results left unknown, deaths.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { stringify } from 'yaml';
import type { ScenarioInput } from '../../electron/sim';
import { createProgress } from '../../electron/cli/progress';
import { emitResult, markdownTable, type BenchOptions } from './bench-output';
import { startSimProcess, type SimProcess } from './sim-process';

const ACCOUNTS = 100;
const STOCK = 60;

interface Order {
  idempotencyKey: string;
  account: string;
}

interface RunTally {
  runs: number;
  orders: number;
  lostBookings: number;
  duplicates: number;
  unknownLeft: number;
  processDeaths: number;
  /** Disk runs whose rush met the fault (the summary names it): proof the disk was full while it ran. */
  faultsMet: number;
}

const emptyTally = (): RunTally => ({
  runs: 0,
  orders: 0,
  lostBookings: 0,
  duplicates: 0,
  unknownLeft: 0,
  processDeaths: 0,
  faultsMet: 0,
});

const scenario = (): ScenarioInput => ({
  name: 'bench-crash',
  seed: Math.floor(Math.random() * 1e6),
  items: [{ id: 'C', name: 'crash drill', stock: STOCK, perAccountLimit: 1, opensAt: 'in 5s' }],
  accounts: { count: ACCOUNTS },
  idempotency: 'ignored',
  nodes: {
    count: 2,
    latency: { baseMs: 15, jitterMs: 10 },
    faults: { dropResponseRate: 0.03, errorRate: 0, resetRate: 0, hangRate: 0 },
  },
  ntp: { enabled: false },
});

class DrillTarget {
  constructor(readonly sim: SimProcess) {}

  private async admin(path: string, body?: string): Promise<unknown> {
    const response = await request(this.sim.urls[0] + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${this.sim.adminToken}` },
      body,
    });
    return response.body.json();
  }

  async reset(): Promise<{ openAtServerMs: number; serverNowMs: number }> {
    const stats = (await this.admin('/admin/reset', stringify(scenario()))) as {
      nowServerMs: number;
      items: Array<{ openAtServerMs: number }>;
    };
    return { openAtServerMs: stats.items[0]!.openAtServerMs, serverNowMs: stats.nowServerMs };
  }

  async orders(): Promise<Order[]> {
    return ((await this.admin('/admin/orders')) as { orders: Order[] }).orders;
  }

  async booked(): Promise<number> {
    const { arrivals } = (await this.admin('/admin/arrivals?limit=100000')) as { arrivals: Array<{ code: string }> };
    return arrivals.filter((arrival) => arrival.code === 'BOOKED').length;
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
}

/** A process that died on its own: a signal we did not send, or an uncaught error's stack. */
const died = (exit: Exit): boolean =>
  (exit.signal !== null && exit.signal !== 'SIGKILL') ||
  (exit.code !== null && exit.code > 1) ||
  /Uncaught|^\s+at .+:\d+:\d+\)?$/m.test(exit.stderr);

function startChild(command: string, args: string[]): { exit: Promise<Exit>; kill(): void } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  child.stdout!.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  // A process still running after 90 s hangs: it is ended, and counts as a death (a signal we did not mean to send).
  let hung = false;
  const limit = setTimeout(() => {
    hung = true;
    child.kill('SIGTERM');
  }, 90_000);
  return {
    exit: new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        clearTimeout(limit);
        resolve({ code, signal: hung ? 'SIGTERM' : signal, stderr, stdout });
      }),
    ),
    kill: () => child.kill('SIGKILL'),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function accountsCsv(dir: string): string {
  const file = join(dir, 'accounts.csv');
  const rows = ['username,password'];
  for (let n = 1; n <= ACCOUNTS; n += 1)
    rows.push(`user${String(n).padStart(4, '0')},pass-${String(n).padStart(4, '0')}`);
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

function profileFile(dir: string, urls: string[]): string {
  const file = join(dir, 'drill.yaml');
  const shipped = readFileSync(join('resources', 'profiles', 'simulator.yaml'), 'utf8');
  writeFileSync(
    file,
    shipped
      .replace(/^id: simulator$/m, 'id: drill')
      .replace(/^builtin: true$/m, `builtin: false\nendpoints:\n${urls.map((url) => `  - ${url}`).join('\n')}`)
      .replace('idempotencyKeyHonoured: true', 'idempotencyKeyHonoured: false'),
  );
  return file;
}

/** Waits until `serverMs` on the simulator's clock (its skew is 0: the same as ours, less the reset's age). */
const untilServer = (serverMs: number, reference: { serverNowMs: number; atLocalMs: number }): Promise<void> =>
  sleep(Math.max(0, serverMs - reference.serverNowMs - (Date.now() - reference.atLocalMs)));

/** Writes zeros to `file` until the disk has at most `leaveBytes` free (ENOSPC when 0). */
function fillTo(file: string, dir: string, leaveBytes: number): void {
  const fd = openSync(file, 'a');
  try {
    for (const size of [1024 * 1024, 4096]) {
      const block = Buffer.alloc(size);
      while (freeBytesOf(dir) - size >= leaveBytes) writeSync(fd, block);
    }
    if (leaveBytes === 0) for (const block = Buffer.alloc(512); ;) writeSync(fd, block);
  } catch {
    // ENOSPC: the disk is full
  } finally {
    closeSync(fd);
  }
}

const freeBytesOf = (dir: string): number => {
  const stats = statfsSync(dir);
  return Number(stats.bavail) * Number(stats.bsize);
};

/**
 * Fills a tmpfs in two steps so that the moment it is full is precise: to 4 MiB free once the campaign is armed,
 * then the rest at the first booking. Returns a function that frees it all.
 */
function fillDisk(dir: string): { prefill(): void; fill(): void; free(): void } {
  const filler = join(dir, 'filler.bin');
  return {
    prefill: () => fillTo(filler, dir, 4 * 1024 * 1024),
    fill: () => fillTo(filler, dir, 0),
    free: () => rmSync(filler, { force: true }),
  };
}

/** A tmpfs of `sizeMiB` at a fresh folder (root only); null where it cannot be mounted. */
function mountSmallDisk(sizeMiB: number): { dir: string; unmount(): void } | null {
  const dir = mkdtempSync(join(tmpdir(), 'tminus-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir]);
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount: () => {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function tallyOurs(tally: RunTally, dataDir: string, orders: Order[]): void {
  const db = new Database(join(dataDir, 'tminus.db'), { readonly: true });
  try {
    const successKeys = new Set(
      (
        db.prepare("SELECT DISTINCT idempotency_key AS key FROM attempts WHERE outcome = 'success'").all() as Array<{
          key: string;
        }>
      ).map((row) => row.key),
    );
    const unknown = (
      db.prepare("SELECT count(*) AS n FROM intents WHERE state IN ('prepared', 'sent', 'unknown')").get() as {
        n: number;
      }
    ).n;
    tally.lostBookings += orders.filter((order) => !successKeys.has(order.idempotencyKey)).length;
    tally.unknownLeft += unknown;
  } finally {
    db.close();
  }
}

function countDuplicates(orders: Order[]): number {
  const perAccount = new Map<string, number>();
  for (const order of orders) perAccount.set(order.account, (perAccount.get(order.account) ?? 0) + 1);
  return [...perAccount.values()].filter((n) => n > 1).length;
}

/** One drill of ours: run, SIGKILL at `killAtServerMs` (or fill the disk), run again, reconcile until settled. */
async function drillOurs(
  target: DrillTarget,
  options: { cliScript: string; dataDir: string; profile: string; accounts: string; fillDisk: boolean },
  tally: RunTally,
): Promise<void> {
  const reset = await target.reset();
  const reference = { ...reset, atLocalMs: Date.now() };
  const campaignFile = join(options.dataDir, 'campaign.yaml');
  writeFileSync(
    campaignFile,
    stringify({
      name: 'drill',
      target: 'drill',
      item: 'C',
      opensAt: new Date(reset.openAtServerMs).toISOString(),
      accounts: { count: ACCOUNTS },
      armLeadMs: 3_000,
      limits: { maxDurationMs: 6_000 },
    }),
  );
  const args = [options.cliScript, 'run', campaignFile, '--target', options.profile, '--data-dir', options.dataDir];
  const first = startChild(process.execPath, [...args, '--accounts', options.accounts, '--json']);
  if (options.fillDisk) {
    const disk = fillDisk(options.dataDir);
    await untilServer(reset.openAtServerMs - 1_000, reference); // armed by now (arm lead 3 s)
    disk.prefill();
    while ((await target.booked()) === 0) await sleep(2);
    disk.fill();
    await sleep(1_500);
    disk.free();
    const exit = await first.exit;
    if (died(exit)) tally.processDeaths += 1;
    if (/"storageFault": \{/.test(exit.stdout)) tally.faultsMet += 1;
  } else {
    // A random instant from 200 ms before the open to 400 ms after it: arming, the first shots, the retries.
    await untilServer(reset.openAtServerMs - 200 + Math.random() * 600, reference);
    first.kill();
    await first.exit;
    const again = await startChild(process.execPath, [...args, '--json']).exit;
    if (died(again)) tally.processDeaths += 1;
  }
  for (let round = 0; round < 3; round += 1) {
    const reconciled = spawnSync(process.execPath, [options.cliScript, 'reconcile', '--data-dir', options.dataDir]);
    if (reconciled.status === 0) break;
  }
  const orders = await target.orders();
  tally.runs += 1;
  tally.orders += orders.length;
  tally.duplicates += countDuplicates(orders);
  tallyOurs(tally, options.dataDir, orders);
}

/** The simple client, as one script: sign in, wait for the instant, book, append a line per answer. */
const BASELINE_CLIENT = String.raw`
  const { appendFileSync, readFileSync, existsSync } = require('node:fs');
  const [urls, accountsFile, item, openAt, offsetMs, recordFile] = process.argv.slice(1);
  const endpoints = urls.split(',');
  const recorded = new Set(existsSync(recordFile) ? readFileSync(recordFile, 'utf8').split('\n').filter(Boolean)
    .map((line) => JSON.parse(line)).filter((row) => row.status === 201).map((row) => row.username) : []);
  const accounts = readFileSync(accountsFile, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','))
    .filter(([username]) => !recorded.has(username));
  const post = async (base, path, body, token, key) => {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    if (key) headers['idempotency-key'] = key;
    const response = await fetch(base + path, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(3000) });
    return { status: response.status, body: await response.json().catch(() => ({})) };
  };
  (async () => {
    const deadline = Date.now() + Math.max(0, Number(openAt) - Number(offsetMs) - Date.now()) + 6000;
    await Promise.all(accounts.map(async ([username, password], index) => {
      const base = endpoints[index % endpoints.length];
      let token = null;
      for (let tries = 0; !token && tries < 5; tries += 1) {
        try { const r = await post(base, '/api/login', { username, password }); if (r.status === 200) token = r.body.accessToken; } catch {}
      }
      if (!token) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(openAt) - Number(offsetMs) - Date.now())));
      const key = 'bl-' + username + '-' + item;
      for (let retry = 0; Date.now() < deadline; retry += 1) {
        let answer;
        try { answer = await post(base, '/api/items/' + item + '/book', {}, token, key); }
        catch { await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(retry, 5) * Math.random())); continue; }
        appendFileSync(recordFile, JSON.stringify({ username, status: answer.status, code: answer.body.code }) + '\n');
        if (answer.status === 201 || answer.status === 409) return;
        await new Promise((r) => setTimeout(r, answer.status === 425 ? 15 : 50 * 2 ** Math.min(retry, 5) * Math.random()));
      }
    }));
  })();
`;

async function drillBaseline(
  target: DrillTarget,
  options: { dataDir: string; accounts: string; fillDisk: boolean },
  tally: RunTally,
): Promise<void> {
  const reset = await target.reset();
  const reference = { ...reset, atLocalMs: Date.now() };
  const record = join(options.dataDir, 'baseline-record.jsonl');
  rmSync(record, { force: true });
  const offsetMs = reset.serverNowMs - reference.atLocalMs;
  const args = [
    '-e',
    BASELINE_CLIENT,
    target.sim.urls.join(','),
    options.accounts,
    'C',
    String(reset.openAtServerMs),
    String(offsetMs),
    record,
  ];
  const first = startChild(process.execPath, args);
  if (options.fillDisk) {
    const disk = fillDisk(options.dataDir);
    await untilServer(reset.openAtServerMs - 1_000, reference);
    disk.prefill();
    while ((await target.booked()) === 0) await sleep(2);
    disk.fill();
    await sleep(1_500);
    disk.free();
    if (died(await first.exit)) tally.processDeaths += 1;
  } else {
    await untilServer(reset.openAtServerMs - 200 + Math.random() * 600, reference);
    first.kill();
    await first.exit;
    if (died(await startChild(process.execPath, args).exit)) tally.processDeaths += 1;
  }
  const orders = await target.orders();
  const lines = readFileSync(record, 'utf8').split('\n').filter(Boolean);
  const booked = new Set(
    lines
      .map((line) => JSON.parse(line) as { username: string; status: number })
      .filter((row) => row.status === 201)
      .map((row) => row.username),
  );
  tally.runs += 1;
  tally.orders += orders.length;
  tally.duplicates += countDuplicates(orders);
  tally.lostBookings += orders.filter((order) => !booked.has(order.account)).length;
}

export async function runCrashBench(options: BenchOptions): Promise<void> {
  const kills = options.quick ? 5 : 20;
  const diskRuns = options.quick ? 1 : 3;
  const progress = createProgress(2 * (kills + diskRuns));
  const sim = await startSimProcess(options.cliScript, scenario());
  const target = new DrillTarget(sim);
  const ours = emptyTally();
  const baseline = emptyTally();
  const oursDisk = emptyTally();
  const baselineDisk = emptyTally();
  let diskNote = '';
  try {
    for (let run = 0; run < kills; run += 1) {
      progress.step(`ours: SIGKILL around the open, run again (${run + 1}/${kills})`);
      const dataDir = mkdtempSync(join(tmpdir(), 'tminus-crash-'));
      try {
        await drillOurs(
          target,
          {
            cliScript: options.cliScript,
            dataDir,
            profile: profileFile(dataDir, sim.urls),
            accounts: accountsCsv(dataDir),
            fillDisk: false,
          },
          ours,
        );
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
      progress.step(`baseline: SIGKILL around the open, run again (${run + 1}/${kills})`);
      const baseDir = mkdtempSync(join(tmpdir(), 'tminus-crash-base-'));
      try {
        await drillBaseline(target, { dataDir: baseDir, accounts: accountsCsv(baseDir), fillDisk: false }, baseline);
      } finally {
        rmSync(baseDir, { recursive: true, force: true });
      }
    }
    for (let run = 0; run < diskRuns; run += 1) {
      // 96 MiB: above the 64 MiB free-space margin at arm, filled to ENOSPC at the first booking.
      const disk = mountSmallDisk(96);
      if (!disk) {
        diskNote = 'disk runs skipped: mounting a tmpfs needs root';
        break;
      }
      try {
        progress.step(`ours: the disk fills at the first booking, freed 1.5 s later (${run + 1}/${diskRuns})`);
        const dataDir = join(disk.dir, 'ours');
        mkdirSync(dataDir);
        await drillOurs(
          target,
          {
            cliScript: options.cliScript,
            dataDir,
            profile: profileFile(dataDir, sim.urls),
            accounts: accountsCsv(dataDir),
            fillDisk: true,
          },
          oursDisk,
        );
        rmSync(dataDir, { recursive: true, force: true });
        progress.step(`baseline: the disk fills at the first booking (${run + 1}/${diskRuns})`);
        const baseDir = join(disk.dir, 'baseline');
        mkdirSync(baseDir);
        await drillBaseline(target, { dataDir: baseDir, accounts: accountsCsv(baseDir), fillDisk: true }, baselineDisk);
      } finally {
        disk.unmount();
      }
    }
  } finally {
    progress.done();
    await sim.stop();
  }
  const sum = (a: RunTally, b: RunTally): RunTally => ({
    runs: a.runs + b.runs,
    orders: a.orders + b.orders,
    lostBookings: a.lostBookings + b.lostBookings,
    duplicates: a.duplicates + b.duplicates,
    unknownLeft: a.unknownLeft + b.unknownLeft,
    processDeaths: a.processDeaths + b.processDeaths,
    faultsMet: a.faultsMet + b.faultsMet,
  });
  const crash = sum(ours, oursDisk);
  const base = sum(baseline, baselineDisk);
  const row = (name: string, t: RunTally, unknown: boolean): Array<string | number> => [
    name,
    t.runs,
    t.orders,
    t.lostBookings,
    t.duplicates,
    unknown ? t.unknownLeft : '—',
    t.processDeaths,
    unknown && name.includes('disk') ? `${t.faultsMet} of ${t.runs}` : '—',
  ];
  const table = markdownTable(
    ['client', 'runs', 'orders made', 'lost bookings', 'duplicates', 'unknown left', 'process deaths', 'fault met'],
    [
      row('Tminus, killed around the open', ours, true),
      row('Tminus, disk full mid-rush', oursDisk, true),
      row('baseline, killed around the open', baseline, false),
      row('baseline, disk full mid-rush', baselineDisk, false),
    ],
  );
  emitResult(options, diskNote ? `${table}\n\n${diskNote}` : table, {
    benchmark: 'crash',
    quick: options.quick,
    crash: { ...crash, killRuns: ours.runs, diskRuns: oursDisk.runs },
    baseline: { ...base, killRuns: baseline.runs, diskRuns: baselineDisk.runs },
    goals: {
      lostBookings: crash.lostBookings === 0,
      duplicates: crash.duplicates === 0,
      unknownLeft: crash.unknownLeft === 0,
      processDeaths: crash.processDeaths === 0,
    },
    note: diskNote || null,
  });
}
