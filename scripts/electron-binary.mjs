// Where the Electron binary is, or why there is none (installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1 have none).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

export function locateElectron() {
  const require = createRequire(import.meta.url);
  let path;
  try {
    path = require('electron');
  } catch (error) {
    return { path: null, reason: `the Electron binary is not installed (${String(error.message).split('\n')[0]})` };
  }
  if (typeof path !== 'string' || !existsSync(path)) {
    return {
      path: null,
      reason: 'the Electron binary is not installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)',
    };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { path, reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)', noDisplay: true };
  }
  return { path, reason: null };
}
