// Sign-in as a target profile describes it: its login and refresh requests, where the tokens are in the answers (or
// the cookies they set), and its health request that proves a session. Every request waits for its slot in the
// target's budget first; a 429/503 is reported with the wait the target asked for, so the caller can wait it out.
import { request } from 'undici';
import { TminusError } from '../errors';
import type { AccountTokens, Credentials, SignInAdapter } from '../accounts/sign-in';
import type { TargetProfile } from './profile-schema';
import { renderRequest } from './profile-requests';
import { fieldVariables, type TemplateContext } from './template';
import { readAnswer, searchJson, type ReadableAnswer } from './answer-reader';
import { SessionCookies } from './session-cookies';
import { retryAfterMs } from '../common/retry-after';

type Auth = NonNullable<TargetProfile['auth']>;
type TokenFields = Auth['login']['tokens'];

/** Tokens without a stated lifetime are treated as good for an hour (access) and a day (refresh). */
const DEFAULT_ACCESS_MS = 3_600_000;
const DEFAULT_REFRESH_MS = 86_400_000;

export interface ProfileSignInOptions {
  /** Waits for a slot in the target's budget (resolves at once where there is none). */
  gate?: () => Promise<void>;
}

export class ProfileSignIn implements SignInAdapter {
  private readonly auth: Auth;

  constructor(
    private readonly profile: TargetProfile,
    private readonly baseUrl: () => string,
    private readonly options: ProfileSignInOptions = {},
  ) {
    if (!profile.auth) throw new TminusError('SIGN_IN_FAILED', `target ${profile.id} has no sign-in`);
    this.auth = profile.auth;
  }

  get canRefresh(): boolean {
    return this.auth.refresh !== undefined;
  }

  get canCheck(): boolean {
    return this.auth.health !== undefined;
  }

  private async send(
    step: string,
    template: Auth['login']['request'],
    context: TemplateContext,
    cookies: SessionCookies | null,
    withSession: boolean,
  ): Promise<{ status: number; answer: ReadableAnswer }> {
    const url = this.baseUrl();
    // The jar's cookies go with every step (a login page may set some first); the header only with a session.
    const rendered = renderRequest(template, context, {
      header: withSession ? this.auth.header : undefined,
      cookie: cookies?.header(url + template.path),
    });
    await this.options.gate?.();
    let response;
    try {
      response = await request(url + rendered.path, {
        method: rendered.method as 'POST',
        headers: rendered.headers,
        body: rendered.body,
        headersTimeout: this.profile.limits.timeoutMs,
        bodyTimeout: this.profile.limits.timeoutMs,
      });
    } catch (error) {
      throw new TminusError(
        'SIGN_IN_FAILED',
        `${step}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const raw = Buffer.from(await response.body.arrayBuffer().catch(() => new ArrayBuffer(0)));
    let body: unknown = null;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : null;
    } catch {
      body = null;
    }
    const answer: ReadableAnswer = { headers: response.headers, body, raw };
    cookies?.take(url + rendered.path, response.headers);
    return { status: response.statusCode, answer };
  }

  private refused(step: string, status: number, answer: ReadableAnswer): TminusError {
    const code = searchJson(answer.body, this.profile.errorCode);
    const wait = retryAfterMs(answer.headers, Date.now());
    return new TminusError('SIGN_IN_FAILED', `${step}: HTTP ${status}${typeof code === 'string' ? ` ${code}` : ''}`, {
      status,
      ...(wait === null ? {} : { retryAfterMs: wait }),
    });
  }

  private tokens(
    answer: ReadableAnswer,
    fields: TokenFields,
    nowMs: number,
    cookies: SessionCookies | null,
    previous?: AccountTokens,
  ): AccountTokens {
    const read = (reader: TokenFields['access']): unknown => (reader ? readAnswer(reader, answer) : undefined);
    const access = read(fields.access);
    if (fields.access && (typeof access !== 'string' || access === ''))
      throw new TminusError('SIGN_IN_FAILED', `no access token at ${JSON.stringify(fields.access)} in the answer`);
    const refresh = read(fields.refresh);
    const accessIn = Number(read(fields.accessExpiresInMs));
    const refreshIn = Number(read(fields.refreshExpiresInMs));
    return {
      accessToken: typeof access === 'string' ? access : '',
      refreshToken: typeof refresh === 'string' && refresh !== '' ? refresh : (previous?.refreshToken ?? null),
      accessExpiresAtMs: nowMs + (Number.isFinite(accessIn) && accessIn > 0 ? accessIn : DEFAULT_ACCESS_MS),
      refreshExpiresAtMs:
        Number.isFinite(refreshIn) && refreshIn > 0
          ? nowMs + refreshIn
          : (previous?.refreshExpiresAtMs ?? nowMs + DEFAULT_REFRESH_MS),
      ...(cookies ? { jar: cookies.serialise() } : {}),
    };
  }

  private jar(tokens: AccountTokens | null): SessionCookies | null {
    return this.auth.cookies ? SessionCookies.fromTokens(tokens, this.baseUrl()) : null;
  }

  async login(credentials: Credentials, nowMs: number): Promise<AccountTokens> {
    const cookies = this.auth.cookies ? SessionCookies.empty() : null;
    const context: TemplateContext = {
      'account.username': credentials.username,
      'account.password': credentials.password,
      ...fieldVariables(credentials.fields ?? {}),
    };
    const { status, answer } = await this.send('login', this.auth.login.request, context, cookies, false);
    if (status < 200 || status >= 300) throw this.refused('login', status, answer);
    return this.tokens(answer, this.auth.login.tokens, nowMs, cookies);
  }

  async refresh(tokens: AccountTokens, nowMs: number): Promise<AccountTokens> {
    const described = this.auth.refresh;
    if (!described) throw new TminusError('SIGN_IN_FAILED', `target ${this.profile.id} describes no refresh`);
    if (!tokens.refreshToken && !this.auth.cookies) throw new TminusError('SIGN_IN_FAILED', 'no refresh token');
    const cookies = this.jar(tokens);
    const { status, answer } = await this.send(
      'refresh',
      described.request,
      { 'tokens.refresh': tokens.refreshToken ?? '', 'tokens.access': tokens.accessToken },
      cookies,
      false,
    );
    if (status < 200 || status >= 300) throw this.refused('refresh', status, answer);
    return this.tokens(answer, described.tokens, nowMs, cookies, tokens);
  }

  /** The health request with this session: 401/403 is a refused session; a 429/503 throws with its wait. */
  async check(tokens: AccountTokens): Promise<'valid' | 'refused'> {
    const health = this.auth.health;
    if (!health) return 'valid';
    const { status, answer } = await this.send(
      'health',
      health,
      { 'tokens.access': tokens.accessToken, 'tokens.refresh': tokens.refreshToken ?? '' },
      this.jar(tokens),
      true,
    );
    if (status === 401 || status === 403) return 'refused';
    if (status === 429 || status === 503) throw this.refused('health', status, answer);
    return 'valid';
  }
}
