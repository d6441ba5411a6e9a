// What the never-twice promise rests on, unit by unit: the stable key, what an answer means (classifier), when an
// answer may hide a booking, the order lookup's reading of the target's answer, the marks an answer proves, settling
// by lookup, and the target's requested waits.
import { describe, expect, it, vi } from 'vitest';
import { idempotencyKey } from '../../../electron/engine/idempotency-key';
import { classify } from '../../../electron/engine/classifier';
import { backoffMs, retryAfterMs } from '../../../electron/engine/backoff';
import { lookupOrder, mayHaveBooked } from '../../../electron/engine/order-lookup';
import { closingMarks, marksForAnswer, settleByLookup, type LookupDeps } from '../../../electron/engine/intent-settler';
import type { Exchange } from '../../../electron/engine/http-exchange';
import type { AccountRun } from '../../../electron/engine/account-run';
import { simulatorProfile } from '../../helpers/simulator-profile';
import type { OutcomeMatcher } from '../../../electron/targets/profile-schema';

const answer = (over: Partial<Exchange> = {}): Exchange => ({
  endpoint: 'http://127.0.0.1:1',
  sentLocalMs: 100,
  latencyMs: 5,
  status: 200,
  headers: {},
  body: null,
  networkError: null,
  raw: null,
  ...over,
});
const lost = (code: string): Exchange => answer({ status: null, latencyMs: null, networkError: code });
const run = (over: Partial<AccountRun> = {}): AccountRun =>
  ({ account: { id: 7 }, key: 'k', unknown: false, sent: false, outcome: null, ...over }) as AccountRun;

describe('idempotency key', () => {
  it('is stable, prefixed, and differs when any part differs — with no collision across the separators', () => {
    const key = idempotencyKey('c1', 7, 'T1');
    expect(key).toBe(idempotencyKey('c1', 7, 'T1'));
    expect(key).toMatch(/^tm-[A-Za-z0-9_-]{26}$/);
    const others = [
      idempotencyKey('c2', 7, 'T1'),
      idempotencyKey('c1', 8, 'T1'),
      idempotencyKey('c1', 7, 'T2'),
      idempotencyKey('c11', 2, 'T1'),
      idempotencyKey('c1', 12, 'T1'),
    ];
    expect(new Set([key, ...others]).size).toBe(6);
  });
});

describe('classifier', () => {
  const matchers: OutcomeMatcher[] = [
    { status: 201, outcome: 'success', scope: 'account', extract: { orderId: 'orderId' } },
    { status: [409], when: "code == 'SOLD_OUT'", outcome: 'soldOut', scope: 'account', extract: {} },
    { status: 400, when: 'items', outcome: 'captchaRequired', scope: 'account', extract: {} },
    { network: true, outcome: 'retryable', scope: 'account', extract: {} },
    { status: 418, outcome: 'notOpen', scope: 'account', extract: {} },
  ];

  it('takes the first matcher whose status and test match, with its extractions and the error code', () => {
    expect(classify(answer({ status: 201, body: { orderId: 'O1', code: 'BOOKED' } }), matchers, 'code')).toEqual({
      outcome: 'success',
      errorCode: 'BOOKED',
      extracted: { orderId: 'O1' },
      scope: 'account',
    });
    expect(classify(answer({ status: 409, body: { code: 'SOLD_OUT' } }), matchers, 'code').outcome).toBe('soldOut');
  });

  it('reads a `when` test as truthy only for a real value: null, false, empty text and an empty list fail it', () => {
    for (const items of [null, false, '', []])
      expect(classify(answer({ status: 400, body: { items } }), matchers, 'code').outcome).toBe('fatal');
    for (const items of [[1], 'x', 0 === 0, { a: 1 }])
      expect(classify(answer({ status: 400, body: { items } }), matchers, 'code').outcome).toBe('captchaRequired');
  });

  it('gives an answer no matcher takes as fatal, coded by its status; a body error code wins', () => {
    expect(classify(answer({ status: 409, body: { code: 'LIMIT' } }), matchers, 'code')).toEqual({
      outcome: 'fatal',
      errorCode: 'LIMIT',
      extracted: {},
      scope: 'account',
    });
    expect(classify(answer({ status: 500, body: 'not json' }), matchers, 'code').errorCode).toBe('HTTP_500');
    expect(classify(answer({ status: 418 }), matchers, 'code')).toMatchObject({
      outcome: 'notOpen',
      errorCode: 'HTTP_418',
    });
  });

  it('gives a network failure the network matcher, else retryable, with the network code', () => {
    expect(classify(lost('ECONNRESET'), matchers, 'code')).toEqual({
      outcome: 'retryable',
      errorCode: 'ECONNRESET',
      extracted: {},
      scope: 'account',
    });
    const fatalOnNetwork: OutcomeMatcher[] = [{ network: true, outcome: 'fatal', scope: 'account', extract: {} }];
    expect(classify(lost('ETIMEDOUT'), fatalOnNetwork, 'code').outcome).toBe('fatal');
    expect(classify(lost('ETIMEDOUT'), [{ outcome: 'success', scope: 'account', extract: {} }], 'code').outcome).toBe(
      'retryable',
    );
  });

  it('does not let a network matcher take an HTTP answer, nor a bad expression throw', () => {
    expect(
      classify(answer({ status: 503 }), [{ network: true, outcome: 'success', scope: 'account', extract: {} }], 'code')
        .outcome,
    ).toBe('fatal');
    expect(classify(answer({ status: 200, body: { a: 1 } }), [], 'code(').outcome).toBe('fatal');
  });
});

