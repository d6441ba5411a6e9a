// Every request each node received: the ground truth for measuring what a client did. Bounded (oldest dropped first).
export interface Arrival {
  seq: number;
  node: number;
  route: string;
  account: string | null;
  client: string;
  /** When the request reached the handler, on the true clock and on the server's skewed clock (sub-ms). */
  trueMs: number;
  serverMs: number;
  status: number;
  code: string;
  /** The Idempotency-Key a booking request carried (what the client really sent), else null. */
  key: string | null;
  /** The wait a 429/503 told the client (Retry-After-Ms), else absent. */
  retryAfterMs?: number;
}

export class ArrivalLog {
  private entries: Arrival[] = [];
  private seq = 0;

  constructor(private readonly capacity = 1_000_000) {}

  add(arrival: Omit<Arrival, 'seq'>): Arrival {
    const entry = { seq: ++this.seq, ...arrival };
    this.entries.push(entry);
    // Drop a tenth at once when full, so a long run does not pay an O(n) shift per request.
    if (this.entries.length > this.capacity) this.entries.splice(0, Math.ceil(this.capacity / 10));
    return entry;
  }

  /** Entries with seq greater than `afterSeq`, oldest first. */
  since(afterSeq = 0, limit = Number.POSITIVE_INFINITY): Arrival[] {
    const first = this.entries.findIndex((entry) => entry.seq > afterSeq);
    if (first < 0) return [];
    return this.entries.slice(first, Number.isFinite(limit) ? first + limit : undefined);
  }

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
  }
}
