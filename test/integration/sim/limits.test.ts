import { afterEach, describe, expect, it } from 'vitest';
import { ManualTrueClock, scenarioFromObject, startSimulator, type Simulator } from '../../../electron/sim';
import { book, login } from '../../helpers/sim-client';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator limits', () => {
  it('answers 429 with a Retry-After that, when honoured, lets the next request through', async () => {
    const clock = new ManualTrueClock(0);
    sim = await startSimulator({
      trueClock: clock,
      scenario: scenarioFromObject({
        items: [{ id: 'T1', name: 'Train', stock: 0, opensAt: 0 }],
        accounts: { count: 1 },
        limits: { perAccount: { ratePerSec: 2, burst: 1 } },
      }),
    });
    const [url] = sim.urls;
    const token = await login(url!, 'user0001', 'pass-0001');
    expect((await book(url!, token, 'T1', 'k1')).body.code).toBe('SOLD_OUT');
    const limited = await book(url!, token, 'T1', 'k2');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    const waitMs = Number(limited.headers.get('retry-after-ms'));
    expect(waitMs).toBe(500);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', scope: 'account', retryAfterMs: 500 });
    clock.advance(waitMs);
    expect((await book(url!, token, 'T1', 'k3')).body.code).toBe('SOLD_OUT');
    expect(sim.stats().bans).toBe(0);
  });

  it('bans an account that keeps sending inside its Retry-After window (412 RISK_CONTROL)', async () => {
    const clock = new ManualTrueClock(0);
    sim = await startSimulator({
      trueClock: clock,
      scenario: scenarioFromObject({
        items: [{ id: 'T1', name: 'Train', stock: 0, opensAt: 0 }],
        accounts: { count: 1 },
        limits: { perAccount: { ratePerSec: 1, burst: 1 } },
        riskControl: { violationsBeforeBan: 3, banMs: 10_000 },
      }),
    });
    const [url] = sim.urls;
    const token = await login(url!, 'user0001', 'pass-0001');
    await book(url!, token, 'T1', 'k');
    expect((await book(url!, token, 'T1', 'k')).status).toBe(429);
    clock.advance(10);
    expect((await book(url!, token, 'T1', 'k')).status).toBe(429); // violation 1
    expect((await book(url!, token, 'T1', 'k')).status).toBe(429); // violation 2
    const banned = await book(url!, token, 'T1', 'k'); // violation 3 → ban
    expect(banned.status).toBe(412);
    expect(banned.body.code).toBe('RISK_CONTROL');
    clock.advance(5_000);
    expect((await book(url!, token, 'T1', 'k')).status).toBe(412);
    clock.advance(5_001);
    expect((await book(url!, token, 'T1', 'k')).body.code).toBe('SOLD_OUT');
    expect(sim.stats().bans).toBe(1);
  });

  it('rejects with 503 under overload and admits again once the load has passed', async () => {
    const clock = new ManualTrueClock(0);
    sim = await startSimulator({
      trueClock: clock,
      scenario: scenarioFromObject({
        items: [{ id: 'T1', name: 'Train', stock: 0, opensAt: 0 }],
        accounts: { count: 20 },
        admission: { enabled: true, windowMs: 100, threshold: 5, ewmaAlpha: 0.5 },
        riskControl: { enabled: false },
      }),
    });
    const [url] = sim.urls;
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        login(url!, `user${String(n + 1).padStart(4, '0')}`, `pass-${String(n + 1).padStart(4, '0')}`),
      ),
    );
    const burst = await Promise.all(tokens.map((token, n) => book(url!, token, 'T1', `k${n}`)));
    const rejected = burst.filter((reply) => reply.status === 503);
    expect(burst.filter((reply) => reply.status === 409)).toHaveLength(5);
    expect(rejected).toHaveLength(15);
    expect(rejected[0]!.body).toMatchObject({ code: 'OVERLOADED', scope: 'service' });
    expect(Number(rejected[0]!.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    // The next window is still predicted busy (EWMA of 5 at α = 0.5 is 2.5 < 5: admitted), so load drains.
    clock.advance(100);
    expect((await book(url!, tokens[0]!, 'T1', 'later')).status).toBe(409);
    clock.advance(10_000);
    const recovered = await Promise.all(tokens.slice(0, 5).map((token, n) => book(url!, token, 'T1', `r${n}`)));
    expect(recovered.every((reply) => reply.status === 409)).toBe(true);
  });
});
