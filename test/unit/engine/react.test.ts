// What an account does after each answer, and the small waits the runner is made of — pinned one by one.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { react, type ReactContext } from '../../../electron/engine/react';
import { eachLimited, sleep, templateContext, type AccountRun } from '../../../electron/engine/account-run';
import { RateLimiter } from '../../../electron/engine/rate-limiter';
import type { Exchange } from '../../../electron/engine/http-exchange';
import type { Outcome } from '../../../electron/ipc/contract';

afterEach(() => vi.useRealTimers());

const answer = (headers: Record<string, string> = {}): Exchange => ({
  endpoint: 'e',
  sentLocalMs: 0,
  latencyMs: 1,
  status: 200,
  headers,
  body: null,
  networkError: null,
  raw: null,
});

const newRun = (over: Partial<AccountRun> = {}): AccountRun =>
  ({
    account: { id: 3, username: 'u3', label: 'U3' },
    key: 'tm-k',
    limiter: new RateLimiter(10, 1),
    done: false,
    outcome: null,
    retry: 2,
    recoveries: 0,
    captcha: { id: 'c', answer: 'a', confidence: 0.9 },
    captchaAsked: false,
    notBeforeMs: 0,
    tokens: { accessToken: 'A', refreshToken: 'R', accessExpiresAtMs: 0, refreshExpiresAtMs: 0 },
    armed: null,
    home: null,
    sent: false,
    unknown: false,
    satOut: null,
    heldByBreaker: false,
    cookies: null,
    vars: {},
    fields: { passengerId: 'P-1' },
    ...over,
  }) as AccountRun;

function context(over: Partial<ReactContext> = {}) {
  const soldOut = vi.fn();
  const sessions = {
    recoverFromUnauthorized: vi.fn(async () => 'refreshed' as const),
    tokens: vi.fn(() => ({ accessToken: 'NEW', refreshToken: 'R2', accessExpiresAtMs: 1, refreshExpiresAtMs: 2 })),
  };
  const ctx: ReactContext = {
    retry: { baseMs: 50, maxMs: 2_000, notOpenMs: 20 },
    clock: { nowMs: () => Date.now() },
    random: () => 1,
    sessions: sessions as unknown as ReactContext['sessions'],
    stopSignal: new AbortController().signal,
    onSoldOut: soldOut,
    ...over,
  };
  return { ctx, soldOut, sessions };
}

/** Runs react under fake timers; resolves with how long it waited. */
async function reactTimed(run: AccountRun, outcome: Outcome, reply: Exchange, ctx: ReactContext): Promise<number> {
  vi.useFakeTimers({ now: 1_000_000 });
  const started = Date.now();
  let finished = -1;
  const done = react(run, outcome, reply, ctx).then(() => (finished = Date.now()));
  await vi.runAllTimersAsync();
  await done;
  return finished - started;
}

describe('react', () => {
  it('stops the account on success and on a fatal answer, at once', async () => {
    const { ctx } = context();
    const booked = newRun();
    expect(await reactTimed(booked, 'success', answer(), ctx)).toBe(0);
    expect(booked).toMatchObject({ done: true, outcome: 'success' });
    const refused = newRun();
    expect(await reactTimed(refused, 'fatal', answer(), ctx)).toBe(0);
    expect(refused).toMatchObject({ done: true, outcome: 'fatal' });
  });

  it('stops every account on sold out (the campaign is told), without marking this one done', async () => {
    const { ctx, soldOut } = context();
    const run = newRun();
    await reactTimed(run, 'soldOut', answer(), ctx);
    expect(soldOut).toHaveBeenCalledTimes(1);
    expect(run).toMatchObject({ done: false, outcome: 'soldOut' });
  });

  it('waits the not-open interval, jittered between half and one and a half of it', async () => {
    expect(await reactTimed(newRun(), 'notOpen', answer(), context({ random: () => 0 }).ctx)).toBe(10);
    expect(await reactTimed(newRun(), 'notOpen', answer(), context({ random: () => 1 }).ctx)).toBe(30);
  });

  it("waits out a 429 for the longer of the target's Retry-After and the backoff, and holds the account's bucket", async () => {
    const run = newRun();
    const waited = await reactTimed(run, 'rateLimited', answer({ 'retry-after-ms': '700' }), context().ctx);
    expect(waited).toBe(700);
    expect(run.notBeforeMs).toBe(1_000_000 + 700);
    expect(run.limiter.reserve(1_000_000)).toBeGreaterThanOrEqual(1_000_700);
    const quiet = newRun();
    // No Retry-After: the backoff (retry 2 → up to 200 ms; random 1 → 200), never an immediate retry.
    expect(await reactTimed(quiet, 'rateLimited', answer(), context().ctx)).toBe(200);
    const zero = newRun();
    expect(await reactTimed(zero, 'rateLimited', answer(), context({ random: () => 0 }).ctx)).toBe(1);
  });

  it('drops the one-time captcha and asks for one next time on a captcha answer', async () => {
    for (const outcome of ['captchaRequired', 'captchaRejected'] as const) {
      const run = newRun();
      await reactTimed(run, outcome, answer(), context().ctx);
      expect(run).toMatchObject({ captcha: null, captchaAsked: true, done: false });
    }
  });

  it('recovers the session on a 401 with the new tokens, twice at most, then gives the account up', async () => {
    const { ctx, sessions } = context();
    const run = newRun();
    await reactTimed(run, 'unauthorized', answer(), ctx);
    expect(sessions.recoverFromUnauthorized).toHaveBeenCalledWith(3);
    expect(run).toMatchObject({ recoveries: 1, done: false, tokens: { accessToken: 'NEW' } });
    await reactTimed(run, 'unauthorized', answer(), ctx);
    expect(run.recoveries).toBe(2);
    await reactTimed(run, 'unauthorized', answer(), ctx);
    expect(run).toMatchObject({ done: true, outcome: 'unauthorized', recoveries: 2 });
    expect(sessions.recoverFromUnauthorized).toHaveBeenCalledTimes(2);
  });

  it('gives the account up when the session cannot be recovered', async () => {
    const { ctx, sessions } = context();
    sessions.recoverFromUnauthorized.mockRejectedValueOnce(new Error('bad credentials'));
    const run = newRun();
    await reactTimed(run, 'unauthorized', answer(), ctx);
    expect(run).toMatchObject({ done: true, outcome: 'unauthorized', tokens: { accessToken: 'A' } });
  });

  it('backs off a retryable answer, honouring a Retry-After (and holding the account only then)', async () => {
    const run = newRun();
    expect(await reactTimed(run, 'retryable', answer({ 'retry-after-ms': '900' }), context().ctx)).toBe(900);
    expect(run.notBeforeMs).toBe(1_000_000 + 900);
    const plain = newRun();
    expect(await reactTimed(plain, 'retryable', answer(), context({ random: () => 0.5 }).ctx)).toBe(100);
    expect(plain.notBeforeMs).toBe(0);
  });

  it('ends a wait at once when the campaign stops', async () => {
    const stop = new AbortController();
    stop.abort();
    expect(
      await reactTimed(
        newRun(),
        'rateLimited',
        answer({ 'retry-after-ms': '5000' }),
        context({ stopSignal: stop.signal }).ctx,
      ),
    ).toBe(0);
  });
});

