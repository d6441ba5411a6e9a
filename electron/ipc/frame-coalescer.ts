// Gathers events for one subscriber and sends them as one message per frame (16 ms), grouped by topic, in order.
// The renderer then applies a frame's worth of increments at once instead of re-rendering per event.
//
// Backpressure: while the transport says it cannot take more (a socket whose peer does not read), frames are held
// and merged into the next; past `maxPendingEvents` held the subscriber is given up (`onOverflow`) rather than
// letting it grow the process without bound.
import type { Topic } from './contract';
import { FRAME_MS, type ServerMessage, type TopicBatch } from './wire';

export interface Backpressure {
  /** False while the transport's own buffer is full. */
  canSend(): boolean;
  maxPendingEvents: number;
  onOverflow(pendingEvents: number): void;
}

export class FrameCoalescer {
  private pending = new Map<Topic, unknown[]>();
  private pendingEvents = 0;
  private timer: NodeJS.Timeout | null = null;
  private frame = 0;
  private overflowed = false;

  constructor(
    private readonly send: (message: ServerMessage) => void,
    private readonly frameMs: number = FRAME_MS,
    private readonly backpressure?: Backpressure,
  ) {}

  push(topic: Topic, payload: unknown): void {
    if (this.overflowed) return;
    let list = this.pending.get(topic);
    if (!list) {
      list = [];
      this.pending.set(topic, list);
    }
    list.push(payload);
    this.pendingEvents += 1;
    if (this.backpressure && this.pendingEvents > this.backpressure.maxPendingEvents) {
      this.overflowed = true;
      const held = this.pendingEvents;
      this.close();
      this.backpressure.onOverflow(held);
      return;
    }
    if (this.frameMs <= 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.frameMs);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.size === 0) return;
    if (this.backpressure && !this.backpressure.canSend()) {
      this.timer = setTimeout(() => this.flush(), Math.max(this.frameMs, FRAME_MS));
      return;
    }
    const batches: TopicBatch[] = [];
    for (const [topic, events] of this.pending) batches.push({ topic, events });
    this.pending = new Map();
    this.pendingEvents = 0;
    this.frame += 1;
    this.send({ frame: this.frame, batches });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    this.pendingEvents = 0;
  }
}
