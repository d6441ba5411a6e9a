// Secrets at rest: a SecretBox seals with the preferred sealer (safeStorage in the desktop app, else the key file).
export { SecretBox, SEALER_KEY_FILE, SEALER_SAFE_STORAGE, type Sealer } from './secret-box';
export { keyFileSealer, loadOrCreateKey, KEY_FILE } from './key-file-sealer';
