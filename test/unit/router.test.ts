import { describe, expect, it } from 'vitest';
import { createRouter, type Handlers } from '../../electron/ipc/router';
import { TminusError } from '../../electron/errors';
import type { AppInfo } from '../../electron/ipc/contract';
import { handlersWith } from '../helpers/handlers';

const info: AppInfo = {
  name: 'Tminus',
  version: '0.0.0',
  dataDir: '/tmp/x',
  databaseFile: '/tmp/x/tminus.db',
  schemaVersion: 1,
  runtime: 'node',
  platform: { os: 'linux', arch: 'x64', node: '20', electron: null },
  onnxruntime: { version: null, providers: [] },
  captcha: { provider: null, note: null, models: [] },
};

const handlers = (overrides: Partial<Handlers> = {}): Handlers =>
  handlersWith({
    'app/info': () => info,
    'targets/validate': ({ format }) => ({
      ok: true,
      format: format === 'json' ? 'json' : 'yaml',
      problems: [],
      caveats: [],
    }),
    ...overrides,
  });

describe('router', () => {
  it('rejects a payload of the wrong type, naming the field', async () => {
    const reply = await createRouter(handlers()).dispatch('targets/validate', { text: 42 });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('INVALID_INPUT');
    expect(reply.error.issues).toEqual([{ path: 'text', message: expect.stringContaining('string') }]);
    expect(reply.error.message).toContain('text');
  });

  it('rejects an unknown enum value and extra keys on strict inputs', async () => {
    const router = createRouter(handlers());
    const badFormat = await router.dispatch('targets/validate', { text: 'a: 1', format: 'toml' });
    expect(!badFormat.ok && badFormat.error.issues?.[0]?.path).toBe('format');
    const extra = await router.dispatch('app/info', { surprise: true });
    expect(!extra.ok && extra.error.code).toBe('INVALID_INPUT');
  });

  it('answers an unknown call with UNKNOWN_CALL instead of throwing', async () => {
    const reply = await createRouter(handlers()).dispatch('nope/never', {});
    expect(reply).toEqual({ ok: false, error: { code: 'UNKNOWN_CALL', message: "unknown call 'nope/never'" } });
  });

  it('passes typed errors through with their code and hides unexpected ones', async () => {
    const seen: unknown[] = [];
    const router = createRouter(
      handlers({
        'app/info': () => {
          throw new Error('disk on fire at /secret/path');
        },
        'targets/validate': () => {
          throw new TminusError('PROFILE_INVALID', 'endpoints: required', { path: 'endpoints' });
        },
      }),
      { onInternalError: (_call, error) => seen.push(error) },
    );
    const internal = await router.dispatch('app/info', {});
    expect(internal).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    expect(seen).toHaveLength(1);
    const typed = await router.dispatch('targets/validate', { text: 'x' });
    expect(typed).toEqual({
      ok: false,
      error: { code: 'PROFILE_INVALID', message: 'endpoints: required', details: { path: 'endpoints' } },
    });
  });

  it('strips output fields the contract does not name', async () => {
    const router = createRouter(handlers({ 'app/info': () => ({ ...info, password: 'hunter2' }) as AppInfo }));
    const reply = await router.dispatch('app/info', {});
    expect(reply.ok && JSON.stringify(reply.output)).not.toContain('hunter2');
  });
});
