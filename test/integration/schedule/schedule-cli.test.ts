import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../helpers/temp-dir';

const BIN = 'bin/tminus.js';

describe('tminus schedule and tminus daemon', () => {
  it('adds, lists (zone and next run), refuses bad input by field, removes', () => {
    const temp = makeTempDir();
    try {
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [BIN, '--data-dir', temp.dir, ...args], { encoding: 'utf8', timeout: 20_000 });
      const campaign = join(temp.dir, 'campaign.yaml');
      writeFileSync(
        campaign,
        'name: morning rush\ntarget: simulator\nitem: G1\nopensAt: item\naccounts: { count: 3 }\n',
      );
      const added = run('schedule', 'add', '--cron', '59 7 * * *', '--tz', 'Asia/Shanghai', '--campaign', campaign);
      expect(added.stderr).toBe('');
      expect(added.status).toBe(0);
      expect(added.stdout).toMatch(/schedule 1 "morning rush" added: 59 7 \* \* \* in Asia\/Shanghai/);
      expect(added.stdout).toMatch(
        /arms \d{4}-\d\d-\d\dT07:59:00\.000\+08:00 {2}opens \d{4}-\d\d-\d\dT08:00:00\.000\+08:00/,
      );
      const badCron = run('schedule', 'add', '--cron', '0 24 * * *', '--tz', 'UTC', '--campaign', campaign);
      expect(badCron.status).not.toBe(0);
      expect(badCron.stderr).toMatch(/hour field/);
      const badZone = run('schedule', 'add', '--cron', '0 8 * * *', '--tz', 'Asia/Atlantis', '--campaign', campaign);
      expect(badZone.status).not.toBe(0);
      expect(badZone.stderr).toMatch(/'Asia\/Atlantis' is not a known time zone/);
      writeFileSync(campaign, 'name: broken\ntarget: simulator\nitem: G1\n');
      const badTemplate = run('schedule', 'add', '--cron', '0 8 * * *', '--tz', 'UTC', '--campaign', campaign);
      expect(badTemplate.stderr).toMatch(/template.accounts/);
      const list = run('schedule', 'list');
      expect(list.stdout).toMatch(/^1\tmorning rush\t59 7 \* \* \*\tAsia\/Shanghai\tnext arms .*\+08:00/m);
      expect(list.stdout.trim().split('\n')).toHaveLength(1); // nothing was added by the refused commands
      expect(run('schedule', 'remove', '1').stdout).toMatch(/schedule 1 removed/);
      expect(run('schedule', 'remove', '1').stderr).toMatch(/no schedule 1/);
      expect(run('schedule', 'list').stdout).toMatch(/no schedules/);
    } finally {
      temp.remove();
    }
  });

  it('runs as a daemon logging JSON lines and stops cleanly on SIGTERM', async () => {
    const temp = makeTempDir();
    const child = spawn(process.execPath, [BIN, '--data-dir', temp.dir, 'daemon'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`daemon did not start: ${out}`)), 15_000);
        child.stdout.on('data', () => {
          if (out.includes('daemon started')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      const lines = out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg: string; level: number });
      expect(lines.map((line) => line.msg)).toEqual(['daemon started', 'stopping', 'stopped']);
    } finally {
      child.kill('SIGKILL');
      temp.remove();
    }
  });
});
