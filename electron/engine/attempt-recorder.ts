// Writes attempts in batched transactions (at most 50 ms or 500 rows apart) and only then announces them. A success
// is written at once, synchronously, before anything reports it.
import type { AttemptRecord, AttemptsRepository } from '../store';
import type { EventBus } from '../ipc/event-bus';

export interface RecorderOptions {
  maxBatch?: number;
  maxDelayMs?: number;
}

export class AttemptRecorder {
  private buffer: AttemptRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  written = 0;

  constructor(
    private readonly attempts: AttemptsRepository,
    private readonly bus: EventBus,
    options: RecorderOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 50;
  }

  record(attempt: AttemptRecord, durable = false): void {
    this.buffer.push(attempt);
    if (durable || this.buffer.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const ids = this.attempts.insertBatch(batch);
    this.written += batch.length;
    batch.forEach((attempt, index) => {
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
}
