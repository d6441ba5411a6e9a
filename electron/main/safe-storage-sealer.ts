// Seals secrets with Electron's safeStorage (the OS keychain: Keychain, DPAPI, libsecret/kwallet).
import { safeStorage } from 'electron';
import { SEALER_SAFE_STORAGE, type Sealer } from '../secrets';

/** null where the OS offers no keychain (e.g. Linux without a secret service): the key file is used instead. */
export function safeStorageSealer(): Sealer | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return null;
  return {
    version: SEALER_SAFE_STORAGE,
    name: 'OS keychain (safeStorage)',
    seal: (plain) => safeStorage.encryptString(plain.toString('utf8')),
    open: (sealed) => Buffer.from(safeStorage.decryptString(sealed), 'utf8'),
  };
}
