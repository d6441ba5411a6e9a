// postinstall: rebuild native modules (better-sqlite3, onnxruntime-node) for Electron's ABI where the Electron binary
// exists; where it does not, say so in one line and leave the Node builds alone, so `npm ci` never fails for it.
import { spawnSync } from 'node:child_process';
import { locateElectron } from './electron-binary.mjs';

const electron = locateElectron({ download: true });
if (electron.path === null) {
  console.log(`tminus: skipping electron-builder install-app-deps: ${electron.reason}`);
} else if (process.env.TMINUS_SKIP_APP_DEPS === '1') {
  console.log('tminus: skipping electron-builder install-app-deps (TMINUS_SKIP_APP_DEPS=1)');
} else {
  const result = spawnSync('npx', ['electron-builder', 'install-app-deps'], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
