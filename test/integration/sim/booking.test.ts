import { afterEach, describe, expect, it } from 'vitest';
import { ManualTrueClock, scenarioFromObject, startSimulator, type Simulator } from '../../../electron/sim';
import { book, call, login } from '../../helpers/sim-client';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator bookings', () => {
  it('sells exactly 100 units to 2,000 concurrent bookers and keeps every account within its limit', async () => {
    sim = await startSimulator({
      scenario: scenarioFromObject({
        items: [{ id: 'T1', name: 'Train', stock: 100, perAccountLimit: 1, opensAt: 0 }],
        accounts: { count: 2000 },
        nodes: { count: 3 },
        riskControl: { enabled: false },
      }),
    });
    const urls = sim.urls;
    const tokens = await Promise.all(
      Array.from({ length: 2000 }, (_, n) =>
        login(urls[n % 3]!, `user${String(n + 1).padStart(4, '0')}`, `pass-${String(n + 1).padStart(4, '0')}`),
      ),
    );
    // Each account tries twice with different keys, across different nodes, all at once.
    const replies = await Promise.all(
      tokens.flatMap((token, n) => [
        book(urls[n % 3]!, token, 'T1', `a-${n}`),
        book(urls[(n + 1) % 3]!, token, 'T1', `b-${n}`),
      ]),
    );
    const successes = replies.filter((reply) => reply.status === 201);
    expect(successes).toHaveLength(100);
    const accounts = successes.map((reply) => reply.body.account);
    expect(new Set(accounts).size).toBe(100);
    expect(replies.filter((reply) => reply.status === 409).length).toBe(4000 - 100);
    expect(sim.stats().items[0]!.remaining).toBe(0);
    expect(sim.service.inventory.allOrders()).toHaveLength(100);
  });

  it('answers a replayed idempotency key with the first result and never takes a second unit', async () => {
    sim = await startSimulator({
      scenario: scenarioFromObject({
        items: [{ id: 'T1', name: 'Train', stock: 5, perAccountLimit: 3, opensAt: 0 }],
        accounts: { count: 2 },
      }),
    });
    const [url] = sim.urls;
    const token = await login(url!, 'user0001', 'pass-0001');
    const first = await book(url!, token, 'T1', 'key-1');
    const again = await book(url!, token, 'T1', 'key-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.orderId).toBe(first.body.orderId);
    expect(again.body.replayed).toBe(true);
    expect(sim.stats().items[0]!.remaining).toBe(4);
    const other = await login(url!, 'user0002', 'pass-0002');
    expect((await book(url!, other, 'T1', 'key-1')).body.code).toBe('KEY_CONFLICT');
    const order = await call(url!, 'GET', '/api/orders/key-1', { token });
    expect(order.body).toMatchObject({ status: 'confirmed', orderId: first.body.orderId });
    expect((await call(url!, 'GET', '/api/orders/key-1', { token: other })).status).toBe(404);
  });

  it('commits a booking exactly once when the response is lost, and the order can be found by its key', async () => {
    sim = await startSimulator({
      scenario: scenarioFromObject({
        items: [{ id: 'T1', name: 'Train', stock: 5, opensAt: 0 }],
        accounts: { count: 1 },
        nodes: { count: 2, each: [{}, { faults: { dropResponseRate: 1 } }] },
      }),
    });
    const [good, lossy] = sim.urls;
    const token = await login(good!, 'user0001', 'pass-0001');
    await expect(book(lossy!, token, 'T1', 'lost-1')).rejects.toThrow();
    const order = await call(good!, 'GET', '/api/orders/lost-1', { token });
    expect(order.status).toBe(200);
    const retry = await book(good!, token, 'T1', 'lost-1');
    expect(retry.body).toMatchObject({ replayed: true, orderId: order.body.orderId });
    expect(sim.stats().items[0]!.remaining).toBe(4);
  });

  it('answers 425 NOT_OPEN one millisecond before the open instant and books at it', async () => {
    const clock = new ManualTrueClock(1_000_000);
    sim = await startSimulator({
      trueClock: clock,
      scenario: scenarioFromObject({
        clock: { skewMs: 250 },
        items: [{ id: 'T1', name: 'Train', stock: 1, opensAt: 'in 10s' }],
        accounts: { count: 1 },
      }),
    });
    const [url] = sim.urls;
    const openAt = sim.stats().items[0]!.openAtServerMs;
    expect(openAt).toBe(1_000_000 + 250 + 10_000);
    const token = await login(url!, 'user0001', 'pass-0001');
    clock.set(openAt - 250 - 1);
    const early = await book(url!, token, 'T1', 'k');
    expect(early.status).toBe(425);
    expect(early.body).toMatchObject({ code: 'NOT_OPEN', openAtServerMs: openAt });
    clock.set(openAt - 250);
    expect((await book(url!, token, 'T1', 'k')).status).toBe(201);
  });

  it('requires a valid, unexpired token and refreshes without a new login', async () => {
    const clock = new ManualTrueClock(0);
    sim = await startSimulator({
      trueClock: clock,
      scenario: scenarioFromObject({
        items: [{ id: 'T1', name: 'Train', stock: 3, opensAt: 0 }],
        accounts: { count: 1 },
        tokens: { accessTtlMs: 1000, refreshTtlMs: 5000 },
      }),
    });
    const [url] = sim.urls;
    expect(
      (await call(url!, 'POST', '/api/login', { body: { username: 'user0001', password: 'nope' } })).body.code,
    ).toBe('BAD_CREDENTIALS');
    const session = await call(url!, 'POST', '/api/login', { body: { username: 'user0001', password: 'pass-0001' } });
    expect((await book(url!, 'forged', 'T1', 'k')).body.code).toBe('UNAUTHORIZED');
    clock.advance(1001);
    expect((await book(url!, session.body.accessToken as string, 'T1', 'k')).body.code).toBe('TOKEN_EXPIRED');
    const refreshed = await call(url!, 'POST', '/api/refresh', { body: { refreshToken: session.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await book(url!, refreshed.body.accessToken as string, 'T1', 'k')).status).toBe(201);
    clock.advance(5000);
    expect(
      (await call(url!, 'POST', '/api/refresh', { body: { refreshToken: session.body.refreshToken } })).body.code,
    ).toBe('REFRESH_EXPIRED');
  });

  it('checks captchas once: a wrong answer and a reused id are refused, the right answer books', async () => {
    sim = await startSimulator({
      scenario: scenarioFromObject({
        items: [{ id: 'T1', name: 'Train', stock: 3, opensAt: 0 }],
        accounts: { count: 1 },
        captcha: { mode: 'book', revealAnswers: true },
      }),
    });
    const [url] = sim.urls;
    const token = await login(url!, 'user0001', 'pass-0001');
    expect((await book(url!, token, 'T1', 'k')).body.code).toBe('CAPTCHA_REQUIRED');
    const captcha = await call(url!, 'GET', '/api/captcha');
    expect(
      Buffer.from(captcha.body.imageBase64 as string, 'base64')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(
      (await book(url!, token, 'T1', 'k', { captchaId: captcha.body.captchaId, captchaAnswer: 'XXXX0' })).body.code,
    ).toBe('CAPTCHA_WRONG');
    expect(
      (await book(url!, token, 'T1', 'k', { captchaId: captcha.body.captchaId, captchaAnswer: captcha.body.answer }))
        .body.code,
    ).toBe('CAPTCHA_EXPIRED');
    const fresh = await call(url!, 'GET', '/api/captcha');
    const answer = String(fresh.body.answer).toLowerCase();
    expect(
      (await book(url!, token, 'T1', 'k', { captchaId: fresh.body.captchaId, captchaAnswer: answer })).status,
    ).toBe(201);
  });
});
