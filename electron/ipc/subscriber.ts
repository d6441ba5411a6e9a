// One connected renderer (a window or a browser tab): the topics it asked for, fed from the bus through a coalescer.
// Both transports use it, so a browser tab and an Electron window receive exactly the same messages.
import { isTopic, type Topic } from './contract';
import type { EventBus } from './event-bus';
import { FrameCoalescer, type Backpressure } from './frame-coalescer';
import type { ServerMessage } from './wire';

export class Subscriber {
  private readonly topics = new Set<Topic>();
  private readonly coalescer: FrameCoalescer;
  private readonly detach: () => void;

  constructor(bus: EventBus, send: (message: ServerMessage) => void, frameMs?: number, backpressure?: Backpressure) {
    this.coalescer = new FrameCoalescer(send, frameMs, backpressure);
    this.detach = bus.onAny((topic, payload) => {
      if (this.topics.has(topic)) this.coalescer.push(topic, payload);
    });
  }

  /** Unknown topic names are ignored: a newer renderer may ask for topics an older main does not have. */
  subscribe(names: readonly string[]): void {
    for (const name of names) if (isTopic(name)) this.topics.add(name);
  }

  unsubscribe(names: readonly string[]): void {
    for (const name of names) if (isTopic(name)) this.topics.delete(name);
  }

  close(): void {
    this.detach();
    this.coalescer.close();
    this.topics.clear();
  }
}
