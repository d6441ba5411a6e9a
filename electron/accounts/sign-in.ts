// How an account signs in to its target and keeps its tokens fresh. A target profile describes it declaratively
// (targets/profile-sign-in.ts); expiries are on this machine's clock.

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
