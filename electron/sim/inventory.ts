// Stock, orders and idempotency, shared by every node. JavaScript runs one request handler at a time, so each
// decision below is atomic: stock is never oversold and a key never takes a second unit.
import type { Scenario } from './scenario';
import { resolveOpensAt } from '../common/opens-at';

export interface Item {
  id: string;
  name: string;
  stock: number;
  remaining: number;
  perAccountLimit: number;
  openAtServerMs: number;
}

export interface Order {
  orderId: string;
  idempotencyKey: string;
  account: string;
  itemId: string;
  createdAtServerMs: number;
  /** Who travels, where the booking named one (an account field in Tminus). */
  passengerId?: string;
}

/** A final answer to a book request; replays of the same key get exactly this. */
export interface BookingResult {
  status: number;
  body: Record<string, unknown>;
}

export class Inventory {
  readonly items = new Map<string, Item>();
  /** Orders by key (the first under each key: what an order lookup finds), and every order in the order made. */
  private readonly orders = new Map<string, Order>();
  private readonly orderList: Order[] = [];
  private readonly results = new Map<string, { account: string; result: BookingResult }>();
  private readonly holdings = new Map<string, number>();
  private nextOrder = 1;

  constructor(scenario: Scenario, startServerMs: number) {
    for (const item of scenario.items) {
      this.items.set(item.id, {
        id: item.id,
        name: item.name,
        stock: item.stock,
        remaining: item.stock,
        perAccountLimit: item.perAccountLimit,
        openAtServerMs: resolveOpensAt(item.opensAt, startServerMs),
      });
    }
  }

  /** The first final result recorded for this key, if any. */
  /** What a replay of this key answers from now on (a queued booking's ticket instead of its result). */
  rememberResult(idempotencyKey: string, account: string, result: BookingResult): void {
    this.results.set(idempotencyKey, { account, result });
  }

  replay(idempotencyKey: string): { account: string; result: BookingResult } | undefined {
    return this.results.get(idempotencyKey);
  }

  /** Books one unit (the item exists and is open). Records the final result under the key. */
  book(item: Item, account: string, idempotencyKey: string, serverMs: number, passengerId?: string): BookingResult {
    const holdingKey = `${account}\u0000${item.id}`;
    const held = this.holdings.get(holdingKey) ?? 0;
    let result: BookingResult;
    if (held >= item.perAccountLimit) {
      result = { status: 409, body: { code: 'LIMIT_REACHED', message: `at most ${item.perAccountLimit} per account` } };
    } else if (item.remaining <= 0) {
      result = { status: 409, body: { code: 'SOLD_OUT', message: `${item.id} is sold out` } };
    } else {
      item.remaining -= 1;
      this.holdings.set(holdingKey, held + 1);
      const order: Order = {
        orderId: `O${String(this.nextOrder++).padStart(8, '0')}`,
        idempotencyKey,
        account,
        itemId: item.id,
        createdAtServerMs: serverMs,
        ...(passengerId ? { passengerId } : {}),
      };
      if (!this.orders.has(idempotencyKey)) this.orders.set(idempotencyKey, order);
      this.orderList.push(order);
      result = { status: 201, body: { code: 'BOOKED', ...order } };
    }
    this.results.set(idempotencyKey, { account, result });
    return result;
  }

  order(idempotencyKey: string): Order | undefined {
    return this.orders.get(idempotencyKey);
  }

  allOrders(): Order[] {
    return [...this.orderList];
  }

  held(account: string, itemId: string): number {
    return this.holdings.get(`${account}\u0000${itemId}`) ?? 0;
  }
}
