// Keeps accounts signed in without burning logins (and their captchas): a token is refreshed ahead of its expiry while
// the refresh token is good; only a refused refresh leads to a new login. Mid-campaign, an `unauthorized` answer gets
// exactly one refresh and then one re-login before the account is given up.
import type { AccountsRepository } from '../store';
import type { SecretBox } from '../secrets';
import { openFields } from './account-fields';
import type { LocalClock } from '../clock';
import { TminusError } from '../errors';
import type { AccountTokens, SignInAdapter } from './sign-in';

export type FreshnessAction = 'valid' | 'refreshed' | 'logged-in';

const TRANSIENT_TRIES = 4;

/** The target told us to wait (429 or 503): the caller waits it out inside its budget and tries again. */
export function isToldToWait(error: unknown): boolean {
  const status = (error as TminusError).details?.status;
  return status === 429 || status === 503;
}

/** A server error or a network failure is worth three more tries (with a short backoff); a refusal (4xx) is not. */
async function withTransientRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const status = (error as TminusError).details?.status;
      const transient = (typeof status !== 'number' || status >= 500) && !isToldToWait(error);
      if (!transient || attempt >= TRANSIENT_TRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt * (0.5 + Math.random())));
    }
  }
}

export interface SessionKeeperOptions {
  accounts: AccountsRepository;
  secrets: SecretBox;
  clock: LocalClock;
  adapterFor: (targetId: string) => SignInAdapter;
  /** Refresh when the access token has less than this left. */
  refreshMarginMs?: number;
  onChange?: (accountId: number, targetId: string) => void;
}

export class SessionKeeper {
  readonly refreshMarginMs: number;
  private readonly inFlight = new Map<number, Promise<FreshnessAction>>();

  constructor(private readonly options: SessionKeeperOptions) {
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
  }

  /** Main side only: the account's current tokens (never sent to the renderer). */
  tokens(accountId: number): AccountTokens | null {
    const sealed = this.options.accounts.sealedSecrets(accountId);
    if (!sealed?.tokens) return null;
    return JSON.parse(this.options.secrets.open(sealed.tokens)) as AccountTokens;
  }

  private store(accountId: number, targetId: string, tokens: AccountTokens): void {
    const sealed = this.options.secrets.seal(JSON.stringify(tokens));
    this.options.accounts.setTokens(
      accountId,
      sealed,
      tokens.accessExpiresAtMs,
      tokens.refreshExpiresAtMs,
      this.options.clock.nowMs(),
    );
    this.options.onChange?.(accountId, targetId);
  }

  /** Stores tokens captured elsewhere (a browser sign-in). */
  adopt(accountId: number, tokens: AccountTokens): void {
    const account = this.options.accounts.get(accountId);
    if (!account) throw new TminusError('ACCOUNT_NOT_FOUND', `no account ${accountId}`);
    this.store(accountId, account.targetId, tokens);
  }

  async login(accountId: number): Promise<void> {
    const account = this.options.accounts.get(accountId);
    const sealed = this.options.accounts.sealedSecrets(accountId);
    if (!account || !sealed) throw new TminusError('ACCOUNT_NOT_FOUND', `no account ${accountId}`);
    if (!sealed.password) {
      const message = `${account.username} has no password: sign it in with the browser`;
      this.options.accounts.markSignInFailed(accountId, message, this.options.clock.nowMs());
      throw new TminusError('SIGN_IN_FAILED', message);
    }
    try {
      const tokens = await this.options.adapterFor(account.targetId).login(
        {
          username: account.username,
          password: this.options.secrets.open(sealed.password),
          fields: openFields(account.fields, sealed.secretFields, (blob) => this.options.secrets.open(blob)),
        },
        this.options.clock.nowMs(),
      );
      this.store(accountId, account.targetId, tokens);
    } catch (error) {
      const message = `${account.username}: login failed: ${(error as Error).message}`;
      const details = (error as TminusError).details;
      // Told to wait (429/503) is the target's load, not the account's fault: its health is left as it was.
      if (!isToldToWait(error)) {
        this.options.accounts.markSignInFailed(accountId, message, this.options.clock.nowMs());
        this.options.onChange?.(accountId, account.targetId);
      }
      throw new TminusError('SIGN_IN_FAILED', message, details);
    }
  }

