import { createServer, type AddressInfo } from 'node:net';
import { openStore, TargetsRepository } from '../../electron/store';
import { simulatorProfileText } from '../helpers/simulator-profile';
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { makeTempDir } from '../helpers/temp-dir';

const BIN = 'bin/tminus.js';
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 15_000 });

describe('tminus command line', () => {
  it('prints its version', () => {
    const result = run('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('lists serve in its help', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/serve/);
    expect(result.stdout).toMatch(/--data-dir/);
  });

  it('rejects an unknown option and a bad port with one line and a non-zero exit', () => {
    const unknown = run('--bogus');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/--bogus/);
    const badPort = run('serve', '--port', 'eighty');
    expect(badPort.status).not.toBe(0);
    expect(badPort.stderr.trim().split('\n')).toHaveLength(1);
    expect(badPort.stderr).toMatch(/eighty/);
  });

  it('serves the console on 127.0.0.1 with a token URL, in the data directory it was given', async () => {
    const temp = makeTempDir();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', temp.dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += String(chunk);
          const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(out);
          if (match) resolve(match[0]);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const page = await fetch(url.split('#')[0]!);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGTERM');
      temp.remove();
    }
  });

  it('honours TMINUS_HOME when --data-dir is absent', async () => {
    const temp = makeTempDir();
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, TMINUS_HOME: temp.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const out = await new Promise<string>((resolve) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += String(chunk);
          if (text.includes('data directory')) resolve(text);
        });
      });
      expect(out).toContain(`data directory: ${temp.dir}`);
    } finally {
      child.kill('SIGTERM');
      temp.remove();
    }
  });

  it('lists the simulator accounts as CSV, for the shipped and a given scenario', () => {
    const shipped = run('sim', 'accounts', '--csv');
    expect(shipped.status).toBe(0);
    const lines = shipped.stdout.trim().split(/\r?\n/);
    expect(lines[0]).toBe('username,password');
    expect(lines).toHaveLength(51);
    expect(lines[1]).toBe('user0001,pass-0001');
    const rush = run('sim', '--scenario', 'resources/scenarios/rush.yaml', 'accounts', '--csv');
    expect(rush.stdout.trim().split(/\r?\n/)).toHaveLength(1001);
  });

  it('runs the simulator until stopped, and refuses a bad scenario naming the field', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const info = await new Promise<{ urls: string[] }>((resolve) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += String(chunk);
          if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { urls: string[] });
        });
      });
      expect(info.urls).toHaveLength(2);
      const items = (await (await fetch(`${info.urls[1]}/api/items`)).json()) as { items: Array<{ id: string }> };
      expect(items.items.map((item) => item.id)).toEqual(['G1234', 'CONCERT-A']);
    } finally {
      child.kill('SIGTERM');
    }
    const temp = makeTempDir();
    const file = `${temp.dir}/bad.yaml`;
    writeFileSync(file, 'items:\n  - { id: A, name: A, stock: lots, opensAt: 0 }\naccounts: { count: 1 }\n');
    const bad = run('sim', '--scenario', file);
    temp.remove();
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/items\.0\.stock: .*line 2/);
  });
});

describe('tminus bench sim', () => {
  it('runs quickly end to end and writes the figures as JSON', () => {
    const temp = makeTempDir();
    const file = `${temp.dir}/sim.json`;
    const result = spawnSync(process.execPath, [BIN, 'bench', 'sim', '--quick', '--json', file], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\| simulator POST book \|/);
    const figures = JSON.parse(readFileSync(file, 'utf8')) as {
      time: { requestsPerSec: number; errors: number };
      book: { requestsPerSec: number; non2xx: number };
      baseline: { time: { requestsPerSec: number } };
    };
    temp.remove();
    expect(figures.time.requestsPerSec).toBeGreaterThan(0);
    expect(figures.book.requestsPerSec).toBeGreaterThan(0);
    expect(figures.book.non2xx).toBe(0);
    expect(figures.baseline.time.requestsPerSec).toBeGreaterThan(0);
  }, 60_000);
});

