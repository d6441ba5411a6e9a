import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkCron, checkTimeZone, nextRuns, runsBetween } from '../../electron/schedule';
import { TminusError } from '../../electron/errors';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('cron expressions in a named zone', () => {
  afterEach(() => vi.useRealTimers());

  it('names the field of a bad cron expression and the value of an unknown zone', () => {
    expect.assertions(6); // the catch below must run: a checkCron that stops throwing fails here
    expect(() => checkCron('61 8 * * *')).toThrow(/minute field.*61/);
    expect(() => checkCron('0 8 * *')).toThrow(/'0 8 \* \*' is not a cron expression.*5 or 6 fields/);
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(/timeZone: 'Mars\/Olympus' is not a known time zone/);
    try {
      checkCron('every day');
    } catch (error) {
      expect((error as TminusError).code).toBe('SCHEDULE_INVALID');
    }
    expect(() => checkCron('0 8 * * 1-5')).not.toThrow();
    expect(() => checkTimeZone('Asia/Shanghai')).not.toThrow();
  });

  it('keeps 08:00 local across the spring change (Europe/Berlin: 07:00Z, then 06:00Z)', () => {
    vi.useFakeTimers({ now: new Date('2027-03-26T12:00:00Z') });
    expect(nextRuns('0 8 * * *', 'Europe/Berlin', 3).map(iso)).toEqual([
      '2027-03-27T07:00:00.000Z',
      '2027-03-28T06:00:00.000Z',
      '2027-03-29T06:00:00.000Z',
    ]);
  });

  it('keeps 08:00 local across the autumn change (Europe/Berlin: 06:00Z, then 07:00Z)', () => {
    vi.useFakeTimers({ now: new Date('2026-10-24T12:00:00Z') });
    expect(nextRuns('0 8 * * *', 'Europe/Berlin', 2).map(iso)).toEqual([
      '2026-10-25T07:00:00.000Z',
      '2026-10-26T07:00:00.000Z',
    ]);
    // 08:00 on the 24th was 06:00Z (summer time): the run before the change.
    expect(
      runsBetween(
        '0 8 * * *',
        'Europe/Berlin',
        Date.parse('2026-10-23T12:00:00Z'),
        Date.parse('2026-10-25T12:00:00Z'),
      ).runs.map(iso),
    ).toEqual(['2026-10-24T06:00:00.000Z', '2026-10-25T07:00:00.000Z']);
  });

  it('reads the expression in its zone, not the machine zone (Asia/Shanghai 08:00 = 00:00Z)', () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T12:00:00Z') });
    expect(nextRuns('0 8 * * *', 'Asia/Shanghai', 1).map(iso)).toEqual(['2026-11-26T00:00:00.000Z']);
  });

  it('finds the runs inside a past interval, bounded', () => {
    const from = Date.parse('2026-11-01T00:00:00Z');
    const week = runsBetween('0 12 * * *', 'UTC', from, from + 7 * 86_400_000);
    expect(week.runs).toHaveLength(7);
    expect(week.truncated).toBe(false);
    const many = runsBetween('* * * * *', 'UTC', from, from + 86_400_000, 10);
    expect(many.runs).toHaveLength(10);
    expect(many.truncated).toBe(true);
  });
});
