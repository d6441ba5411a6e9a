import { afterEach, describe, expect, it } from 'vitest';
import { openStore, AccountsRepository } from '../../../electron/store';
import { createPool, csv, simAccountsCsv, TestClock, type PoolFixture } from '../../helpers/accounts-fixture';
import { TminusError } from '../../../electron/errors';

let pool: PoolFixture;
afterEach(() => pool?.close());

describe('leases', () => {
  it('gives one account to only one of two campaigns contending for it, across two connections', () => {
    const clock = new TestClock(1_000_000);
    pool = createPool({ clock });
    pool.accounts.importCsv('simulator', simAccountsCsv(1), { dryRun: false });
    const second = openStore(pool.dir);
    try {
      const otherConnection = new AccountsRepository(second.db);
      expect(pool.accounts.lease('simulator', 'campaign-a', 1, 60_000).map((a) => a.username)).toEqual(['user0001']);
      const taken = otherConnection.acquire('simulator', 'campaign-b', 1, clock.ms, 60_000);
      expect(taken.ok).toBe(false);
      expect(() => pool.accounts.lease('simulator', 'campaign-b', 1, 60_000)).toThrow(
        "asked for 1 accounts of target 'simulator' but only 0 are free: 1 in the pool, 1 leased by other campaigns, 0 cooling down, 0 disabled, locked or banned",
      );
    } finally {
      second.close();
    }
  });

  it('reclaims a lease after its expiry, and keeps it while it is renewed', () => {
    const clock = new TestClock(0);
    pool = createPool({ clock });
    pool.accounts.importCsv('simulator', simAccountsCsv(1), { dryRun: false });
    pool.accounts.lease('simulator', 'crashed-campaign', 1, 1_000);
    clock.ms = 900;
    expect(pool.accounts.renewLease('crashed-campaign', 1_000)).toBe(1);
    clock.ms = 1_800;
    expect(() => pool.accounts.lease('simulator', 'next', 1, 1_000)).toThrow(TminusError);
    clock.ms = 1_901;
    expect(pool.accounts.lease('simulator', 'next', 1, 1_000)).toHaveLength(1);
    expect(pool.accounts.renewLease('crashed-campaign', 1_000)).toBe(0);
    expect(pool.accounts.releaseLease('next')).toBe(1);
    expect(pool.accounts.get(1).leaseOwner).toBeNull();
  });

  it('takes accounts by priority and health, honours the selection, and never takes unusable ones', () => {
    const clock = new TestClock(0);
    pool = createPool({ clock });
    pool.accounts.importCsv(
      'simulator',
      csv([
        ['username', 'priority', 'group', 'tags'],
        ['low', '1', 'a', ''],
        ['high', '9', 'a', 'vip'],
        ['mid', '5', 'b', 'vip'],
        ['off', '10', 'a', ''],
      ]),
      { dryRun: false },
    );
    const off = pool.accounts.list('simulator').find((a) => a.username === 'off')!;
    pool.accounts.setStatus([off.id], 'disabled');
    expect(pool.accounts.lease('simulator', 'c1', 2, 1_000).map((a) => a.username)).toEqual(['high', 'mid']);
    pool.accounts.releaseLease('c1');
    expect(pool.accounts.lease('simulator', 'c2', 1, 1_000, { group: 'a' }).map((a) => a.username)).toEqual(['high']);
    pool.accounts.releaseLease('c2');
    expect(pool.accounts.lease('simulator', 'c3', 2, 1_000, { tag: 'vip' }).map((a) => a.username)).toEqual([
      'high',
      'mid',
    ]);
    pool.accounts.releaseLease('c3');
    expect(() => pool.accounts.lease('simulator', 'c4', 4, 1_000)).toThrow(
      /only 3 are free.*1 disabled, locked or banned/,
    );
  });

  it('cools an account down after repeated rate limits, pausing the account and not the others', () => {
    const clock = new TestClock(0);
    pool = createPool({ clock });
    pool.accounts.importCsv('simulator', simAccountsCsv(2), { dryRun: false });
    pool.accounts.recordOutcome(1, 'rateLimited');
    pool.accounts.recordOutcome(1, 'rateLimited');
    expect(pool.accounts.get(1).status).toBe('active');
    pool.accounts.recordOutcome(1, 'rateLimited');
    expect(pool.accounts.get(1)).toMatchObject({ status: 'cooling', coolingUntilMs: 300_000, attempts: 3 });
    expect(pool.accounts.lease('simulator', 'c', 1, 1_000).map((a) => a.id)).toEqual([2]);
    pool.accounts.releaseLease('c');
    clock.ms = 300_000;
    expect(pool.accounts.lease('simulator', 'c', 2, 1_000)).toHaveLength(2);
  });
});
