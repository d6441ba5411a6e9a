// The sandboxed preload: exposes exactly `invoke` and `on` as `window.tminus`; never ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { PreloadApi } from '../ipc/preload-api';
import type { ServerMessage, TopicBatch } from '../ipc/wire';

// Channel names repeated here on purpose: a sandboxed preload is one file and cannot import main-side modules.
const INVOKE = 'tminus:invoke';
const SUBSCRIBE = 'tminus:subscribe';
const UNSUBSCRIBE = 'tminus:unsubscribe';
const FRAME = 'tminus:frame';

const listeners = new Map<string, Set<(events: unknown[]) => void>>();

ipcRenderer.on(FRAME, (_event: IpcRendererEvent, message: ServerMessage) => {
  if (!('batches' in message)) return;
  message.batches.forEach((batch: TopicBatch) => {
    listeners.get(batch.topic)?.forEach((listener) => listener(batch.events));
  });
});

const api = {
  invoke: (call: string, input: unknown) => ipcRenderer.invoke(INVOKE, call, input),
  on: (topic: string, listener: (events: unknown[]) => void) => {
    let set = listeners.get(topic);
    if (!set) {
      set = new Set();
      listeners.set(topic, set);
      ipcRenderer.send(SUBSCRIBE, [topic]);
    }
    set.add(listener);
    return () => {
      const current = listeners.get(topic);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        listeners.delete(topic);
        ipcRenderer.send(UNSUBSCRIBE, [topic]);
      }
    };
  },
} satisfies PreloadApi;

contextBridge.exposeInMainWorld('tminus', api);
