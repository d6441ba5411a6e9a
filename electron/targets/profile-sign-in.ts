// Sign-in as a target profile describes it: its login and refresh requests, and where the tokens are in the answers.
import { request } from 'undici';
import jmespath from 'jmespath';
import { TminusError } from '../errors';
import type { AccountTokens, Credentials, SignInAdapter } from '../accounts/sign-in';
import type { TargetProfile } from './profile-schema';
import { renderRequest } from './profile-requests';
import type { TemplateContext } from './template';

type TokenFields = TargetProfile['auth']['login']['tokens'];

/** Tokens without a stated lifetime are treated as good for an hour (access) and a day (refresh). */
const DEFAULT_ACCESS_MS = 3_600_000;
const DEFAULT_REFRESH_MS = 86_400_000;

export class ProfileSignIn implements SignInAdapter {
  constructor(
    private readonly profile: TargetProfile,
    private readonly baseUrl: () => string,
  ) {}

  private async call(step: 'login' | 'refresh', context: TemplateContext): Promise<unknown> {
    const described = step === 'login' ? this.profile.auth.login : this.profile.auth.refresh;
    if (!described) throw new TminusError('SIGN_IN_FAILED', `target ${this.profile.id} describes no ${step}`);
    const rendered = renderRequest(described.request, context);
    let response;
    try {
      response = await request(this.baseUrl() + rendered.path, {
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
    const body = (await response.body.json().catch(() => null)) as unknown;
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const code = body && typeof body === 'object' ? jmespath.search(body, this.profile.errorCode) : null;
      throw new TminusError(
        'SIGN_IN_FAILED',
        `${step}: HTTP ${response.statusCode}${typeof code === 'string' ? ` ${code}` : ''}`,
        {
          status: response.statusCode,
        },
      );
    }
    return body;
  }

  private tokens(body: unknown, fields: TokenFields, nowMs: number, previous?: AccountTokens): AccountTokens {
    const read = (expression: string | undefined): unknown =>
      expression ? jmespath.search((body ?? {}) as object, expression) : undefined;
    const access = read(fields.access);
    if (typeof access !== 'string' || access === '')
      throw new TminusError('SIGN_IN_FAILED', `no access token at '${fields.access}' in the answer`);
    const refresh = read(fields.refresh);
    const accessIn = Number(read(fields.accessExpiresInMs));
    const refreshIn = Number(read(fields.refreshExpiresInMs));
    return {
      accessToken: access,
      refreshToken: typeof refresh === 'string' && refresh !== '' ? refresh : (previous?.refreshToken ?? null),
      accessExpiresAtMs: nowMs + (Number.isFinite(accessIn) && accessIn > 0 ? accessIn : DEFAULT_ACCESS_MS),
      refreshExpiresAtMs:
        Number.isFinite(refreshIn) && refreshIn > 0
          ? nowMs + refreshIn
          : (previous?.refreshExpiresAtMs ?? nowMs + DEFAULT_REFRESH_MS),
    };
  }

  async login(credentials: Credentials, nowMs: number): Promise<AccountTokens> {
    const body = await this.call('login', {
      'account.username': credentials.username,
      'account.password': credentials.password,
    });
    return this.tokens(body, this.profile.auth.login.tokens, nowMs);
  }

  async refresh(tokens: AccountTokens, nowMs: number): Promise<AccountTokens> {
    if (!this.profile.auth.refresh)
      throw new TminusError('SIGN_IN_FAILED', `target ${this.profile.id} describes no refresh`);
    if (!tokens.refreshToken) throw new TminusError('SIGN_IN_FAILED', 'no refresh token');
    const body = await this.call('refresh', {
      'tokens.refresh': tokens.refreshToken,
      'tokens.access': tokens.accessToken,
    });
    return this.tokens(body, this.profile.auth.refresh.tokens, nowMs, tokens);
  }
}
