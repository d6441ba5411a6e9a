// A clock fed only a server's 1-second `Date` header: over repeated bursts seconds and minutes apart, the estimate's
// bound holds the truth, at the burst and well after it — no drift is applied that the header cannot support.
import { afterEach, expect, it } from 'vitest';
import { scenarioFromObject, startSimulator, type Simulator } from '../../../electron/sim';
import { ClockService } from '../../../electron/clock';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

it('keeps the truth inside the bound of a Date-header clock over bursts 12 s and minutes apart', async () => {
  // One clock for both sides, which the test moves forward between bursts: time passes without the wait.
  let jumpMs = 0;
  const shared = { nowMs: () => performance.timeOrigin + performance.now() + jumpMs };
  const truthMs = 1234.5;
  sim = await startSimulator({
    trueClock: shared,
    scenario: scenarioFromObject({
      clock: { skewMs: truthMs },
      items: [{ id: 'T', name: 'T', stock: 1, opensAt: 0 }],
      accounts: { count: 1 },
      ntp: { enabled: false },
      nodes: { latency: { baseMs: 4, jitterMs: 4 } }, // a real network's uneven way there and back
    }),
  });
  const service = new ClockService({ clock: shared });
  const source = [{ kind: 'http-date' as const, url: `${sim.urls[0]}/api/time` }];
  const misses: string[] = [];
  const check = (label: string): void => {
    const now = service.current(undefined, source)!;
    if (Math.abs(now.offsetMs - truthMs) > now.boundMs)
      misses.push(`${label}: ${now.offsetMs.toFixed(2)} ± ${now.boundMs.toFixed(2)} ms, truth ${truthMs}`);
  };
  for (const gapMs of [12_000, 12_000, 180_000, 300_000]) {
    await service.probe(source, { dateProbes: 12 });
    check(`at the burst (+${jumpMs / 1000} s)`);
    jumpMs += 30_000; // half a minute later, nothing probed meanwhile
    check(`30 s after it (+${jumpMs / 1000} s)`);
    jumpMs += gapMs - 30_000;
  }
  expect(misses).toEqual([]);
}, 120_000);
