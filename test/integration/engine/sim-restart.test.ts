// A second rehearsal in the same data dir: the simulator restarted knows none of the sessions of the first, so the
// pool forgets them at once — nothing shows "signed in", and the second campaign's first shots are not answered 401.
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineFixture, type EngineFixture } from '../../helpers/engine-fixture';
import { scenarioFromObject } from '../../../electron/sim';

let fixture: EngineFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const scenario = () =>
  scenarioFromObject({ items: [{ id: 'T2', name: 'T', stock: 3, opensAt: 'in 3s' }], accounts: { count: 5 } });

describe('a simulator restart', () => {
  it('ends every session it knew, so the next rehearsal signs in afresh and fires with live sessions', async () => {
    fixture = createEngineFixture();
    const { app } = fixture;
    await fixture.start({ items: [{ id: 'T1', name: 'T', stock: 3, opensAt: 'in 3s' }], accounts: { count: 5 } }, 5);
    const first = await fixture.run({ item: 'T1', accounts: { count: 5 } });
    expect(first.successes).toBe(3);
    expect(app.accounts.list('simulator').every((account) => account.hasTokens)).toBe(true);

    await app.sim.stop();
    await app.sim.startScenario(scenario());
    const after = app.accounts.list('simulator');
    expect(after.every((account) => !account.hasTokens)).toBe(true);
    expect(after[0]!.signInError).toMatch(/simulator restarted/);

    // Another item: the ledger leaves out of T1 the accounts that booked it already.
    const second = await fixture.run({ item: 'T2', accounts: { count: 5 } });
    const arrivals = app.sim.current()!.arrivals();
    expect(arrivals.filter((arrival) => arrival.route.endsWith('/book') && arrival.status === 401)).toHaveLength(0);
    expect(second.successes).toBe(3);
  });
});