describe('Retry-After', () => {
  it('prefers the exact Retry-After-Ms, then seconds, then an HTTP date; null when absent or unreadable', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, 0)).toBe(250);
    expect(retryAfterMs({ 'retry-after-ms': '0' }, 0)).toBe(0);
    expect(retryAfterMs({ 'retry-after-ms': '-5', 'retry-after': '2' }, 0)).toBe(2_000);
    expect(retryAfterMs({ 'retry-after-ms': 'soon', 'retry-after': '2' }, 0)).toBe(2_000);
    expect(retryAfterMs({ 'retry-after': ['3', '9'] }, 0)).toBe(3_000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }, Date.UTC(2025, 0, 1))).toBe(10_000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }, Date.UTC(2025, 0, 2))).toBe(0);
    expect(retryAfterMs({ 'retry-after': '-4' }, 0)).toBe(0);
    expect(retryAfterMs({}, 0)).toBeNull();
    expect(retryAfterMs({ 'retry-after': 'later' }, 0)).toBeNull();
  });

  it('backs off with full jitter under a cap that doubles per retry', () => {
    expect(backoffMs(0, 50, 2_000, () => 1)).toBe(50);
    expect(backoffMs(3, 50, 2_000, () => 1)).toBe(400);
    expect(backoffMs(10, 50, 2_000, () => 1)).toBe(2_000);
    expect(backoffMs(100, 50, 2_000, () => 0.5)).toBe(1_000);
    expect(backoffMs(3, 50, 2_000, () => 0)).toBe(0);
  });
});

describe('answers that may hide a booking', () => {
  it.each(['ETIMEDOUT', 'ECONNRESET', 'HPE_INVALID_RESPONSE', 'UND_ERR_SOCKET'])('a lost answer (%s) may', (code) => {
    expect(mayHaveBooked(lost(code))).toBe(true);
  });
  it.each([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_INVALID_ARG',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'CERT_HAS_EXPIRED',
  ])('a request that never left (%s) may not', (code) => expect(mayHaveBooked(lost(code))).toBe(false));
  it('a failure with no code may (nothing says it never left)', () => {
    expect(mayHaveBooked(answer({ status: null, networkError: null }))).toBe(true);
  });

  it('gateway errors may; answers the target gave on purpose may not', () => {
    for (const status of [500, 502, 504]) expect(mayHaveBooked(answer({ status }))).toBe(true);
    for (const status of [200, 201, 409, 425, 429, 503, 401]) expect(mayHaveBooked(answer({ status }))).toBe(false);
  });
});

