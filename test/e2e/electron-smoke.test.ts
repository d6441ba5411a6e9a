import { describe, expect, it } from 'vitest';
import { _electron as electron } from 'playwright-core';
import { locateElectron } from '../../scripts/electron-binary.mjs';
import { makeTempDir } from '../helpers/temp-dir';

const found = locateElectron();

describe('desktop shell (Electron)', () => {
  it('opens a window that shows the Dashboard', async (context) => {
    if (found.reason !== null) {
      console.log(`Electron smoke test skipped: ${found.reason}`);
      context.skip(`skipped: ${found.reason}`);
      return;
    }
    const temp = makeTempDir();
    const app = await electron.launch({
      executablePath: found.path!,
      args: ['.'],
      env: { ...process.env, TMINUS_HOME: temp.dir },
    });
    try {
      const window = await app.firstWindow();
      await expect.poll(() => window.getByTestId('app-version').count(), { timeout: 30_000 }).toBe(1);
      const exposed = await window.evaluate(() => Object.keys((window as unknown as { tminus: object }).tminus).sort());
      expect(exposed).toEqual(['invoke', 'on']);
      const hasNode = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require);
      expect(hasNode).toBe('undefined');
    } finally {
      await app.close();
      temp.remove();
    }
  });
});
