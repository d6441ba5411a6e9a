// The booking service's rules, shared by all nodes: routes, tokens, captchas, limits, admission, risk control, stock.
// Transport-free: a node hands it a parsed request and writes back what it returns, so tests can drive it with a
// manual clock and no sockets.
import type { Scenario } from './scenario';
import { ServerClock, type TrueClock } from './sim-clock';
import { Inventory } from './inventory';
import { Sessions } from './sessions';
import { CaptchaIssuer } from './captcha-issuer';
import { TokenBuckets } from './token-bucket';
import { AdmissionControl } from './admission-control';
import { RiskControl } from './risk-control';
import { ArrivalLog } from './arrival-log';

export interface SimRequest {
  node: number;
  method: string;
  path: string;
  query?: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  client: string;
}

export interface SimResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Bytes sent as they are instead of the JSON body (a captcha image). */
  raw?: Buffer;
}

type Json = Record<string, unknown>;

const json = (status: number, body: Json, headers?: Record<string, string>): SimResponse => ({ status, body, headers });
const error = (
  status: number,
  code: string,
  message: string,
  extra: Json = {},
  headers?: Record<string, string>,
): SimResponse => json(status, { code, message, ...extra }, headers);

const header = (request: SimRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const field = (body: unknown, name: string): string | undefined => {
  const value = body && typeof body === 'object' ? (body as Json)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
};

const cookieValue = (cookieHeader: string | undefined, name: string): string | undefined => {
  for (const pair of (cookieHeader ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
};

const bookingKey = (request: SimRequest): string | null =>
  request.method === 'POST' && request.path.endsWith('/book')
    ? (header(request, 'idempotency-key') ?? field(request.body, 'idempotencyKey') ?? null)
    : null;

export class BookingService {
  readonly clock: ServerClock;
  readonly inventory: Inventory;
  readonly sessions: Sessions;
  readonly captchas: CaptchaIssuer;
  readonly admission: AdmissionControl;
  readonly risk: RiskControl;
  readonly arrivals = new ArrivalLog();
  private readonly accountBuckets: TokenBuckets | null;
  private readonly clientBuckets: TokenBuckets | null;
  readonly counters = new Map<string, number>();
  /** Queued bookings (scenario booking: queued): decided when taken, told only once `revealAtTrueMs` has passed. */
  private readonly tickets = new Map<string, { account: string; revealAtTrueMs: number; result: SimResponse }>();
  private nextTicket = 1;
  private readonly holds = new Map<string, { account: string; itemId: string }>();
  private nextHold = 1;

  constructor(
    readonly scenario: Scenario,
    trueClock: TrueClock,
  ) {
    this.clock = new ServerClock(trueClock, scenario.clock.skewMs, scenario.clock.driftPpm);
    this.inventory = new Inventory(scenario, this.clock.nowServerMs());
    this.sessions = new Sessions(scenario);
    this.captchas = new CaptchaIssuer(scenario.captcha.ttlMs);
    this.admission = new AdmissionControl(scenario.admission);
    this.risk = new RiskControl(scenario.riskControl);
    this.accountBuckets = scenario.limits.perAccount ? new TokenBuckets(scenario.limits.perAccount) : null;
    this.clientBuckets = scenario.limits.perClient ? new TokenBuckets(scenario.limits.perClient) : null;
  }

  /** Handles one request that reached a node at `trueMs`; logs its arrival with the outcome. */
  handle(request: SimRequest, trueMs: number): SimResponse {
    const serverMs = this.clock.serverAt(trueMs);
    const context = { account: null as string | null };
    const response = this.route(request, trueMs, serverMs, context);
    const code =
      response.body && typeof response.body === 'object' ? String((response.body as Json).code ?? 'OK') : 'OK';
    this.count(code);
    this.arrivals.add({
      node: request.node,
      route: `${request.method} ${request.path}`,
      account: context.account,
      client: request.client,
      trueMs,
      serverMs,
      status: response.status,
      code,
      key: bookingKey(request),
      ...(response.headers?.['retry-after-ms'] ? { retryAfterMs: Number(response.headers['retry-after-ms']) } : {}),
    });
    return response;
  }

  /** Records a request a fault swallowed (reset or hang) so the log still shows it arrived. */
  logFault(request: SimRequest, trueMs: number, code: 'RESET' | 'HANG'): void {
    this.count(code);
    this.arrivals.add({
      node: request.node,
      route: `${request.method} ${request.path}`,
      account: null,
      client: request.client,
      trueMs,
      serverMs: this.clock.serverAt(trueMs),
      status: 0,
      code,
      key: bookingKey(request),
    });
  }

  count(code: string): void {
    this.counters.set(code, (this.counters.get(code) ?? 0) + 1);
  }

  private route(
    request: SimRequest,
    trueMs: number,
    serverMs: number,
    context: { account: string | null },
  ): SimResponse {
    const { method, path } = request;
    const covered = this.scenario.limits.clientCoversTime;
    if (method === 'GET' && path === '/api/time' && !covered) return json(200, { code: 'OK', serverTimeMs: serverMs });

    // Everything else (the time too, where the scenario says so) is limited per client.
    const limited = this.limit(request, null, trueMs);
    if (limited) return limited;
    if (method === 'GET' && path === '/api/time') return json(200, { code: 'OK', serverTimeMs: serverMs });

    if (method === 'GET' && path === '/api/items') return json(200, { code: 'OK', items: this.items(serverMs) });
    if (method === 'POST' && path === '/api/login') return this.login(request, trueMs);
    if (method === 'POST' && path === '/api/refresh') return this.refresh(request, trueMs);
    if (method === 'GET' && path === '/api/captcha') return this.captcha(trueMs);

    const book = /^\/api\/items\/([^/]+)\/book$/.exec(path);
    const order = /^\/api\/orders\/([^/]+)$/.exec(path);
    const ticket = /^\/api\/queue\/([^/]+)$/.exec(path);
    const hold = /^\/api\/items\/([^/]+)\/hold$/.exec(path);
    if (method === 'GET' && path === '/api/me') {
      // A cheap signed-in request: who this session belongs to (health checks prove sessions with it).
      const who = this.identify(request, trueMs);
      if (!who.ok) return who.refusal;
      context.account = who.account;
      return json(200, { code: 'OK', username: who.account });
    }
    if ((method === 'POST' && (book || hold)) || (method === 'GET' && (order || ticket))) {
      const who = this.identify(request, trueMs);
      if (!who.ok) return who.refusal;
      context.account = who.account;
      const accountLimited = this.limit(request, who.account, trueMs);
      if (accountLimited) return accountLimited;
      if (order) return this.orderStatus(decodeURIComponent(order[1]!), who.account);
      if (ticket) return this.queueStatus(decodeURIComponent(ticket[1]!), who.account, trueMs);
      if (hold) return this.hold(decodeURIComponent(hold[1]!), who.account, serverMs);
      return this.book(request, decodeURIComponent(book![1]!), who.account, trueMs, serverMs);
    }
    return error(404, 'NOT_FOUND', `no route ${method} ${path}`);
  }

  /** Who sends this request: a Bearer token, a session cookie, or (without sign-in) the user it names. */
  private identify(
    request: SimRequest,
    trueMs: number,
  ): { ok: true; account: string } | { ok: false; refusal: SimResponse } {
    const mode = this.scenario.auth;
    if (mode === 'none') {
      const named = header(request, 'user') ?? field(request.body, 'user') ?? request.query?.user;
      if (!named || !this.sessions.known(named))
        return { ok: false, refusal: error(400, 'USER_REQUIRED', 'name a known user (field or header `user`)') };
      return { ok: true, account: named };
    }
    const token =
      mode === 'cookie'
        ? cookieValue(header(request, 'cookie'), 'sid')
        : /^Bearer\s+(\S+)$/i.exec(header(request, 'authorization') ?? '')?.[1];
    const auth = this.sessions.check(token === undefined ? undefined : `Bearer ${token}`, trueMs);
    if (auth.ok) return { ok: true, account: auth.account };
    const what = mode === 'cookie' ? 'a valid session cookie (sid)' : 'a valid Bearer access token';
    return {
      ok: false,
      refusal:
        auth.code === 'TOKEN_EXPIRED'
          ? error(401, 'TOKEN_EXPIRED', 'the session has expired; sign in again')
          : error(401, 'UNAUTHORIZED', `${what} is required`),
    };
  }

  /** Risk control, then the client's (or account's) bucket, then — for accounts — admission control. */
  private limit(request: SimRequest, account: string | null, trueMs: number): SimResponse | null {
    const key = account === null ? `client:${request.client}` : `account:${account}`;
    const bannedUntil = this.risk.check([key], trueMs);
    if (bannedUntil !== null) {
      return error(412, 'RISK_CONTROL', 'too many requests inside a Retry-After window; temporarily banned', {
        bannedForMs: Math.ceil(bannedUntil - trueMs),
      });
    }
    const buckets = account === null ? this.clientBuckets : this.accountBuckets;
    const waitMs = buckets?.take(key, trueMs) ?? 0;
    if (waitMs > 0) {
      this.risk.toldToWait([key], trueMs + waitMs);
      return this.tooMany(429, 'RATE_LIMITED', account === null ? 'client' : 'account', waitMs);
    }
    if (account !== null) {
      const admission = this.admission.admit(trueMs);
      if (!admission.admitted) {
        this.risk.toldToWait([key], trueMs + admission.retryAfterMs);
        return this.tooMany(503, 'OVERLOADED', 'service', admission.retryAfterMs);
      }
    }
    return null;
  }

  private tooMany(status: 429 | 503, code: string, scope: string, waitMs: number): SimResponse {
    // Retry-After carries whole seconds (RFC 9110); Retry-After-Ms the exact wait, which risk control enforces.
    return error(
      status,
      code,
      `retry after ${waitMs} ms`,
      { scope, retryAfterMs: waitMs },
      {
        'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
        'retry-after-ms': String(waitMs),
      },
    );
  }

  private items(serverMs: number): Json[] {
    return [...this.inventory.items.values()].map((item) => ({
      id: item.id,
      name: item.name,
      stock: item.stock,
      remaining: item.remaining,
      perAccountLimit: item.perAccountLimit,
      openAtServerMs: item.openAtServerMs,
      open: serverMs >= item.openAtServerMs,
    }));
  }

  private checkCaptcha(request: SimRequest, trueMs: number): SimResponse | null {
    const id = field(request.body, 'captchaId');
    const answer = field(request.body, 'captchaAnswer');
    if (!id || answer === undefined) return error(400, 'CAPTCHA_REQUIRED', 'captchaId and captchaAnswer are required');
    const check = this.captchas.check(id, answer, trueMs);
    if (check === 'ok') return null;
    if (check === 'wrong') return error(400, 'CAPTCHA_WRONG', 'the captcha answer is wrong; fetch a new captcha');
    return error(400, 'CAPTCHA_EXPIRED', 'the captcha is unknown, used or expired; fetch a new captcha');
  }

  private login(request: SimRequest, trueMs: number): SimResponse {
    if (this.scenario.auth === 'none') return error(404, 'NOT_FOUND', 'this service has no sign-in');
    const username = field(request.body, 'username');
    const password = field(request.body, 'password');
    if (!username || !password) return error(400, 'BAD_REQUEST', 'username and password are required');
    if (this.scenario.captcha.mode === 'login') {
      const captcha = this.checkCaptcha(request, trueMs);
      if (captcha) return captcha;
    }
    if (!this.sessions.verify(username, password)) return error(401, 'BAD_CREDENTIALS', 'wrong username or password');
    const tokens = this.sessions.login(username, trueMs);
    if (this.scenario.auth === 'cookie') {
      const maxAge = Math.floor(tokens.accessExpiresInMs / 1000);
      return json(
        200,
        { code: 'OK', username },
        { 'set-cookie': `sid=${tokens.accessToken}; Path=/; Max-Age=${maxAge}; HttpOnly` },
      );
    }
    return json(200, { code: 'OK', ...tokens });
  }

  private refresh(request: SimRequest, trueMs: number): SimResponse {
    const refreshToken = field(request.body, 'refreshToken');
    if (!refreshToken) return error(400, 'BAD_REQUEST', 'refreshToken is required');
    const result = this.sessions.refresh(refreshToken, trueMs);
    if (!result.ok) return error(401, result.code, 'the refresh token is not valid; log in again');
    const { ok: _ok, ...tokens } = result;
    return json(200, { code: 'OK', ...tokens });
  }

  private captcha(trueMs: number): SimResponse {
    const captcha = this.captchas.issue(trueMs);
    if (this.scenario.captcha.serve === 'image') {
      const headers: Record<string, string> = { 'x-captcha-id': captcha.id };
      if (this.scenario.captcha.revealAnswers) headers['x-captcha-answer'] = captcha.text;
      return { status: 200, body: null, raw: captcha.png, headers };
    }
    return json(200, {
      code: 'OK',
      captchaId: captcha.id,
      imageBase64: captcha.png.toString('base64'),
      mimeType: 'image/png',
      expiresInMs: this.scenario.captcha.ttlMs,
      ...(this.scenario.captcha.revealAnswers ? { answer: captcha.text } : {}),
    });
  }

  private orderStatus(key: string, account: string): SimResponse {
    const order = this.inventory.order(key);
    if (!order || order.account !== account) return error(404, 'ORDER_NOT_FOUND', `no order for key ${key}`);
    return json(200, { code: 'CONFIRMED', status: 'confirmed', ...order });
  }

  private book(request: SimRequest, itemId: string, account: string, trueMs: number, serverMs: number): SimResponse {
    const key = bookingKey(request);
    if (!key || key.length > 200)
      return error(400, 'IDEMPOTENCY_KEY_REQUIRED', 'an Idempotency-Key of 1-200 characters is required');
    const replay = this.scenario.idempotency === 'honoured' ? this.inventory.replay(key) : undefined;
    if (replay) {
      if (replay.account !== account)
        return error(409, 'KEY_CONFLICT', 'this idempotency key belongs to another account');
      return json(replay.result.status, { ...replay.result.body, replayed: true });
    }
    const item = this.inventory.items.get(itemId);
    if (!item) return error(404, 'ITEM_NOT_FOUND', `no item ${itemId}`);
    if (serverMs < item.openAtServerMs) {
      return error(425, 'NOT_OPEN', `${itemId} opens at ${new Date(item.openAtServerMs).toISOString()}`, {
        openAtServerMs: item.openAtServerMs,
      });
    }
    if (this.scenario.captcha.mode === 'book') {
      const captcha = this.checkCaptcha(request, trueMs);
      if (captcha) return captcha;
    }
    if (this.scenario.booking === 'hold-confirm') {
      const held = this.holds.get(field(request.body, 'holdId') ?? '');
      if (!held || held.account !== account || held.itemId !== itemId)
        return error(400, 'HOLD_REQUIRED', 'hold the item first (POST /api/items/ID/hold) and name its holdId');
    }
    const passengerId = field(request.body, 'passengerId');
    if (this.scenario.requirePassenger && !passengerId)
      return error(400, 'PASSENGER_REQUIRED', 'name the passengerId who travels');
    const result = this.inventory.book(item, account, key, serverMs, passengerId);
    if (this.scenario.booking === 'queued') return this.enqueue(account, key, json(result.status, result.body), trueMs);
    return json(result.status, result.body);
  }

  /** hold-confirm: a hold on an open item with stock left; the booking must name it. */
  private hold(itemId: string, account: string, serverMs: number): SimResponse {
    const item = this.inventory.items.get(itemId);
    if (!item) return error(404, 'ITEM_NOT_FOUND', `no item ${itemId}`);
    if (serverMs < item.openAtServerMs) return error(425, 'NOT_OPEN', `${itemId} is not open yet`);
    if (item.remaining <= 0) return error(409, 'SOLD_OUT', `${itemId} is sold out`);
    const holdId = `H${String(this.nextHold++).padStart(8, '0')}`;
    this.holds.set(holdId, { account, itemId });
    return json(200, { code: 'HELD', holdId, itemId });
  }

  /** A queued booking: decided now, told after queueMs; the key's replay is the same ticket. */
  private enqueue(account: string, key: string, result: SimResponse, trueMs: number): SimResponse {
    const ticket = `Q${String(this.nextTicket++).padStart(8, '0')}`;
    this.tickets.set(ticket, { account, revealAtTrueMs: trueMs + this.scenario.queueMs, result });
    const queued = json(202, { code: 'QUEUED', ticket, pollAfterMs: Math.min(100, this.scenario.queueMs) });
    this.inventory.rememberResult(key, account, { status: 202, body: queued.body as Json });
    return queued;
  }

  private queueStatus(ticket: string, account: string, trueMs: number): SimResponse {
    const queued = this.tickets.get(ticket);
    if (!queued || queued.account !== account) return error(404, 'TICKET_NOT_FOUND', `no ticket ${ticket}`);
    if (trueMs < queued.revealAtTrueMs) return json(202, { code: 'QUEUED', ticket });
    return queued.result;
  }
}
