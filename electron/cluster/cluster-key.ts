// The cluster key: 32 random bytes the operator places on every machine of a cluster (`tminus cluster key` prints
// or creates it; `--set` writes one copied from another machine). Everything secret that crosses Redis (account
// credentials, tokens) is sealed with it (AES-256-GCM, the context as associated data so a blob cannot be replayed
// as another account's); Redis holds only a keyed check of it, so a node with another key, or none, joins nothing.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TminusError } from '../errors';

export const CLUSTER_KEY_FILE = 'cluster.key';

const KEY_BYTES = 32;

function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[A-Za-z0-9+/_-]+=*$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES)
    throw new TminusError('CLUSTER_KEY_MISMATCH', `${where}: a cluster key is 32 bytes in base64 (44 characters)`);
  return key;
}

/** This machine's cluster key, or CLUSTER_KEY_MISSING naming the file and the command that makes one. */
export function loadClusterKey(dataDir: string): Buffer {
  const file = join(dataDir, CLUSTER_KEY_FILE);
  if (!existsSync(file))
    throw new TminusError(
      'CLUSTER_KEY_MISSING',
      `no cluster key in ${file}: run \`tminus cluster key\` on one machine and \`tminus cluster key --set KEY\` on the others`,
    );
  return decodeKey(readFileSync(file, 'utf8'), file);
}

/** The key in base64, created (0600) when the data dir has none; `text` writes the one given instead. */
export function writeClusterKey(dataDir: string, text?: string): { key: string; created: boolean } {
  const file = join(dataDir, CLUSTER_KEY_FILE);
  if (text === undefined && existsSync(file))
    return { key: loadClusterKey(dataDir).toString('base64'), created: false };
  const key = text === undefined ? randomBytes(KEY_BYTES) : decodeKey(text, '--set');
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  if (process.platform !== 'win32') chmodSync(file, 0o600);
  return { key: key.toString('base64'), created: true };
}

export class ClusterSealer {
  private readonly sealKey: Buffer;
  /** A keyed digest of the key: equal on two machines exactly when their keys are; reveals nothing of it. */
  readonly keyCheck: string;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new TminusError('CLUSTER_KEY_MISMATCH', 'a cluster key is 32 bytes');
    this.sealKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'tminus cluster seal', KEY_BYTES));
    this.keyCheck = createHmac('sha256', key).update('tminus cluster key check').digest('base64url');
  }

  /** iv (12) | tag (16) | ciphertext, base64; `context` (e.g. `account:ID`) must be the same to open it. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(sealed: string, context: string): string {
    const blob = Buffer.from(sealed, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, blob.subarray(0, 12));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(blob.subarray(12, 28));
      return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new TminusError(
        'CLUSTER_KEY_MISMATCH',
        `a sealed ${context} does not open with this machine's cluster key`,
      );
    }
  }
}