describe('order lookup', () => {
  const profile = simulatorProfile();
  const context = { 'attempt.key': 'tm-abc', 'tokens.access': 'T' };

  it('renders the lookup from the profile with the session header, and reads found / not found / failed', async () => {
    const sent: unknown[] = [];
    const found = await lookupOrder(profile, context, async (request) => {
      sent.push(request);
      return answer({ status: 200, body: { code: 'CONFIRMED', orderId: 'O7' } });
    });
    expect(sent).toEqual([
      expect.objectContaining({ method: 'GET', path: '/api/orders/tm-abc', headers: { authorization: 'Bearer T' } }),
    ]);
    expect(found).toMatchObject({ kind: 'found', orderId: 'O7' });
    const none = await lookupOrder(profile, context, async () =>
      answer({ status: 404, body: { code: 'ORDER_NOT_FOUND' } }),
    );
    expect(none.kind).toBe('notFound');
  });

  it('settles nothing on any other answer: a 404 of another kind, 401, 429, 5xx, no answer', async () => {
    const cases: Array<[Exchange, Record<string, unknown>]> = [
      [answer({ status: 404, body: { code: 'NO_ROUTE' } }), { error: 'NO_ROUTE', unauthorized: false }],
      [answer({ status: 401, body: { code: 'TOKEN_EXPIRED' } }), { unauthorized: true }],
      [answer({ status: 429, headers: { 'retry-after-ms': '700' } }), { retryAfterMs: 700, error: 'HTTP_429' }],
      [answer({ status: 502 }), { error: 'HTTP_502', retryAfterMs: null }],
      [lost('ETIMEDOUT'), { error: 'ETIMEDOUT' }],
      [answer({ status: null, networkError: null }), { error: 'NO_ANSWER', unauthorized: false }],
    ];
    for (const [reply, expected] of cases) {
      const result = await lookupOrder(profile, context, async () => reply);
      expect(result).toMatchObject({ kind: 'failed', ...expected });
    }
  });

  it('takes a found answer without an order id as found', async () => {
    const result = await lookupOrder(profile, context, async () =>
      answer({ status: 200, body: { code: 'CONFIRMED' } }),
    );
    expect(result).toMatchObject({ kind: 'found', orderId: null });
  });
});

describe('what an answer proves about an intent', () => {
  it('a success books it and clears a lost answer', () => {
    const r = run({ unknown: true });
    expect(marksForAnswer('c', r, answer({ status: 201 }), 'success', 'O1', false)).toEqual([
      { kind: 'booked', campaignId: 'c', accountId: 7, orderId: 'O1', by: 'answer' },
    ]);
    expect(r.unknown).toBe(false);
  });

  it('a lost answer makes it unknown once, naming the failure', () => {
    const r = run();
    expect(marksForAnswer('c', r, lost('ETIMEDOUT'), 'retryable', null, true)).toEqual([
      { kind: 'unknown', campaignId: 'c', accountId: 7, error: 'ETIMEDOUT' },
    ]);
    expect(r.unknown).toBe(true);
    expect(marksForAnswer('c', r, answer({ status: 502 }), 'retryable', null, true)).toEqual([]);
    const gateway = run();
    expect(marksForAnswer('c', gateway, answer({ status: 504 }), 'retryable', null, false)).toEqual([
      { kind: 'unknown', campaignId: 'c', accountId: 7, error: 'HTTP_504' },
    ]);
  });

  it('only "sold out" to an honoured key clears an unknown one; nothing else does', () => {
    const honoured = run({ unknown: true });
    expect(marksForAnswer('c', honoured, answer({ status: 409 }), 'soldOut', null, true)).toEqual([
      { kind: 'cleared', campaignId: 'c', accountId: 7 },
    ]);
    expect(honoured.unknown).toBe(false);
    const ignored = run({ unknown: true });
    expect(marksForAnswer('c', ignored, answer({ status: 409 }), 'soldOut', null, false)).toEqual([]);
    expect(ignored.unknown).toBe(true);
    const notOpen = run({ unknown: true });
    expect(marksForAnswer('c', notOpen, answer({ status: 425 }), 'notOpen', null, true)).toEqual([]);
    expect(notOpen.unknown).toBe(true);
  });

  it('closes the rest at the end: sent and answered as not booked, never sent as unsent; leaves booked and unknown', () => {
    const runs = [
      run({ account: { id: 1 } as AccountRun['account'], sent: true }),
      run({ account: { id: 2 } as AccountRun['account'] }),
      run({ account: { id: 3 } as AccountRun['account'], sent: true, outcome: 'success' }),
      run({ account: { id: 4 } as AccountRun['account'], sent: true, unknown: true }),
    ];
    expect(closingMarks('c', runs)).toEqual([
      { kind: 'notBooked', campaignId: 'c', accountId: 1, by: 'answer' },
      { kind: 'notBooked', campaignId: 'c', accountId: 2, by: 'unsent' },
    ]);
  });
});

