import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { EventBus } from '../../electron/ipc/event-bus';
import { createRouter } from '../../electron/ipc/router';
import { startConsoleServer, type ConsoleServer } from '../../electron/ipc/ws-transport';
import { handlersWith } from '../helpers/handlers';
import type { ConnectionStatus } from '../../renderer/src/api/transport';

// The browser client, run under Node with `ws` standing in for the browser's WebSocket.
beforeAll(() => {
  vi.stubGlobal('WebSocket', WebSocket);
});
afterAll(() => {
  vi.unstubAllGlobals();
});

const bus = new EventBus();
const router = createRouter(
  handlersWith({ 'targets/validate': () => ({ ok: true, format: 'yaml', problems: [], caveats: [] }) }),
);
const TOKEN = 'fixed-test-token';

describe('browser WebSocket client', () => {
  it('reconnects after the server goes away, resubscribes, and fails calls in flight cleanly', async () => {
    const { createWebSocketTransport } = await import('../../renderer/src/api/websocket-transport');
    let server: ConsoleServer = await startConsoleServer({ router, bus, staticDir: null, token: TOKEN });
    const port = server.port;
    const transport = createWebSocketTransport(`ws://127.0.0.1:${port}/ws?token=${TOKEN}`);
    const statuses: ConnectionStatus[] = [];
    transport.onStatus((status) => statuses.push(status));
    const received: unknown[] = [];
    transport.on('campaign/state', (events) => received.push(...events));

    expect(await transport.invoke('targets/validate', { text: 'a: 1' })).toMatchObject({ ok: true });
    bus.emit('campaign/state', { campaignId: 'c', state: 'armed', atMs: 1 });
    await vi.waitFor(() => expect(received).toHaveLength(1));

    await server.close();
    await vi.waitFor(() => expect(statuses).toContain('disconnected'));
    expect(await transport.invoke('targets/validate', { text: 'a: 1' })).toMatchObject({
      ok: false,
      error: { code: 'DISCONNECTED' },
    });

    server = await startConsoleServer({ router, bus, staticDir: null, token: TOKEN, port });
    await vi.waitFor(() => expect(statuses.at(-1)).toBe('connected'), { timeout: 15_000 });
    bus.emit('campaign/state', { campaignId: 'c', state: 'firing', atMs: 2 });
    await vi.waitFor(() => expect(received).toHaveLength(2));
    transport.close();
    await server.close();
  });
});
