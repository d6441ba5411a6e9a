import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir';
import { openStore, SchedulesRepository, type Store } from '../../../electron/store';
import { Scheduler, type ScheduleEngine, type ScheduleRunEvent } from '../../../electron/schedule';

const template = { name: 'morning', target: 'simulator', item: 'T1', accounts: { count: 2 } };
const iso = (ms: number): string => new Date(ms).toISOString();

class FakeEngine implements ScheduleEngine {
  created: Array<{ opensAtMs: number; scheduleId: number; name: string; template: unknown }> = [];
  active = new Set<string>();
  failNext: string | null = null;
  createFromSchedule(template: unknown, opensAtMs: number, scheduleId: number, name: string): { id: string } {
    if (this.failNext) {
      const message = this.failNext;
      this.failNext = null;
      throw new Error(message);
    }
    this.created.push({ opensAtMs, scheduleId, name, template });
    const id = `c${this.created.length}`;
    this.active.add(id);
    return { id };
  }
  arm(): { done: Promise<unknown> } {
    return { done: Promise.resolve(null) };
  }
  isActive(id: string): boolean {
    return this.active.has(id);
  }
}

describe('scheduler (node-cron, named zones, fake clock, real SQLite)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    vi.useRealTimers();
    cleanups.splice(0).forEach((cleanup) => cleanup());
  });
  const store = (): Store => {
    const dir = makeTempDir();
    const opened = openStore(dir.dir);
    cleanups.push(() => {
      opened.close();
      dir.remove();
    });
    return opened;
  };

  it('arms at 08:00 Europe/Berlin across the spring change, the open instant one minute later', async () => {
    vi.useFakeTimers({ now: new Date('2027-03-26T12:00:00Z') });
    const db = store();
    const engine = new FakeEngine();
    const runs: ScheduleRunEvent[] = [];
    const scheduler = new Scheduler({
      repository: new SchedulesRepository(db.db),
      engine,
      onRun: (event) => {
        runs.push(event);
        engine.active.clear(); // each campaign is over before the next day
      },
    });
    scheduler.start();
    const view = scheduler.add({ name: 'berlin', cron: '0 8 * * *', timeZone: 'Europe/Berlin', template });
    expect(view.next.slice(0, 2).map((run) => iso(run.armAtMs))).toEqual([
      '2027-03-27T07:00:00.000Z',
      '2027-03-28T06:00:00.000Z',
    ]);
    expect(view.next[0]!.opensAtMs - view.next[0]!.armAtMs).toBe(60_000);
    await vi.advanceTimersByTimeAsync(3 * 86_400_000);
    expect(runs.map((run) => [iso(run.runAtMs), run.state])).toEqual([
      ['2027-03-27T07:00:00.000Z', 'started'],
      ['2027-03-28T06:00:00.000Z', 'started'],
      ['2027-03-29T06:00:00.000Z', 'started'],
    ]);
    expect(engine.created.map((c) => iso(c.opensAtMs))).toEqual([
      '2027-03-27T07:01:00.000Z',
      '2027-03-28T06:01:00.000Z',
      '2027-03-29T06:01:00.000Z',
    ]);
    expect(engine.created[0]!.template).toMatchObject({ item: 'T1', accounts: { count: 2 } });
    await scheduler.stop();
  });

  it('skips a run while the previous campaign still runs, and records why', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T10:00:30Z') });
    const db = store();
    const engine = new FakeEngine();
    const runs: ScheduleRunEvent[] = [];
    const scheduler = new Scheduler({
      repository: new SchedulesRepository(db.db),
      engine,
      onRun: (event) => runs.push(event),
    });
    scheduler.start();
    const { id } = scheduler.add({ name: 'every minute', cron: '* * * * *', timeZone: 'UTC', template });
    await vi.advanceTimersByTimeAsync(60_000); // 10:01: starts c1, which keeps running
    await vi.advanceTimersByTimeAsync(60_000); // 10:02: skipped
    engine.active.clear();
    await vi.advanceTimersByTimeAsync(60_000); // 10:03: starts c2
    expect(runs.map((run) => run.state)).toEqual(['started', 'skipped-overlap', 'started']);
    expect(runs[1]!.message).toMatch(/c1 is still going/);
    expect(engine.created).toHaveLength(2);
    const view = scheduler.get(id);
    expect(view.recent.map((run) => run.state)).toEqual(['started', 'skipped-overlap', 'started']);
    expect(view.lastCampaignId).toBe('c2');
    await scheduler.stop();
  });

  it('reports the runs missed while the app was closed and does not run them late; survives the restart', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T06:00:00Z') });
    const db = store();
    const engine = new FakeEngine();
    const first = new Scheduler({ repository: new SchedulesRepository(db.db), engine });
    first.start();
    first.add({ name: 'shanghai', cron: '59 7 * * *', timeZone: 'Asia/Shanghai', template });
    await first.stop(); // shut down at 06:00Z; 07:59 Shanghai is 23:59Z
    vi.setSystemTime(new Date('2026-11-28T12:00:00Z')); // three days later, nothing ran meanwhile
    const runs: ScheduleRunEvent[] = [];
    const second = new Scheduler({
      repository: new SchedulesRepository(db.db),
      engine,
      onRun: (event) => runs.push(event),
    });
    const missed = second.start();
    expect(missed.map((run) => [iso(run.runAtMs), run.state])).toEqual([
      ['2026-11-25T23:59:00.000Z', 'missed'],
      ['2026-11-26T23:59:00.000Z', 'missed'],
      ['2026-11-27T23:59:00.000Z', 'missed'],
    ]);
    expect(missed[0]!.message).toMatch(/was not running.*not made late/);
    expect(engine.created).toHaveLength(0);
    // The schedule is still there and runs at its next instant.
    await vi.advanceTimersByTimeAsync(12 * 3_600_000);
    expect(runs.at(-1)).toMatchObject({ state: 'started', runAtMs: Date.parse('2026-11-28T23:59:00Z') });
    await second.stop();
    // A third start reports nothing new: the missed runs are recorded once.
    const third = new Scheduler({ repository: new SchedulesRepository(db.db), engine });
    expect(third.start()).toEqual([]);
    await third.stop();
  });

  it('refuses a bad schedule naming the field, and a duplicate name; disable stops the runs', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T10:00:30Z') });
    const db = store();
    const engine = new FakeEngine();
    const scheduler = new Scheduler({ repository: new SchedulesRepository(db.db), engine });
    scheduler.start();
    expect(() => scheduler.add({ name: 'x', cron: '0 25 * * *', timeZone: 'UTC', template })).toThrow(/hour field/);
    expect(() => scheduler.add({ name: 'x', cron: '0 8 * * *', timeZone: 'Moon/Base', template })).toThrow(
      /timeZone: 'Moon\/Base'/,
    );
    expect(() =>
      scheduler.add({ name: 'x', cron: '0 8 * * *', timeZone: 'UTC', template: { ...template, accounts: {} } }),
    ).toThrow(/template.accounts.count/);
    const { id } = scheduler.add({ name: 'x', cron: '* * * * *', timeZone: 'UTC', template });
    expect(() => scheduler.add({ name: 'x', cron: '* * * * *', timeZone: 'UTC', template })).toThrow(/already exists/);
    const disabled = await scheduler.setEnabled(id, false);
    expect(disabled.next).toEqual([]);
    await vi.advanceTimersByTimeAsync(180_000);
    expect(engine.created).toHaveLength(0);
    await scheduler.setEnabled(id, true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(engine.created).toHaveLength(1);
    engine.failNext = 'the built-in simulator is not running';
    engine.active.clear();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(scheduler.get(id).recent[0]).toMatchObject({ state: 'failed', message: /simulator is not running/ });
    await scheduler.remove(id);
    expect(scheduler.list()).toEqual([]);
    await scheduler.stop();
  });
});
