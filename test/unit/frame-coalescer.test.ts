import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameCoalescer } from '../../electron/ipc/frame-coalescer';
import { EventBus } from '../../electron/ipc/event-bus';
import { Subscriber } from '../../electron/ipc/subscriber';
import type { ServerMessage } from '../../electron/ipc/wire';

const sample = (n: number) => ({ source: 'ntp', offsetMs: n, boundMs: 1, delayMs: 2, atMs: n });

describe('frame coalescing', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends all events of one 16 ms frame as one message, grouped by topic and in order', () => {
    const sent: ServerMessage[] = [];
    const coalescer = new FrameCoalescer((message) => sent.push(message));
    for (let n = 0; n < 1000; n += 1) coalescer.push('clock/sample', sample(n));
    coalescer.push('campaign/state', { campaignId: 'c', state: 'armed', atMs: 1 });
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(16);
    expect(sent).toHaveLength(1);
    const message = sent[0]!;
    expect('batches' in message && message.batches.map((batch) => [batch.topic, batch.events.length])).toEqual([
      ['clock/sample', 1000],
      ['campaign/state', 1],
    ]);
    coalescer.push('clock/sample', sample(1));
    vi.advanceTimersByTime(16);
    expect(sent).toHaveLength(2);
    expect('frame' in sent[1]! && sent[1].frame).toBe(2);
  });

  it('sends one message per event when the frame is 0 (the benchmark baseline)', () => {
    const sent: ServerMessage[] = [];
    const coalescer = new FrameCoalescer((message) => sent.push(message), 0);
    for (let n = 0; n < 5; n += 1) coalescer.push('clock/sample', sample(n));
    expect(sent).toHaveLength(5);
  });

  it('forwards only the topics a subscriber asked for, and nothing after it closes', () => {
    const bus = new EventBus();
    const sent: ServerMessage[] = [];
    const subscriber = new Subscriber(bus, (message) => sent.push(message));
    subscriber.subscribe(['clock/sample', 'no/such-topic']);
    bus.emit('campaign/state', { campaignId: 'c', state: 'armed', atMs: 1 });
    bus.emit('clock/sample', sample(1));
    vi.advanceTimersByTime(16);
    expect(sent).toHaveLength(1);
    subscriber.close();
    bus.emit('clock/sample', sample(2));
    vi.advanceTimersByTime(16);
    expect(sent).toHaveLength(1);
  });
});
