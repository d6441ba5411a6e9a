import { describe, expect, it, vi } from 'vitest';
import {
  bindIpcMain,
  CHANNELS,
  type IpcEventLike,
  type IpcMainLike,
  type SenderLike,
} from '../../electron/ipc/ipc-main-binding';
import { createRouter, type Handlers } from '../../electron/ipc/router';
import { EventBus } from '../../electron/ipc/event-bus';
import type { ServerMessage } from '../../electron/ipc/wire';
import { handlersWith } from '../helpers/handlers';

function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, (event: IpcEventLike, ...args: unknown[]) => void>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => handlers.set(channel, listener),
    on: (channel, listener) => listeners.set(channel, listener),
    removeHandler: (channel) => handlers.delete(channel),
    removeAllListeners: (channel) => listeners.delete(channel),
  };
  return { ipcMain, handlers, listeners };
}

function fakeSender(): SenderLike & { sent: ServerMessage[]; destroy(): void } {
  let onDestroyed: (() => void) | undefined;
  let destroyed = false;
  const sent: ServerMessage[] = [];
  return {
    id: 7,
    sent,
    send: (_channel, message) => sent.push(message),
    isDestroyed: () => destroyed,
    once: (_event, listener) => {
      onDestroyed = listener;
    },
    destroy() {
      destroyed = true;
      onDestroyed?.();
    },
  };
}

const handlers: Handlers = handlersWith({
  'targets/validate': () => ({ ok: true, format: 'yaml', problems: [], caveats: [] }),
});

describe('Electron IPC binding', () => {
  it('serves calls from our own page and refuses other frames', async () => {
    const { ipcMain, handlers: bound } = fakeIpcMain();
    bindIpcMain(ipcMain, createRouter(handlers), new EventBus(), (url) => url.startsWith('file:///app/'));
    const invoke = bound.get(CHANNELS.invoke)!;
    const sender = fakeSender();
    expect(
      await invoke({ sender, senderFrame: { url: 'file:///app/index.html' } }, 'targets/validate', { text: 'a: 1' }),
    ).toEqual({
      ok: true,
      output: { ok: true, format: 'yaml', problems: [], caveats: [] },
    });
    expect(
      await invoke({ sender, senderFrame: { url: 'https://evil.example/' } }, 'targets/validate', { text: 'a' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await invoke({ sender, senderFrame: { url: 'file:///app/index.html' } }, 'targets/validate', {}),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', issues: [{ path: 'text' }] },
    });
  });

  it('sends coalesced frames for subscribed topics and stops when the window is destroyed', () => {
    vi.useFakeTimers();
    const { ipcMain, listeners } = fakeIpcMain();
    const bus = new EventBus();
    bindIpcMain(ipcMain, createRouter(handlers), bus, () => true);
    const sender = fakeSender();
    listeners.get(CHANNELS.subscribe)!({ sender, senderFrame: { url: 'file:///x' } }, ['campaign/state']);
    bus.emit('campaign/state', { campaignId: 'a', state: 'armed', atMs: 1 });
    bus.emit('campaign/state', { campaignId: 'a', state: 'firing', atMs: 2 });
    vi.advanceTimersByTime(16);
    expect(sender.sent).toHaveLength(1);
    sender.destroy();
    bus.emit('campaign/state', { campaignId: 'a', state: 'completed', atMs: 3 });
    vi.advanceTimersByTime(16);
    expect(sender.sent).toHaveLength(1);
    vi.useRealTimers();
  });
});
