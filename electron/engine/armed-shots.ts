// The accounts' own connections (./armed-connection.ts) at fire time: loading each first shot ahead and firing it
// in the releasing loop, later requests on them, and closing them at the end. They are opened by ./arm-connections.ts.
import type { AccountRun } from './account-run';
import type { LocalClock } from '../clock';
import { ArmedConnection, type LoadedShot } from './armed-connection';
import { eachLimited } from './account-run';
import type { Exchange, PreparedRequest } from './http-exchange';
import { serialiseRequest } from './http1-request';

/** The request's bytes for this connection, or null when it cannot be serialised (it then goes the ordinary way). */
export function serialiseFor(connection: ArmedConnection, request: PreparedRequest): Buffer | null {
  try {
    return serialiseRequest(request, connection.host);
  } catch {
    return null;
  }
}

/** Sends now on the account's own connection; the caller checked that it is ready. */
export function sendOnArmed(
  run: AccountRun,
  bytes: Buffer,
  request: PreparedRequest,
  timeoutMs: number,
): Promise<Exchange> {
  run.home!.sent += 1;
  return run.armed!.send(bytes, request.method, request.path, timeoutMs);
}

/** The account's first shot loaded on its own connection, or null when it has none or cannot serialise it. */
export function loadFirstShot(run: AccountRun, request: PreparedRequest, timeoutMs: number): LoadedShot | null {
  const bytes = run.armed ? serialiseFor(run.armed, request) : null;
  return bytes ? run.armed!.load(bytes, request.method, request.path, timeoutMs) : null;
}

/** In the releasing loop: the loaded shot goes out now if its home endpoint's breaker lets it; false otherwise. */
export function fireFirstShot(run: AccountRun, shot: LoadedShot, nowMs: number): boolean {
  const home = run.home!;
  if (!home.breaker.allows(nowMs) || !shot.fire(nowMs)) return false;
  home.breaker.onSend();
  home.sent += 1;
  return true;
}

/**
 * Opens again the accounts' own connections that the target closed since arming (an idle timeout shorter than the
 * arm lead): the handshake happens now, shortly before the instant, not on the fire path. Nothing is sent on them;
 * they were proven while arming. One that cannot be opened leaves its account on the pool.
 */
export async function reopenClosed(runs: AccountRun[], clock: LocalClock, timeoutMs: number): Promise<number> {
  const closed = runs.filter((run) => !run.done && run.armed?.closed === true);
  await eachLimited(closed, 64, async (run) => {
    try {
      run.armed = await ArmedConnection.open(run.home!.url, clock, timeoutMs);
    } catch {
      run.armed = null;
    }
  });
  return closed.length;
}

export function disarm(run: AccountRun): void {
  run.armed?.close(null);
  run.armed = null;
}
