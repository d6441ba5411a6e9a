import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const lint = async (filePath: string): Promise<string[]> => {
  const [result] = await new ESLint().lintText("import { app } from 'electron';\nexport const x = app;\n", {
    filePath,
  });
  return result!.messages.map((message) => message.ruleId ?? '');
};

describe('runtime boundary', () => {
  it('refuses electron imports outside electron/main and electron/preload', async () => {
    expect(await lint('electron/store/database.ts')).toContain('no-restricted-imports');
    expect(await lint('renderer/src/app.tsx')).toContain('no-restricted-imports');
  });

  it('allows them in electron/main and electron/preload', async () => {
    expect(await lint('electron/main/index.ts')).not.toContain('no-restricted-imports');
    expect(await lint('electron/preload/index.ts')).not.toContain('no-restricted-imports');
  });
});
