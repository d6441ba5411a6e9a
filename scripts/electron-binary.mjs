// Where the Electron binary is, or why there is none. Since Electron 44 the npm package fetches its binary on first
// use rather than on install; `download: true` allows that fetch unless ELECTRON_SKIP_BINARY_DOWNLOAD is set.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function locateElectron({ download = false } = {}) {
  const require = createRequire(import.meta.url);
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { path: null, reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const installedBinary = () => {
    const binary = existsSync(pathFile) ? join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
    return binary !== null && existsSync(binary) ? binary : null;
  };
  let path = installedBinary();
  if (path === null) {
    if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
      return { path: null, reason: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD is set)' };
    }
    if (!download) return { path: null, reason: 'the Electron binary has not been downloaded yet' };
    const fetched = spawnSync(process.execPath, [join(packageDir, 'install.js')], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    path = installedBinary();
    if (path === null) {
      const said =
        `${fetched.stderr ?? ''}`.split('\n').find((line) => /error|failed/i.test(line)) ?? 'no binary after install';
      return { path: null, reason: `the Electron binary could not be downloaded (${said.trim()})` };
    }
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { path, reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)', noDisplay: true };
  }
  return { path, reason: null };
}
