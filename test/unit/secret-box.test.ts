// Secrets at rest: what is sealed opens again only with the key and sealer that sealed it, a tampered blob is refused,
// the version byte says which sealer, and the key file is the user's alone.
import { describe, expect, it } from 'vitest';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SecretBox,
  keyFileSealer,
  loadOrCreateKey,
  KEY_FILE,
  SEALER_KEY_FILE,
  SEALER_SAFE_STORAGE,
  type Sealer,
} from '../../electron/secrets';
import { makeTempDir } from '../helpers/temp-dir';

const key = (byte: number): Buffer => Buffer.alloc(32, byte);

describe('secret box', () => {
  it('opens what it sealed, and never holds the plain text in the blob', () => {
    const box = new SecretBox(keyFileSealer(key(1)));
    const sealed = box.seal('hunter2 — 密码');
    expect(sealed[0]).toBe(SEALER_KEY_FILE);
    expect(sealed.length).toBe(1 + 12 + 16 + Buffer.byteLength('hunter2 — 密码'));
    expect(sealed.includes(Buffer.from('hunter2'))).toBe(false);
    expect(box.open(sealed)).toBe('hunter2 — 密码');
    expect(box.sealerName).toBe('key file');
  });

  it('seals the same text differently each time (a fresh IV)', () => {
    const box = new SecretBox(keyFileSealer(key(1)));
    expect(box.seal('same').equals(box.seal('same'))).toBe(false);
  });

  it('refuses a blob sealed with another key, naming the sealer', () => {
    const sealed = new SecretBox(keyFileSealer(key(1))).seal('x');
    expect(() => new SecretBox(keyFileSealer(key(2))).open(sealed)).toThrow(
      expect.objectContaining({
        code: 'SECRET_UNREADABLE',
        message: 'a stored secret cannot be opened with the key file (was the key file replaced?)',
      }),
    );
  });

  it('refuses a tampered blob: one flipped bit of the ciphertext or of the tag', () => {
    const box = new SecretBox(keyFileSealer(key(1)));
    for (const at of [1 + 12 + 16, 1 + 12, 1]) {
      const sealed = box.seal('secret');
      sealed[at]! ^= 1;
      expect(() => box.open(sealed)).toThrow(/cannot be opened/);
    }
  });

  it('says a desktop-sealed secret must be opened there, and names an unknown sealer', () => {
    const box = new SecretBox(keyFileSealer(key(1)));
    expect(() => box.open(Buffer.from([SEALER_SAFE_STORAGE, 1, 2, 3]))).toThrow(/sealed by the desktop app/);
    expect(() => box.open(Buffer.from([9, 1, 2]))).toThrow(
      expect.objectContaining({
        code: 'SECRET_UNREADABLE',
        message: 'a stored secret cannot be opened: unknown sealer 9',
      }),
    );
    expect(() => box.open(Buffer.alloc(0))).toThrow(/unknown sealer undefined/);
  });

  it('opens with any sealer it was given, and seals with the preferred one', () => {
    const reversed: Sealer = {
      version: SEALER_SAFE_STORAGE,
      name: 'test keychain',
      seal: (plain) => Buffer.from([...plain].reverse()),
      open: (sealed) => Buffer.from([...sealed].reverse()),
    };
    const fromFile = new SecretBox(keyFileSealer(key(1))).seal('old');
    const box = new SecretBox(reversed, [keyFileSealer(key(1))]);
    expect(box.open(fromFile)).toBe('old');
    const fresh = box.seal('new');
    expect(fresh[0]).toBe(SEALER_SAFE_STORAGE);
    expect(box.open(fresh)).toBe('new');
  });
});

describe('key file', () => {
  it('creates a 32-byte key readable by the user only, and reads the same key again', () => {
    const temp = makeTempDir();
    try {
      const first = loadOrCreateKey(temp.dir);
      expect(first).toHaveLength(32);
      if (process.platform !== 'win32') expect(statSync(join(temp.dir, KEY_FILE)).mode & 0o777).toBe(0o600);
      expect(loadOrCreateKey(temp.dir).equals(first)).toBe(true);
    } finally {
      temp.remove();
    }
  });

  it('refuses a key file that is not 32 bytes', () => {
    const temp = makeTempDir();
    try {
      writeFileSync(join(temp.dir, KEY_FILE), Buffer.alloc(16), { mode: 0o600 });
      expect(() => loadOrCreateKey(temp.dir)).toThrow(/is not a 32-byte key/);
    } finally {
      temp.remove();
    }
  });
});
