// Everything a timer or a bucket must hold is bounded where it is read, and a long wait is slept in steps.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CampaignSpecSchema } from '../../electron/engine/campaign-spec';
import { setLongTimeout, MAX_TIMER_MS } from '../../electron/common/long-timer';
import { sleep } from '../../electron/engine/account-run';

afterEach(() => {
  vi.useRealTimers();
});

const spec = (extra: Record<string, unknown>) =>
  CampaignSpecSchema.safeParse({
    name: 'x',
    target: 'simulator',
    item: 'T1',
    opensAt: 'in 5s',
    accounts: { count: 1 },
    ...extra,
  });

const firstIssue = (result: ReturnType<typeof spec>): string =>
  result.success ? 'accepted' : `${result.error.issues[0]!.path.join('.')}: ${result.error.issues[0]!.message}`;

describe('bounded campaign fields', () => {
  it.each([
    [{ limits: { accountRatePerSec: 1e-9 } }, /^limits\.accountRatePerSec: /],
    [{ limits: { targetRatePerSec: 1e9 } }, /^limits\.targetRatePerSec: /],
    [{ clockSyncEveryMs: 1e14 }, /^clockSyncEveryMs: /],
    [{ opensAt: 'in 99999999999h' }, /^opensAt: .*at most a year ahead/],
    [{ opensAt: '2999-01-01T00:00:00Z' }, /^opensAt: .*from 2000 to 2200/],
    [{ timeZone: 'Mars/Olympus' }, /^timeZone: 'Mars\/Olympus' is not a known time zone/],
  ])('refuses %j, naming the field', (extra, reason) => {
    expect(firstIssue(spec(extra))).toMatch(reason);
  });

  it('accepts the edges', () => {
    expect(firstIssue(spec({ limits: { accountRatePerSec: 1 / 3600 }, clockSyncEveryMs: 3_600_000 }))).toBe('accepted');
    expect(firstIssue(spec({ opensAt: 'in 8784h', timeZone: 'Asia/Shanghai' }))).toBe('accepted');
  });
});

describe('long waits', () => {
  it('arms a campaign 600 hours away after 600 hours, not at once', () => {
    vi.useFakeTimers();
    const dueAt = Date.now() + 600 * 3_600_000;
    const fired = vi.fn();
    setLongTimeout(fired, () => dueAt - Date.now());
    vi.advanceTimersByTime(MAX_TIMER_MS + 1); // past what one setTimeout holds
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(600 * 3_600_000 - MAX_TIMER_MS - 2);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10 * 60_000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('re-reads the deadline as the clock estimate improves', () => {
    vi.useFakeTimers();
    let offsetMs = 0;
    const dueAt = Date.now() + 3 * 3_600_000;
    const fired = vi.fn();
    setLongTimeout(fired, () => dueAt - (Date.now() + offsetMs));
    vi.advanceTimersByTime(60 * 60_000);
    offsetMs = 2 * 3_600_000; // the target's clock turns out to be two hours ahead
    vi.advanceTimersByTime(10 * 60_000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('holds a Retry-After of years at the timer limit instead of firing at once', async () => {
    vi.useFakeTimers();
    const done = vi.fn();
    void sleep(1e12, new AbortController().signal).then(done);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(done).not.toHaveBeenCalled();
  });
});
