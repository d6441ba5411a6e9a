// Accounts and their tokens. Access tokens expire after accessTtlMs (401 TOKEN_EXPIRED); a refresh token issues a new
// access token until it expires itself.
import { randomBytes } from 'node:crypto';
import { accountPassword, accountUsername, type Scenario } from './scenario';

interface Token {
  account: string;
  expiresAtMs: number;
}

export type TokenCheck = { ok: true; account: string } | { ok: false; code: 'UNAUTHORIZED' | 'TOKEN_EXPIRED' };

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  accessExpiresInMs: number;
  refreshExpiresInMs: number;
}

export class Sessions {
  private readonly passwords = new Map<string, string>();
  private readonly accessTokens = new Map<string, Token>();
  private readonly refreshTokens = new Map<string, Token>();

  constructor(private readonly scenario: Scenario) {
    for (let index = 0; index < scenario.accounts.count; index += 1) {
      this.passwords.set(accountUsername(scenario, index), accountPassword(scenario, index));
    }
  }

  accounts(): Array<{ username: string; password: string }> {
    return [...this.passwords].map(([username, password]) => ({ username, password }));
  }

  known(username: string): boolean {
    return this.passwords.has(username);
  }

  verify(username: string, password: string): boolean {
    const expected = this.passwords.get(username);
    return expected !== undefined && expected === password;
  }

  login(account: string, nowMs: number): IssuedTokens {
    const refreshToken = randomBytes(18).toString('base64url');
    this.refreshTokens.set(refreshToken, { account, expiresAtMs: nowMs + this.scenario.tokens.refreshTtlMs });
    return { ...this.newAccess(account, nowMs), refreshToken, refreshExpiresInMs: this.scenario.tokens.refreshTtlMs };
  }

  refresh(refreshToken: string, nowMs: number): (IssuedTokens & { ok: true }) | { ok: false; code: string } {
    const token = this.refreshTokens.get(refreshToken);
    if (!token) return { ok: false, code: 'REFRESH_INVALID' };
    if (nowMs > token.expiresAtMs) return { ok: false, code: 'REFRESH_EXPIRED' };
    return {
      ok: true,
      ...this.newAccess(token.account, nowMs),
      refreshToken,
      refreshExpiresInMs: Math.round(token.expiresAtMs - nowMs),
    };
  }

  check(authorization: string | undefined, nowMs: number): TokenCheck {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const token = match ? this.accessTokens.get(match[1]!) : undefined;
    if (!token) return { ok: false, code: 'UNAUTHORIZED' };
    if (nowMs > token.expiresAtMs) return { ok: false, code: 'TOKEN_EXPIRED' };
    return { ok: true, account: token.account };
  }

  private newAccess(account: string, nowMs: number): { accessToken: string; accessExpiresInMs: number } {
    const accessToken = randomBytes(18).toString('base64url');
    this.accessTokens.set(accessToken, { account, expiresAtMs: nowMs + this.scenario.tokens.accessTtlMs });
    return { accessToken, accessExpiresInMs: this.scenario.tokens.accessTtlMs };
  }
}
