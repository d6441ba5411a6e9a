// What the simulator says happened, compared with what Tminus recorded: every order it made is a success in the
// record (and in the ledger), no account holds more orders than allowed, and no success is recorded that the server
// never made. The server's orders are the truth; the record is checked against them, never the reverse.
import type { App } from '../../electron/app';

export interface ServerOrder {
  orderId: string;
  idempotencyKey: string;
  account: string;
  itemId: string;
}

export interface TruthReport {
  orders: number;
  /** Orders the record does not hold as a success (by idempotency key). */
  lost: ServerOrder[];
  /** Accounts (usernames) with more orders than `allowedPerAccount`. */
  duplicates: string[];
  /** Success rows whose key the server has no order for. */
  phantom: string[];
  /** Orders missing from the ledger. */
  notInLedger: ServerOrder[];
}

export function compareWithServer(
  app: App,
  targetId: string,
  campaignIds: string[],
  orders: ServerOrder[],
  allowedPerAccount = 1,
): TruthReport {
  const successKeys = new Set<string>();
  for (const id of campaignIds)
    for (const attempt of app.attempts.page(id, 1_000_000, 0))
      if (attempt.outcome === 'success') successKeys.add(attempt.idempotencyKey);
  const ledgerKeys = new Set(app.intents.ledger(targetId).map((booking) => booking.idempotencyKey));
  const serverKeys = new Set(orders.map((order) => order.idempotencyKey));
  const perAccount = new Map<string, number>();
  for (const order of orders) perAccount.set(order.account, (perAccount.get(order.account) ?? 0) + 1);
  return {
    orders: orders.length,
    lost: orders.filter((order) => !successKeys.has(order.idempotencyKey)),
    duplicates: [...perAccount].filter(([, n]) => n > allowedPerAccount).map(([account]) => account),
    phantom: [...successKeys].filter((key) => !serverKeys.has(key)),
    notInLedger: orders.filter((order) => !ledgerKeys.has(order.idempotencyKey)),
  };
}

/** Reconciles until nothing is unknown (or `rounds` run out); returns the unknowns left. */
export async function reconcileUntilSettled(app: App, rounds = 6): Promise<number> {
  let left = 0;
  for (let round = 0; round < rounds; round += 1) {
    const reports = await app.engine.reconcileInterrupted();
    left = reports.reduce((sum, report) => sum + report.unknown, 0);
    if (left === 0) return 0;
  }
  return left;
}
