// An account pool on a real SQLite file in a temp dir, with a clock the test can move.
import { openStore, AccountsRepository, TargetsRepository, type Store } from '../../electron/store';
import { keyFileSealer, loadOrCreateKey, SecretBox } from '../../electron/secrets';
import { AccountsService, SessionKeeper, type SignInAdapter } from '../../electron/accounts';
import { makeTempDir } from './temp-dir';

export class TestClock {
  constructor(public ms: number) {}
  nowMs(): number {
    return this.ms;
  }
}

export interface PoolFixture {
  dir: string;
  store: Store;
  repository: AccountsRepository;
  accounts: AccountsService;
  sessions: SessionKeeper;
  secrets: SecretBox;
  clock: { nowMs(): number };
  close(): void;
}

export function createPool(
  options: { adapter?: SignInAdapter; clock?: { nowMs(): number }; dir?: string } = {},
): PoolFixture {
  const temp = options.dir ? null : makeTempDir();
  const dir = options.dir ?? temp!.dir;
  const store = openStore(dir);
  const targets = new TargetsRepository(store.db);
  targets.upsert(
    {
      id: 'simulator',
      name: 'Rehearsal (built-in)',
      profileText: 'id: simulator',
      profileFormat: 'yaml',
      builtin: true,
    },
    0,
  );
  const repository = new AccountsRepository(store.db);
  const secrets = new SecretBox(keyFileSealer(loadOrCreateKey(dir)));
  const clock = options.clock ?? { nowMs: () => Date.now() };
  const adapter: SignInAdapter = options.adapter ?? {
    login: () => Promise.reject(new Error('no sign-in in this test')),
    refresh: () => Promise.reject(new Error('no sign-in in this test')),
  };
  const sessions = new SessionKeeper({
    accounts: repository,
    secrets,
    clock,
    adapterFor: () => adapter,
    refreshMarginMs: 500,
  });
  const accounts = new AccountsService({ accounts: repository, targets, secrets, clock, sessions });
  return {
    dir,
    store,
    repository,
    accounts,
    sessions,
    secrets,
    clock,
    close() {
      store.close();
      temp?.remove();
    },
  };
}

export const csv = (rows: string[][]): Buffer => Buffer.from(rows.map((row) => row.join(',')).join('\n') + '\n');

export const simAccountsCsv = (count: number): Buffer =>
  csv([
    ['username', 'password'],
    ...Array.from({ length: count }, (_, n) => [
      `user${String(n + 1).padStart(4, '0')}`,
      `pass-${String(n + 1).padStart(4, '0')}`,
    ]),
  ]);
