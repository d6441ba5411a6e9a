// Vitest global setup for the projects that start the built CLI or serve the built console: build `out/` from the
// sources first, so a test never runs a stale bundle (electron-vite takes a few seconds).
import { spawnSync } from 'node:child_process';

export default function buildOnce(): void {
  if (process.env.TMINUS_SKIP_BUILD === '1') return;
  const result = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (result.status !== 0) throw new Error(`electron-vite build failed:\n${result.stdout}\n${result.stderr}`);
}
