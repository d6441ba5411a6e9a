// Gathers events for one subscriber and sends them as one message per frame (16 ms), grouped by topic, in order.
// The renderer then applies a frame's worth of increments at once instead of re-rendering per event.
import type { Topic } from './contract';
import { FRAME_MS, type ServerMessage, type TopicBatch } from './wire';

export class FrameCoalescer {
  private pending = new Map<Topic, unknown[]>();
  private timer: NodeJS.Timeout | null = null;
  private frame = 0;

  constructor(
    private readonly send: (message: ServerMessage) => void,
    private readonly frameMs: number = FRAME_MS,
  ) {}

  push(topic: Topic, payload: unknown): void {
    let list = this.pending.get(topic);
    if (!list) {
      list = [];
      this.pending.set(topic, list);
    }
    list.push(payload);
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
    const batches: TopicBatch[] = [];
    for (const [topic, events] of this.pending) batches.push({ topic, events });
    this.pending = new Map();
    this.frame += 1;
    this.send({ frame: this.frame, batches });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}
