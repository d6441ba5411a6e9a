// An account's cookie jar, for targets whose session is a cookie: what the target sets (Set-Cookie) is kept and sent
// back by the cookie rules (domain, path, expiry, Secure) — tough-cookie does the rules. It travels with the account's
// tokens, sealed, as tough-cookie's own serialisation.
import { CookieJar } from 'tough-cookie';
import type { AccountTokens } from '../accounts/sign-in';

export class SessionCookies {
  private constructor(private readonly jar: CookieJar) {}

  static empty(): SessionCookies {
    return new SessionCookies(new CookieJar());
  }

  /** The jar an account's tokens carry, or a new one holding the cookies a browser sign-in captured for `url`. */
  static fromTokens(tokens: AccountTokens | null, url: string): SessionCookies {
    if (tokens?.jar) {
      try {
        return new SessionCookies(CookieJar.deserializeSync(tokens.jar));
      } catch {
        // an unreadable jar is an empty one: the next sign-in fills it
      }
    }
    const cookies = SessionCookies.empty();
    for (const [name, value] of Object.entries(tokens?.cookies ?? {})) cookies.set(`${name}=${value}; Path=/`, url);
    return cookies;
  }

  /** Keeps what an answer from `url` sets. */
  take(url: string, headers: Record<string, string | string[] | undefined>): void {
    const raw = headers['set-cookie'];
    for (const line of Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) this.set(line, url);
  }

  private set(line: string, url: string): void {
    try {
      this.jar.setCookieSync(line, url, { ignoreError: true });
    } catch {
      // a cookie the rules refuse (another domain) is not kept
    }
  }

  /** The Cookie header for a request to `url`, or '' when no cookie applies. */
  header(url: string): string {
    return this.jar.getCookieStringSync(url);
  }

  serialise(): string {
    return JSON.stringify(this.jar.serializeSync());
  }
}
