// How an account signs in to its target and keeps its tokens fresh. Target profiles (with the engine) describe this
// declaratively; until then the simulator's login is the one implementation. Expiries are on this machine's clock.
import { request } from 'undici';
import { TminusError } from '../errors';

export interface AccountTokens {
  accessToken: string;
  refreshToken: string | null;
  accessExpiresAtMs: number;
  refreshExpiresAtMs: number;
  /** Cookies a browser sign-in captured, by name. */
  cookies?: Record<string, string>;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface SignInAdapter {
  login(credentials: Credentials, nowMs: number): Promise<AccountTokens>;
  /** Throws SIGN_IN_FAILED when the refresh token is refused. */
  refresh(tokens: AccountTokens, nowMs: number): Promise<AccountTokens>;
}

interface SimTokenBody {
  code: string;
  message?: string;
  accessToken: string;
  refreshToken: string;
  accessExpiresInMs: number;
  refreshExpiresInMs: number;
}

/** The built-in simulator's POST /api/login and /api/refresh. `baseUrl` is read per call: the simulator may restart. */
export class SimulatorSignIn implements SignInAdapter {
  constructor(private readonly baseUrl: () => string) {}

  private async post(path: string, body: unknown): Promise<SimTokenBody> {
    let response;
    try {
      response = await request(this.baseUrl() + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
    } catch (error) {
      throw new TminusError(
        'SIGN_IN_FAILED',
        `${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const answer = (await response.body.json().catch(() => ({}))) as SimTokenBody;
    if (response.statusCode !== 200) {
      throw new TminusError('SIGN_IN_FAILED', `${path}: HTTP ${response.statusCode} ${answer.code ?? ''}`.trim(), {
        status: response.statusCode,
        code: answer.code,
      });
    }
    return answer;
  }

  private tokens(answer: SimTokenBody, nowMs: number): AccountTokens {
    return {
      accessToken: answer.accessToken,
      refreshToken: answer.refreshToken,
      accessExpiresAtMs: nowMs + answer.accessExpiresInMs,
      refreshExpiresAtMs: nowMs + answer.refreshExpiresInMs,
    };
  }

  async login(credentials: Credentials, nowMs: number): Promise<AccountTokens> {
    return this.tokens(await this.post('/api/login', credentials), nowMs);
  }

  async refresh(tokens: AccountTokens, nowMs: number): Promise<AccountTokens> {
    if (!tokens.refreshToken) throw new TminusError('SIGN_IN_FAILED', 'no refresh token');
    return this.tokens(await this.post('/api/refresh', { refreshToken: tokens.refreshToken }), nowMs);
  }
}
