// The engine's one bus of typed domain events. Transports subscribe to it; domains emit on it.
import type { EventPayload, Topic } from './contract';

type Listener<T extends Topic> = (payload: EventPayload<T>) => void;
type AnyListener = (topic: Topic, payload: unknown) => void;

export class EventBus {
  private readonly listeners = new Map<Topic, Set<Listener<Topic>>>();
  private readonly anyListeners = new Set<AnyListener>();

  emit<T extends Topic>(topic: T, payload: EventPayload<T>): void {
    const set = this.listeners.get(topic);
    if (set) for (const listener of set) listener(payload);
    for (const listener of this.anyListeners) listener(topic, payload);
  }

  on<T extends Topic>(topic: T, listener: Listener<T>): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    set.add(listener as Listener<Topic>);
    return () => set.delete(listener as Listener<Topic>);
  }

  /** Every event of every topic: what a transport forwards to its subscribers. */
  onAny(listener: AnyListener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }
}
