// The profile's request and answer shapes off the simulator's JSON: form and text bodies, query maps, the session as
// a header and cookies, and readers of headers, cookies, HTML and image bytes.
import { describe, expect, it } from 'vitest';
import { renderRequest } from '../../electron/targets/profile-requests';
import { readAnswer } from '../../electron/targets/answer-reader';
import { SessionCookies } from '../../electron/targets/session-cookies';
import { RequestTemplateSchema, TargetProfileSchema } from '../../electron/targets/profile-schema';
import { validateProfile, profileCaveats } from '../../electron/targets/profile-loader';
import { simulatorProfileText } from '../helpers/simulator-profile';

const template = (input: unknown) => RequestTemplateSchema.parse(input);

describe('requests', () => {
  it('sends a form body URL-encoded, query parameters on the path, and the session as header and cookie', () => {
    const request = renderRequest(
      template({
        method: 'POST',
        path: '/book/{{campaign.item}}',
        query: { seat: 'a b', who: '{{account.username}}' },
        form: { passenger: '{{account.fields.passenger}}', note: 'x&y=z' },
      }),
      { 'campaign.item': 'G1', 'account.username': 'ann', 'account.fields.passenger': 'P 7', 'tokens.access': 'T' },
      { header: { name: 'Authorization', value: 'Bearer {{tokens.access}}' }, cookie: 'sid=abc' },
    );
    expect(request.path).toBe('/book/G1?seat=a+b&who=ann');
    expect(request.body).toBe('passenger=P+7&note=x%26y%3Dz');
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Bearer T',
      cookie: 'sid=abc',
    });
  });

  it('sends a raw text body with its content type, and refuses two bodies', () => {
    const request = renderRequest(
      template({ method: 'POST', path: '/x', text: '<a>{{campaign.item}}</a>', contentType: 'application/xml' }),
      { 'campaign.item': 'G1' },
    );
    expect(request).toMatchObject({ body: '<a>G1</a>', headers: { 'content-type': 'application/xml' } });
    expect(RequestTemplateSchema.safeParse({ path: '/x', json: {}, form: {} }).success).toBe(false);
  });
});

describe('readers', () => {
  const answer = {
    headers: { 'x-captcha-id': 'C9', 'set-cookie': ['sid=S1; Path=/; HttpOnly', 'lang=en'] },
    body: { order: { id: 'O1' } },
    raw: Buffer.from('<html><span id="order">O-77</span></html>'),
  };

  it('reads JSON, a header, a cookie the answer sets, a regex over HTML, and the bytes', () => {
    expect(readAnswer('order.id', answer)).toBe('O1');
    expect(readAnswer({ json: 'order.id' }, answer)).toBe('O1');
    expect(readAnswer({ header: 'X-Captcha-Id' }, answer)).toBe('C9');
    expect(readAnswer({ cookie: 'sid' }, answer)).toBe('S1');
    expect(readAnswer({ regex: 'id="order">([^<]+)<', group: 1 }, answer)).toBe('O-77');
    expect(readAnswer({ bytes: true }, answer)).toBe(answer.raw.toString('base64'));
    expect(readAnswer({ header: 'x-missing' }, answer)).toBeNull();
  });
});

describe('cookie jar', () => {
  it('sends back what the target set, by path, and survives being sealed and opened', () => {
    const jar = SessionCookies.empty();
    jar.take('http://127.0.0.1:9/api/login', { 'set-cookie': ['sid=S1; Path=/', 'only=1; Path=/admin'] });
    expect(jar.header('http://127.0.0.1:9/api/book')).toBe('sid=S1');
    const again = SessionCookies.fromTokens(
      { accessToken: '', refreshToken: null, accessExpiresAtMs: 0, refreshExpiresAtMs: 0, jar: jar.serialise() },
      'http://127.0.0.1:9',
    );
    expect(again.header('http://127.0.0.1:9/admin/x')).toContain('only=1');
  });
});

describe('profile shapes', () => {
  const base = simulatorProfileText();

  it("accepts a target without sign-in ('none' or absent) and says what a missing order lookup costs", () => {
    const noAuth = base
      .replace(/\nauth:[\s\S]*?\ncaptcha:/, '\nauth: none\ncaptcha:')
      .replace(/\norderStatus:[\s\S]*$/, '\n');
    const checked = validateProfile(noAuth);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.profile.auth).toBeUndefined();
    expect(profileCaveats(checked.profile).join(' ')).toMatch(
      /no orderStatus.*reconciliation after a crash cannot ask/,
    );
  });

  it('refuses a client scope on anything but rateLimited, and a poll without a pending outcome', () => {
    const scoped = validateProfile(
      base.replace('- { status: 425, outcome: notOpen }', '- { status: 425, outcome: notOpen, scope: client }'),
    );
    expect(scoped.ok).toBe(false);
    if (!scoped.ok) expect(scoped.problems.map((p) => p.path).join(' ')).toMatch(/outcomes\.\d+\.scope/);
    const poll = validateProfile(
      base.replace(
        '  idempotencyKeyHonoured: true',
        "  idempotencyKeyHonoured: true\n  poll: { request: { path: '/api/queue/{{vars.ticket}}' } }",
      ),
    );
    expect(poll.ok).toBe(false);
    if (!poll.ok) expect(poll.problems[0]!.message).toMatch(/pending/);
  });

  it('keeps a session in cookies only with cookies: true', () => {
    const parsed = TargetProfileSchema.safeParse({
      id: 'x',
      name: 'x',
      builtin: true,
      limits: { targetRatePerSec: 1, targetBurst: 1, accountRatePerSec: 1, accountBurst: 1 },
      time: { kind: 'http-date', path: '/' },
      auth: { login: { request: { path: '/login' }, tokens: {} } },
      book: { request: { path: '/b' } },
      outcomes: [{ outcome: 'fatal' }],
    });
    expect(parsed.success).toBe(false);
  });
});
