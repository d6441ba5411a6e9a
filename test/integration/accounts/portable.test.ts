// Accounts dealt from one machine's pool to another's (a cluster campaign): what leaves has its secrets open (the
// plan seals it with the cluster key), what arrives is sealed with the receiving pool's own key, and a username the
// receiver already has gets the dealt secrets rather than a second row.
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, type PoolFixture } from '../../helpers/accounts-fixture';

const pools: PoolFixture[] = [];
afterEach(() => {
  for (const pool of pools.splice(0)) pool.close();
});

const csv = [
  'username,password,group,tags,field:passenger,secret:pin',
  'ann,pw-ann,family,a;b,P-1,1111',
  'bob,pw-bob,family,,P-2,2222',
].join('\n');

describe('portable accounts', () => {
  it('deal to another pool with their secrets, sealed there with its own key, and update a known username', () => {
    const from = createPool();
    const to = createPool();
    pools.push(from, to);
    expect(from.accounts.importCsv('simulator', Buffer.from(csv), { dryRun: false }).imported).toBe(2);
    const ids = from.accounts.list('simulator').map((account) => account.id);
    const dealt = from.accounts.portable(ids);
    expect(dealt.map(({ username, password, secretFields }) => ({ username, password, secretFields }))).toEqual([
      { username: 'ann', password: 'pw-ann', secretFields: { pin: '1111' } },
      { username: 'bob', password: 'pw-bob', secretFields: { pin: '2222' } },
    ]);

    // The receiver knows bob already, with an old password and pin.
    to.accounts.importCsv('simulator', Buffer.from('username,password,secret:pin\nbob,old,9999'), { dryRun: false });
    const localIds = to.accounts.adopt('simulator', dealt);
    expect([...localIds.keys()].sort()).toEqual(['ann', 'bob']);
    expect(to.accounts.list('simulator')).toHaveLength(2); // bob updated, not doubled
    const bob = localIds.get('bob')!;
    expect(to.accounts.fieldsOf(bob)).toEqual({ passenger: 'P-2', pin: '2222' });
    expect(to.secrets.open(to.repository.sealedSecrets(bob)!.password!)).toBe('pw-bob');
    const ann = to.accounts.get(localIds.get('ann')!);
    expect(ann).toMatchObject({ group: 'family', tags: ['a', 'b'], status: 'active' });
    // Sealed with the receiving pool's key: the sending pool's cannot open it.
    const sealed = to.repository.sealedSecrets(ann.id)!.password!;
    expect(() => from.secrets.open(sealed)).toThrow();
  });
});
