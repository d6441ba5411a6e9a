// The accounts' own connections (./armed-connection.ts) at fire time: loading each first shot ahead and firing it
// in the releasing loop, later requests on them, and closing them at the end. They are opened by ./arm-connections.ts.
import type { AccountRun } from './account-run';
import type { ArmedConnection, LoadedShot } from './armed-connection';
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

export function disarm(run: AccountRun): void {
  run.armed?.close(null);
  run.armed = null;
}
