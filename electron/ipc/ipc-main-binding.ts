// Binds the router and the event bus to Electron's ipcMain through a narrow interface, so this file does not import
// Electron and runs under plain Node in tests. Channels: one for calls, two for subscriptions, one for event frames.
import type { Router } from './router';
import type { EventBus } from './event-bus';
import { Subscriber } from './subscriber';
import type { ServerMessage } from './wire';

export const CHANNELS = {
  invoke: 'tminus:invoke',
  subscribe: 'tminus:subscribe',
  unsubscribe: 'tminus:unsubscribe',
  frame: 'tminus:frame',
} as const;

export interface SenderLike {
  id: number;
  send(channel: string, message: ServerMessage): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): void;
}

export interface IpcEventLike {
  sender: SenderLike;
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): void;
  removeHandler(channel: string): void;
  removeAllListeners(channel: string): void;
}

/** `isTrustedFrame` refuses messages from anything but our own renderer (e.g. a navigated-away frame). */
export function bindIpcMain(
  ipcMain: IpcMainLike,
  router: Router,
  bus: EventBus,
  isTrustedFrame: (url: string) => boolean,
): () => void {
  const subscribers = new Map<number, Subscriber>();
  const trusted = (event: IpcEventLike): boolean => event.senderFrame !== null && isTrustedFrame(event.senderFrame.url);

  const subscriberFor = (sender: SenderLike): Subscriber => {
    let subscriber = subscribers.get(sender.id);
    if (!subscriber) {
      const created = new Subscriber(bus, (message) => {
        if (!sender.isDestroyed()) sender.send(CHANNELS.frame, message);
      });
      subscribers.set(sender.id, created);
      sender.once('destroyed', () => {
        created.close();
        subscribers.delete(sender.id);
      });
      subscriber = created;
    }
    return subscriber;
  };

  ipcMain.handle(CHANNELS.invoke, async (event, call, input) => {
    if (!trusted(event)) return { ok: false, error: { code: 'FORBIDDEN', message: 'untrusted frame' } };
    return router.dispatch(String(call), input);
  });
  ipcMain.on(CHANNELS.subscribe, (event, topics) => {
    if (trusted(event) && Array.isArray(topics)) subscriberFor(event.sender).subscribe(topics.map(String));
  });
  ipcMain.on(CHANNELS.unsubscribe, (event, topics) => {
    if (trusted(event) && Array.isArray(topics)) subscriberFor(event.sender).unsubscribe(topics.map(String));
  });

  return () => {
    ipcMain.removeHandler(CHANNELS.invoke);
    ipcMain.removeAllListeners(CHANNELS.subscribe);
    ipcMain.removeAllListeners(CHANNELS.unsubscribe);
    for (const subscriber of subscribers.values()) subscriber.close();
    subscribers.clear();
  };
}
