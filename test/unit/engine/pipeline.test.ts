import { describe, expect, it } from 'vitest';
import { RateLimiter, reserveAll } from '../../../electron/engine/rate-limiter';
import { CircuitBreaker } from '../../../electron/engine/circuit-breaker';
import { backoffMs, retryAfterMs } from '../../../electron/engine/backoff';
import { classify } from '../../../electron/engine/classifier';
import { renderJson, renderTemplate, unknownVariables } from '../../../electron/targets/template';
import { simulatorProfile } from '../../helpers/simulator-profile';
import type { Exchange } from '../../../electron/engine/http-exchange';

describe('rate limiter', () => {
  it('lets a burst through at once and spaces the rest at the rate, never faster', () => {
    const limiter = new RateLimiter(10, 3);
    const slots = Array.from({ length: 6 }, () => limiter.reserve(1_000));
    expect(slots).toEqual([1_000, 1_000, 1_000, 1_100, 1_200, 1_300]);
  });

  it('counts a window of any length against rate × length + burst', () => {
    const limiter = new RateLimiter(5, 2);
    const slots = Array.from({ length: 200 }, (_, n) => limiter.reserve(n * 3));
    for (let start = 0; start < 1_000; start += 37) {
      const inWindow = slots.filter((at) => at >= start && at < start + 1_000).length;
      expect(inWindow).toBeLessThanOrEqual(5 + 2);
    }
  });

  it('holds after a Retry-After and takes the latest slot of several limiters', () => {
    const account = new RateLimiter(100, 1);
    account.holdUntil(5_000);
    expect(account.reserve(1_000)).toBe(5_000);
    const target = new RateLimiter(1, 1);
    target.reserve(0);
    expect(reserveAll([target, new RateLimiter(100, 1)], 10)).toBe(1_000);
  });
});

describe('circuit breaker', () => {
  it('opens after N failures in the window, probes once when half-open, and closes on success', () => {
    const breaker = new CircuitBreaker({ failures: 3, windowMs: 1_000, openMs: 500 });
    breaker.onFailure(0);
    breaker.onFailure(100);
    expect(breaker.allows(150)).toBe(true);
    breaker.onFailure(200);
    expect(breaker.state).toBe('open');
    expect(breaker.allows(600)).toBe(false);
    expect(breaker.allows(700)).toBe(true);
    breaker.onSend();
    expect(breaker.allows(710)).toBe(false); // one probe at a time
    breaker.onFailure(720);
    expect(breaker.state).toBe('open');
    expect(breaker.allows(1_300)).toBe(true);
    breaker.onSend();
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('forgets failures older than the window', () => {
    const breaker = new CircuitBreaker({ failures: 2, windowMs: 100, openMs: 500 });
    breaker.onFailure(0);
    breaker.onFailure(150);
    expect(breaker.state).toBe('closed');
  });
});

describe('backoff and Retry-After', () => {
  it('uses full jitter under an exponential cap', () => {
    expect(backoffMs(0, 50, 2_000, () => 1)).toBe(50);
    expect(backoffMs(3, 50, 2_000, () => 1)).toBe(400);
    expect(backoffMs(10, 50, 2_000, () => 0.5)).toBe(1_000);
    expect(backoffMs(4, 50, 2_000, () => 0)).toBe(0);
  });

  it('reads Retry-After-Ms, Retry-After seconds and dates', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '1' }, 0)).toBe(250);
    expect(retryAfterMs({ 'retry-after': '2' }, 0)).toBe(2_000);
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 7_000)).toBe(3_000);
    expect(retryAfterMs({}, 0)).toBeNull();
  });
});

describe('classifier', () => {
  const matchers = simulatorProfile().outcomes;
  const answer = (status: number | null, body: unknown = {}): Exchange => ({
    endpoint: 'http://x',
    sentLocalMs: 0,
    latencyMs: 1,
    status,
    headers: {},
    body,
    networkError: status === null ? 'ECONNRESET' : null,
    raw: null,
  });

  it.each([
    [201, { code: 'BOOKED', orderId: 'O1' }, 'success'],
    [409, { code: 'SOLD_OUT' }, 'soldOut'],
    [409, { code: 'LIMIT_REACHED' }, 'alreadyBooked'],
    [425, { code: 'NOT_OPEN' }, 'notOpen'],
    [429, { code: 'RATE_LIMITED' }, 'rateLimited'],
    [503, { code: 'OVERLOADED' }, 'rateLimited'],
    [400, { code: 'CAPTCHA_REQUIRED' }, 'captchaRequired'],
    [400, { code: 'CAPTCHA_WRONG' }, 'captchaRejected'],
    [401, { code: 'TOKEN_EXPIRED' }, 'unauthorized'],
    [502, { code: 'INJECTED_FAULT' }, 'retryable'],
    [412, { code: 'RISK_CONTROL' }, 'fatal'],
    [null, null, 'retryable'],
  ])('HTTP %s %j is %s', (status, body, outcome) => {
    expect(classify(answer(status, body), matchers, 'code').outcome).toBe(outcome);
  });

  it('extracts the order id and the error code', () => {
    expect(classify(answer(201, { code: 'BOOKED', orderId: 'O7' }), matchers, 'code')).toMatchObject({
      extracted: { orderId: 'O7' },
    });
    expect(classify(answer(409, { code: 'SOLD_OUT' }), matchers, 'code').errorCode).toBe('SOLD_OUT');
  });
});

describe('templates', () => {
  it('renders variables and keeps a whole-placeholder value typed', () => {
    expect(renderTemplate('/api/items/{{campaign.item}}/book', { 'campaign.item': 'T1' })).toBe('/api/items/T1/book');
    expect(renderJson({ at: '{{now.serverMs}}', note: 'at {{now.serverMs}}' }, { 'now.serverMs': 5 })).toEqual({
      at: 5,
      note: 'at 5',
    });
    expect(unknownVariables('{{account.username}} {{account.nickname}}')).toEqual(['account.nickname']);
  });
});