describe('settling by lookup', () => {
  const deps = (replies: Array<Exchange | null>, over: Partial<LookupDeps> = {}) => {
    const settled: unknown[] = [];
    const failed: string[] = [];
    const waits: number[] = [];
    const d: LookupDeps = {
      profile: simulatorProfile(),
      waitForSlot: vi.fn(async () => undefined),
      send: vi.fn(async () => replies.shift() ?? null),
      context: () => ({ 'attempt.key': 'k', 'tokens.access': 'T' }),
      recoverSession: vi.fn(async () => undefined),
      backoffMs: (n) => 10 * (n + 1),
      sleep: async (ms) => void waits.push(ms),
      settled: (_, result) => void settled.push(result.kind),
      failed: (_, error) => void failed.push(error),
      ...over,
    };
    return { d, settled, failed, waits };
  };

  it('asks until the target tells, through the budget, waiting the longer of its Retry-After and the backoff', async () => {
    const { d, settled, failed, waits } = deps([
      lost('ETIMEDOUT'),
      answer({ status: 429, headers: { 'retry-after-ms': '500' } }),
      answer({ status: 401 }),
      answer({ status: 200, body: { orderId: 'O9' } }),
    ]);
    const r = run({ unknown: true });
    expect(await settleByLookup(r, d, 10, () => false)).toBe('found');
    expect(d.waitForSlot).toHaveBeenCalledTimes(4);
    expect(failed).toEqual(['ETIMEDOUT', 'HTTP_429', 'HTTP_401']);
    expect(waits).toEqual([10, 500, 30]);
    expect(d.recoverSession).toHaveBeenCalledTimes(1);
    expect(settled).toEqual(['found']);
    expect(r.unknown).toBe(false);
  });

  it('reports not found as settled, and unknown when tries run out or it is stopped', async () => {
    const notFound = deps([answer({ status: 404, body: { code: 'ORDER_NOT_FOUND' } })]);
    expect(await settleByLookup(run({ unknown: true }), notFound.d, 3, () => false)).toBe('notFound');
    expect(notFound.settled).toEqual(['notFound']);
    const silent = deps([lost('ETIMEDOUT'), lost('ETIMEDOUT')]);
    const r = run({ unknown: true });
    expect(await settleByLookup(r, silent.d, 2, () => false)).toBe('unknown');
    expect(silent.d.send).toHaveBeenCalledTimes(2);
    expect(r.unknown).toBe(true);
    const stopped = deps([answer({ status: 200 })]);
    expect(await settleByLookup(run({ unknown: true }), stopped.d, 5, () => true)).toBe('unknown');
    expect(stopped.d.send).not.toHaveBeenCalled();
  });

  it('stops between the slot and the send when the campaign stops meanwhile', async () => {
    let stop = false;
    const { d } = deps([answer({ status: 200 })], { waitForSlot: async () => void (stop = true) });
    expect(await settleByLookup(run({ unknown: true }), d, 5, () => stop)).toBe('unknown');
    expect(d.send).not.toHaveBeenCalled();
  });

  it('counts no endpoint (every breaker open) as a failed try, and a profile without a lookup as unknown', async () => {
    const { d, failed } = deps([null]);
    expect(await settleByLookup(run({ unknown: true }), d, 1, () => false)).toBe('unknown');
    expect(failed).toEqual(['CIRCUIT_OPEN']);
    const blind = deps([answer({ status: 200 })], { profile: { ...simulatorProfile(), orderStatus: undefined } });
    expect(await settleByLookup(run({ unknown: true }), blind.d, 5, () => false)).toBe('unknown');
    expect(blind.d.send).not.toHaveBeenCalled();
  });
});
