// Sealing secrets (passwords, tokens, notifier keys) before they reach SQLite. Each sealed blob starts with a version
// byte naming its sealer, so a database written by the CLI (key file) opens in the desktop app (OS keychain via
// Electron safeStorage) and the reverse fails with a clear message instead of garbage.
import { TminusError } from '../errors';

export const SEALER_KEY_FILE = 1;
export const SEALER_SAFE_STORAGE = 2;

export interface Sealer {
  readonly version: number;
  readonly name: string;
  seal(plain: Buffer): Buffer;
  open(sealed: Buffer): Buffer;
}

export class SecretBox {
  private readonly byVersion = new Map<number, Sealer>();

  /** `preferred` seals new secrets; every sealer given can open. */
  constructor(
    private readonly preferred: Sealer,
    others: Sealer[] = [],
  ) {
    for (const sealer of [preferred, ...others]) this.byVersion.set(sealer.version, sealer);
  }

  get sealerName(): string {
    return this.preferred.name;
  }

  seal(plain: string): Buffer {
    const body = this.preferred.seal(Buffer.from(plain, 'utf8'));
    return Buffer.concat([Buffer.from([this.preferred.version]), body]);
  }

  open(sealed: Buffer): string {
    const sealer = this.byVersion.get(sealed[0] ?? -1);
    if (!sealer) {
      const hint =
        sealed[0] === SEALER_SAFE_STORAGE
          ? 'it was sealed by the desktop app with the OS keychain; open it there, or sign the account in again here'
          : `unknown sealer ${sealed[0]}`;
      throw new TminusError('SECRET_UNREADABLE', `a stored secret cannot be opened: ${hint}`);
    }
    try {
      return sealer.open(sealed.subarray(1)).toString('utf8');
    } catch {
      throw new TminusError(
        'SECRET_UNREADABLE',
        `a stored secret cannot be opened with the ${sealer.name} (was the key file replaced?)`,
      );
    }
  }
}
