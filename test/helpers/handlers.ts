// A full handler map for router tests: the calls a test names, and for every other call a handler that fails loudly.
import { calls } from '../../electron/ipc/contract';
import type { Handlers } from '../../electron/ipc/router';

export function handlersWith(overrides: Partial<Handlers>): Handlers {
  const unused = Object.fromEntries(
    Object.keys(calls).map((name) => [
      name,
      () => {
        throw new Error(`${name} is not used in this test`);
      },
    ]),
  );
  return { ...unused, ...overrides } as Handlers;
}