describe('the runner’s small waits', () => {
  it('sleeps the time asked, ends early when aborted, and not at all for nothing or nonsense', async () => {
    vi.useFakeTimers({ now: 0 });
    const abort = new AbortController();
    const times: number[] = [];
    void sleep(500, abort.signal).then(() => times.push(Date.now()));
    await vi.advanceTimersByTimeAsync(499);
    expect(times).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toEqual([500]);
    void sleep(10_000, abort.signal).then(() => times.push(Date.now()));
    await vi.advanceTimersByTimeAsync(100);
    abort.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toEqual([500, 600]);
    for (const ms of [0, -5, Number.NaN]) {
      let resolved = false;
      void sleep(ms, new AbortController().signal).then(() => (resolved = true));
      await Promise.resolve();
      expect(resolved).toBe(true);
    }
  });

  it('runs every item once, never more than the limit at a time', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(item);
      running -= 1;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
    await eachLimited([], 4, async () => expect.unreachable());
  });

  it('gives templates the account, its fields, tokens and captcha, the campaign, the key and the corrected time', () => {
    const context = templateContext(newRun(), { id: 'c1', name: 'Morning', item: 'T1', openAtServerMs: 1234 }, 5678.4);
    expect(context).toEqual({
      'account.id': 3,
      'account.username': 'u3',
      'account.label': 'U3',
      'tokens.access': 'A',
      'tokens.refresh': 'R',
      'captcha.id': 'c',
      'captcha.answer': 'a',
      'campaign.id': 'c1',
      'campaign.name': 'Morning',
      'campaign.item': 'T1',
      'campaign.openAtServerMs': 1234,
      'attempt.key': 'tm-k',
      'attempt.retry': 2,
      'now.serverMs': 5678,
      'account.fields.passengerId': 'P-1',
    });
    const bare = templateContext(
      newRun({ tokens: null, captcha: null }),
      { id: 'c', name: 'n', item: 'i', openAtServerMs: 0 },
      0,
    );
    expect(bare).toMatchObject({ 'tokens.access': '', 'tokens.refresh': '', 'captcha.id': '', 'captcha.answer': '' });
  });
});

describe('react, for targets off the simulator', () => {
  it('pauses the whole client on a client-scope 429 for its Retry-After, and only the account otherwise', async () => {
    const paused: number[] = [];
    const { ctx } = context({ scope: 'client', onClientLimit: (until) => paused.push(until) });
    const waited = await reactTimed(newRun(), 'rateLimited', answer({ 'retry-after-ms': '700' }), ctx);
    expect(waited).toBeGreaterThanOrEqual(700);
    expect(paused).toEqual([1_000_000 + 700]);
    const own: number[] = [];
    const { ctx: accountScope } = context({ scope: 'account', onClientLimit: (until) => own.push(until) });
    await reactTimed(newRun(), 'rateLimited', answer({ 'retry-after-ms': '700' }), accountScope);
    expect(own).toEqual([]);
  });

  it('counts "already booked" as the account\'s booking: done, never retried', async () => {
    const run = newRun();
    const { ctx } = context();
    await reactTimed(run, 'alreadyBooked', answer(), ctx);
    expect(run).toMatchObject({ done: true, outcome: 'alreadyBooked' });
  });
});