  private async refresh(accountId: number, tokens: AccountTokens): Promise<boolean> {
    const account = this.options.accounts.get(accountId)!;
    try {
      const adapter = this.options.adapterFor(account.targetId);
      const fresh = await withTransientRetries(() => adapter.refresh(tokens, this.options.clock.nowMs()));
      this.store(accountId, account.targetId, { ...fresh, cookies: tokens.cookies });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Makes sure the account holds an access token good for at least the margin: nothing when it does; a refresh while
   * the refresh token is good; a login only when the refresh is refused or impossible. One at a time per account.
   */
  ensureFresh(accountId: number): Promise<FreshnessAction> {
    const running = this.inFlight.get(accountId);
    if (running) return running;
    const work = this.freshen(accountId).finally(() => this.inFlight.delete(accountId));
    this.inFlight.set(accountId, work);
    return work;
  }

  /** Does this account's target sign in at all? */
  private signsIn(accountId: number): boolean {
    const account = this.options.accounts.get(accountId);
    return !account || this.options.adapterFor(account.targetId).none !== true;
  }

  private async freshen(accountId: number): Promise<FreshnessAction> {
    if (!this.signsIn(accountId)) return 'valid';
    const now = this.options.clock.nowMs();
    const tokens = this.tokens(accountId);
    if (tokens && tokens.accessExpiresAtMs - now > this.refreshMarginMs) return 'valid';
    if (
      (tokens?.refreshToken || tokens?.jar) &&
      tokens.refreshExpiresAtMs > now &&
      (await this.refresh(accountId, tokens))
    )
      return 'refreshed';
    await this.login(accountId);
    return 'logged-in';
  }

  /**
   * The health check's version of ensureFresh: refreshes ahead of expiry but never logs in (a login may cost a
   * captcha and looks like a new device to the target); a refused refresh flags the account for sign-in instead.
   */
  async keepAlive(accountId: number): Promise<'valid' | 'refreshed' | 'needs-sign-in'> {
    if (!this.signsIn(accountId)) return 'valid';
    const now = this.options.clock.nowMs();
    const tokens = this.tokens(accountId);
    if (tokens && tokens.accessExpiresAtMs - now > this.refreshMarginMs) return 'valid';
    if (tokens?.refreshToken && tokens.refreshExpiresAtMs > now && (await this.refresh(accountId, tokens)))
      return 'refreshed';
    const account = this.options.accounts.get(accountId);
    this.options.accounts.markSignInFailed(
      accountId,
      'the session expired and could not be refreshed: sign in again',
      now,
    );
    if (account) this.options.onChange?.(accountId, account.targetId);
    return 'needs-sign-in';
  }

  /**
   * Arming's check: a session known to be fresh is proven with the target — its health request where the profile
   * has one, else a refresh — and signed in again when refused. A target with neither is trusted on the expiry.
   */
  async verify(accountId: number): Promise<FreshnessAction> {
    const action = await this.ensureFresh(accountId);
    if (action !== 'valid') return action;
    const account = this.options.accounts.get(accountId);
    const tokens = this.tokens(accountId);
    if (!account || !tokens) return action;
    const adapter = this.options.adapterFor(account.targetId);
    if (adapter.none) return 'valid';
    if (adapter.canCheck && adapter.check) {
      if ((await adapter.check(tokens)) === 'valid') return 'valid';
      return this.recoverFromUnauthorized(accountId);
    }
    if (adapter.canRefresh && (tokens.refreshToken || tokens.jar)) return this.recoverFromUnauthorized(accountId);
    return 'valid';
  }

  /** The target said `unauthorized` mid-campaign: one refresh, then one re-login; throws if both fail. */
  async recoverFromUnauthorized(accountId: number): Promise<'refreshed' | 'logged-in'> {
    const tokens = this.tokens(accountId);
    if ((tokens?.refreshToken || tokens?.jar) && (await this.refresh(accountId, tokens))) return 'refreshed';
    await this.login(accountId);
    return 'logged-in';
  }
}