describe('tminus clock probe', () => {
  it('prints offset ± bound per source and combined, against a running simulator', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const info = await new Promise<{ urls: string[]; ntpPort: number }>((resolve) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += String(chunk);
          if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { urls: string[]; ntpPort: number });
        });
      });
      const probe = spawnSync(
        process.execPath,
        [
          BIN,
          'clock',
          'probe',
          '--ntp',
          `127.0.0.1:${info.ntpPort}`,
          '--http',
          `${info.urls[0]}/api/time`,
          '--field',
          'serverTimeMs',
          '--samples',
          '4',
          '--json',
        ],
        { encoding: 'utf8', timeout: 20_000 },
      );
      expect(probe.status).toBe(0);
      const report = JSON.parse(probe.stdout) as {
        combined: { offsetMs: number; boundMs: number };
        sources: unknown[];
      };
      expect(report.sources).toHaveLength(2);
      // The default scenario's server clock is 1.5 s fast.
      expect(Math.abs(report.combined.offsetMs - 1500)).toBeLessThanOrEqual(report.combined.boundMs + 1);

      // --target: the time source a target's profile names, against its endpoint.
      const temp = makeTempDir();
      try {
        const store = openStore(temp.dir);
        const profileText = simulatorProfileText()
          .replace(/^id: simulator$/m, 'id: remote')
          .replace(/^builtin: true$/m, `builtin: false\nendpoints: ['${info.urls[0]}']`);
        new TargetsRepository(store.db).upsert(
          { id: 'remote', name: 'remote', profileText, profileFormat: 'yaml', builtin: false },
          Date.now(),
        );
        store.close();
        const byTarget = run('clock', 'probe', '--target', 'remote', '--samples', '4', '--data-dir', temp.dir);
        expect(byTarget.status, byTarget.stderr).toBe(0);
        expect(byTarget.stdout).toMatch(/api\/time.* \+1[45]\d\d\.\d+ ms ±/);
        const unknown = run('clock', 'probe', '--target', 'nope', '--data-dir', temp.dir);
        expect(unknown.status).toBe(1);
        expect(unknown.stderr).toMatch(/--target: unknown target 'nope'/);
      } finally {
        temp.remove();
      }
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses to probe without a source, and --field without --http', () => {
    const none = run('clock', 'probe');
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/at least one time source/);
    const fieldOnly = run('clock', 'probe', '--field', 'serverTimeMs');
    expect(fieldOnly.status).toBe(1);
    expect(fieldOnly.stderr).toMatch(/--field and --date-header need --http URL/);
  });
});

describe('tminus run', () => {
  it('runs a campaign against the built-in simulator it starts itself, and prints a JSON summary', () => {
    const temp = makeTempDir();
    writeFileSync(
      `${temp.dir}/scenario.yaml`,
      'name: quick\nclock: { skewMs: 800 }\nitems:\n  - { id: Q1, name: Quick, stock: 3, opensAt: in 4s }\naccounts: { count: 6 }\n',
    );
    writeFileSync(
      `${temp.dir}/campaign.yaml`,
      `name: quick\ntarget: simulator\nitem: Q1\nopensAt: item\naccounts: { count: 5 }\nlimits: { maxDurationMs: 3000 }\nsimulator: { scenario: ${temp.dir}/scenario.yaml }\n`,
    );
    const result = spawnSync(
      process.execPath,
      [BIN, 'run', `${temp.dir}/campaign.yaml`, '--json', '--data-dir', `${temp.dir}/data`],
      {
        encoding: 'utf8',
        timeout: 40_000,
      },
    );
    // The campaign is then listed by its short id, shown by a prefix of it, and exported to stdout.
    const data = ['--data-dir', `${temp.dir}/data`];
    const listed = run('campaigns', 'list', ...data);
    const show = run('campaigns', 'show', listed.stdout.split('\n')[1]!.slice(0, 6), ...data);
    const exported = run(
      'export',
      'summary',
      '--campaign',
      listed.stdout.split('\n')[1]!.slice(0, 8),
      '--out',
      '-',
      ...data,
    );
    const tooShort = run('campaigns', 'show', 'ab', ...data);
    temp.remove();
    expect(result.status, result.stderr).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID +STATE +OPENS \(target zone\) +TARGET +ITEM +BOOKED +NAME$/);
    expect(listed.stdout.split('\n')[1]).toMatch(
      /^[0-9a-f]{8} +completed +\S+ Asia\/Shanghai +simulator +Q1 +3 +quick$/,
    );
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^booked +3$/m);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout.split('\n')[0]).toMatch(/^campaign_id,name,target,item,state/);
    expect(exported.stdout.split('\n')[1]).toMatch(/,quick,simulator,Q1,completed,/);
    expect(exported.stderr).toMatch(/1 row\(s\) written to stdout/);
    expect(tooShort.status).toBe(1);
    expect(tooShort.stderr).toMatch(/no campaign ab \(a short id needs at least 4 characters\)/);
    const summary = JSON.parse(result.stdout) as {
      state: string;
      successes: number;
      soldOut: boolean;
      offsetMs: number;
    };
    expect(summary).toMatchObject({ state: 'completed', successes: 3, soldOut: true });
    expect(Math.abs(summary.offsetMs - 800)).toBeLessThan(10);
  }, 45_000);

  it('exits non-zero, naming the port, when the port it is to serve on is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const temp = makeTempDir();
    try {
      const result = spawnSync(process.execPath, [BIN, 'serve', '--port', String(port), '--data-dir', temp.dir], {
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`--port: ${port} is taken on 127.0.0.1`);
    } finally {
      taken.close();
      temp.remove();
    }
  });

  it('refuses a campaign file with a bad field, naming it and its line, before anything runs', () => {
    const temp = makeTempDir();
    writeFileSync(
      `${temp.dir}/bad.yaml`,
      'name: x\ntarget: simulator\nitem: T\nopensAt: tomorrow\naccounts: { count: 0 }\n',
    );
    const result = run('run', `${temp.dir}/bad.yaml`, '--data-dir', `${temp.dir}/data`);
    temp.remove();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/opensAt: .*line 4/);
    expect(result.stderr).toMatch(/accounts\.count: .*line 5/);
  });
});
