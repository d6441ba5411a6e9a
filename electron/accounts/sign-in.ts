// How an account signs in to its target and keeps its tokens fresh. A target profile describes it declaratively
// (targets/profile-sign-in.ts); expiries are on this machine's clock.

export interface AccountTokens {
  accessToken: string;
  refreshToken: string | null;
  accessExpiresAtMs: number;
  refreshExpiresAtMs: number;
  /** Cookies a browser sign-in captured, by name. */
  cookies?: Record<string, string>;
  /** The account's cookie jar (targets whose session is a cookie), as tough-cookie serialises it. */
  jar?: string;
}

export interface Credentials {
  username: string;
  password: string;
  /** The account's fields beyond username and password ({{account.fields.NAME}}), secret ones opened. */
  fields?: Record<string, string>;
}

export interface SignInAdapter {
  login(credentials: Credentials, nowMs: number): Promise<AccountTokens>;
  /** Throws SIGN_IN_FAILED when the refresh token is refused. */
  refresh(tokens: AccountTokens, nowMs: number): Promise<AccountTokens>;
  /** Whether the target still takes this session (a cheap signed-in request); absent where it has none to ask. */
  check?(tokens: AccountTokens): Promise<'valid' | 'refused'>;
  /** Can a refresh be tried at all (the target describes one)? */
  readonly canRefresh?: boolean;
  /** Can a session be proven by asking (a health request)? */
  readonly canCheck?: boolean;
  /** The target has no sign-in at all: accounts carry identity only, and nothing is ever refreshed. */
  readonly none?: boolean;
}

/** The adapter of a target without sign-in: there is no session to make, keep or prove. */
export const NO_SIGN_IN: SignInAdapter = {
  none: true,
  login: () => Promise.reject(new Error('this target has no sign-in')),
  refresh: () => Promise.reject(new Error('this target has no sign-in')),
};
