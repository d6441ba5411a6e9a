// The `accounts/*` calls. Views only: no secret is ever in an output (the contract's schemas strip anything else).
import { parseProfile } from '../targets';
import type { Handlers, HandlersFor } from '../ipc/router';
import type { AccountsService } from './accounts-service';
import { browserSignIn } from './browser-sign-in';
import type { TargetsRepository } from '../store';
import { TminusError } from '../errors';

export interface AccountHandlerDeps {
  accounts: AccountsService;
  targets: TargetsRepository;
  /** Login page and cookie names for browser sign-in, per target. */
  browserLoginFor: (targetId: string) => { loginUrl: string; accessCookie: string; refreshCookie?: string };
}

const SIGN_IN_CONCURRENCY = 8;

export function accountHandlers({
  accounts,
  targets,
  browserLoginFor,
}: AccountHandlerDeps): HandlersFor<'accounts'> & Pick<Handlers, 'targets/list'> {
  return {
    'targets/list': () =>
      targets
        .list()
        .map(({ id, name, builtin, profileText }) => ({ id, name, builtin, timeZone: zoneOf(profileText) })),
    'accounts/list': ({ targetId }) => accounts.list(targetId),
    'accounts/import': ({ targetId, fileBase64, encoding, dryRun }) =>
      accounts.importCsv(targetId, Buffer.from(fileBase64, 'base64'), { dryRun, encoding }),
    'accounts/export': ({ targetId }) => ({ csv: accounts.exportCsv(targetId) }),
    'accounts/update': ({ id, ...patch }) => accounts.update(id, patch),
    'accounts/set-status': ({ ids, status, coolingForMs }) => ({
      changed: accounts.setStatus(ids, status, coolingForMs),
    }),
    'accounts/remove': ({ ids }) => ({ removed: accounts.remove(ids) }),
    'accounts/sign-in': async ({ ids }) => {
      const results: Array<{ id: number; ok: boolean; action: string | null; error: string | null }> = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < ids.length) {
          const id = ids[next++]!;
          try {
            results.push({ id, ok: true, action: await accounts.sessions.ensureFresh(id), error: null });
          } catch (error) {
            results.push({ id, ok: false, action: null, error: (error as Error).message });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(SIGN_IN_CONCURRENCY, ids.length) }, worker));
      return results.sort((a, b) => a.id - b.id);
    },
    'accounts/browser-login': async ({ id }) => {
      const account = accounts.get(id);
      const login = browserLoginFor(account.targetId);
      if (!login) throw new TminusError('SIGN_IN_FAILED', `target ${account.targetId} has no browser login page`);
      accounts.sessions.adopt(id, await browserSignIn(login));
      return accounts.get(id);
    },
  };
}

/** The zone a stored profile names (UTC where it cannot be read: the Targets page reports why). */
function zoneOf(profileText: string): string {
  try {
    return parseProfile(profileText, 'target').timeZone;
  } catch {
    return 'UTC';
  }
}
