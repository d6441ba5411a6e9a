// Writes attempts, with the intent marks they prove, in batched transactions (at most 50 ms or 500 rows apart) and
// only then announces them. A success is written at once, synchronously, before anything reports it.
//
// A storage fault (disk full, I/O error, busy) never escapes: the batch stays in memory, the fault is announced
// (campaigns stop firing new accounts), and the write is tried again with backoff until it goes through.
import type { AttemptRecord, IntentMark, RecordWriter, StorageFault } from '../store';
import { storageFaultCode } from '../store';
import type { EventBus } from '../ipc/event-bus';
import type { LocalClock } from '../clock';

export interface RecorderOptions {
  maxBatch?: number;
  maxDelayMs?: number;
  /** Longest wait between two tries of a write that failed on a storage fault. */
  maxRetryMs?: number;
}

type FaultListener = (fault: StorageFault | null) => void;

export class AttemptRecorder {
  private rows: AttemptRecord[] = [];
  private marks: IntentMark[] = [];
  /** Other writes of the record (a campaign's state, its summary) waiting, in order, for storage to take them. */
  private deferred: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private retries = 0;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryMs: number;
  private readonly faultListeners = new Set<FaultListener>();
  /** The storage fault the last write met, until a write goes through. */
  fault: StorageFault | null = null;
  private closed = false;
  written = 0;

  constructor(
    private readonly write: RecordWriter,
    private readonly bus: EventBus,
    private readonly clock: LocalClock,
    options: RecorderOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 50;
    this.maxRetryMs = options.maxRetryMs ?? 2_000;
  }

  /** Records an answered attempt with the marks it proves; `durable` writes now (a success). */
  record(attempt: AttemptRecord, marks: IntentMark[] = [], durable = false): void {
    this.rows.push(attempt);
    for (const mark of marks) this.marks.push(mark);
    if (durable || this.rows.length >= this.maxBatch) this.flush();
    else this.schedule(this.maxDelayMs);
  }

  /** Queues an intent mark for the next batch (a shot marks its intent sent here, after the burst is written). */
  mark(mark: IntentMark): void {
    this.marks.push(mark);
    this.schedule(this.maxDelayMs);
  }

  /** Rows, marks and writes not done yet (in memory while storage is faulty). */
  get pending(): number {
    return this.rows.length + this.marks.length + this.deferred.length;
  }

  /** Runs a write of the record now, or — under a storage fault — once the buffered rows have gone through. */
  defer(write: () => void): void {
    this.deferred.push(write);
    if (this.fault === null) this.flush();
  }

  onFault(listener: FaultListener): () => void {
    this.faultListeners.add(listener);
    return () => this.faultListeners.delete(listener);
  }

  /**
   * Before the process ends: tries the writes again (every 250 ms) until nothing waits in memory or `timeoutMs` has
   * passed; `onWait` hears how many wait, once a second. Resolves with what is still unwritten (0: all of it went).
   */
  async drain(timeoutMs: number, onWait: (pending: number) => void = () => undefined): Promise<number> {
    const deadline = this.clock.nowMs() + timeoutMs;
    let told = 0;
    while (!this.flush() && this.clock.nowMs() < deadline) {
      if (this.clock.nowMs() - told >= 1_000) {
        onWait(this.pending);
        told = this.clock.nowMs();
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return this.pending;
  }

  /** No more tries after this: the store is about to close. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delayMs);
  }

  /** Writes what is buffered; true when nothing is left in memory. Never throws on a storage fault. */
  flush(): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending === 0) return true;
    const rows = this.rows;
    const marks = this.marks;
    try {
      if (rows.length > 0 || marks.length > 0) {
        const ids = this.write(rows, marks, this.clock.nowMs());
        this.rows = [];
        this.marks = [];
        this.written += rows.length;
        this.announceRows(rows, ids);
      }
      while (this.deferred.length > 0) {
        this.deferred[0]!();
        this.deferred.shift();
      }
    } catch (error) {
      // Kept and tried again whatever the cause: a write that throws from a timer must not end the process. A
      // storage fault clears by itself; anything else stays announced with its message.
      this.failed(storageFaultCode(error) ?? 'RECORD_WRITE_FAILED', (error as Error).message);
      return false;
    }
    if (this.fault) this.recovered();
    return true;
  }

  private announceRows(rows: AttemptRecord[], ids: number[]): void {
    rows.forEach((attempt, index) => {
      this.bus.emit('attempt/recorded', {
        campaignId: attempt.campaignId,
        attemptId: ids[index]!,
        accountId: attempt.accountId,
        endpoint: attempt.endpoint,
        retry: attempt.retry,
        sentLocalMs: attempt.sentLocalMs,
        latencyMs: attempt.latencyMs,
        outcome: attempt.outcome,
      });
    });
  }

  private failed(code: string, message: string): void {
    const first = this.fault === null;
    this.fault ??= { code, message, sinceMs: this.clock.nowMs() };
    if (first) {
      this.retries = 0;
      this.announce();
    }
    this.retries += 1;
    this.schedule(Math.min(this.maxRetryMs, 100 * 2 ** Math.min(this.retries, 10)));
  }

  private recovered(): void {
    this.fault = null;
    this.retries = 0;
    this.announce();
  }

  private announce(): void {
    const fault = this.fault;
    this.bus.emit('app/storage', {
      ok: fault === null,
      code: fault?.code ?? null,
      message: fault?.message ?? null,
      pending: this.pending,
      atMs: this.clock.nowMs(),
    });
    for (const listener of this.faultListeners) listener(fault);
  }
}
