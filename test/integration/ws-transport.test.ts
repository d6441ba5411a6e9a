import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { createApp, type App } from '../../electron/app';
import { startConsoleServer, type ConsoleServer } from '../../electron/ipc/ws-transport';
import type { ServerMessage } from '../../electron/ipc/wire';
import { makeTempDir } from '../helpers/temp-dir';

let app: App;
let server: ConsoleServer;
const temp = makeTempDir();

beforeAll(async () => {
  app = createApp({ dataDir: temp.dir });
  server = await startConsoleServer({ router: app.router, bus: app.bus, staticDir: null, port: 0 });
});
afterAll(async () => {
  await server.close();
  await app.close();
  temp.remove();
});

/** Attempts an upgrade; resolves with the HTTP status of a refusal, or 101 and the open socket. */
function upgrade(options: {
  token?: string;
  origin?: string;
  host?: string;
}): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (options.host) headers.host = options.host;
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${options.token ?? server.token}`, {
      headers,
      ...(options.origin ? { origin: options.origin } : {}),
    });
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('unexpected-response', (_request, response) => resolve({ status: response.statusCode ?? 0 }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

function nextMessage(ws: WebSocket, predicate: (message: ServerMessage) => boolean): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (predicate(message)) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
  });
}

describe('WebSocket transport', () => {
  it('refuses a wrong token', async () => {
    expect((await upgrade({ token: 'not-the-token' })).status).toBe(401);
    expect((await upgrade({ token: '' })).status).toBe(401);
  });

  it('refuses a foreign Origin', async () => {
    expect((await upgrade({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await upgrade({ origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding), for the socket and for pages', async () => {
    expect((await upgrade({ host: `evil.example:${server.port}` })).status).toBe(421);
    const status = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: 'evil.example' } }, (response) =>
        resolve(response.statusCode ?? 0),
      ).end();
    });
    expect(status).toBe(421);
  });

  it('serves calls to a client with the token and its own Origin, and types bad payloads', async () => {
    const { status, ws } = await upgrade({ origin: `http://127.0.0.1:${server.port}` });
    expect(status).toBe(101);
    ws!.send(JSON.stringify({ id: 1, call: 'app/info', input: {} }));
    const info = await nextMessage(ws!, (m) => 'id' in m && m.id === 1);
    expect(info).toMatchObject({ id: 1, output: { name: 'Tminus', dataDir: temp.dir } });
    ws!.send(JSON.stringify({ id: 2, call: 'targets/validate', input: { text: ['not', 'text'] } }));
    const bad = await nextMessage(ws!, (m) => 'id' in m && m.id === 2);
    expect(bad).toMatchObject({ id: 2, error: { code: 'INVALID_INPUT', issues: [{ path: 'text' }] } });
    ws!.send('{ this is not json');
    ws!.send(JSON.stringify({ id: 3, call: 'app/info', input: {} }));
    expect(await nextMessage(ws!, (m) => 'id' in m && m.id === 3)).toMatchObject({ output: { name: 'Tminus' } });
    ws!.close();
  });

  it('pushes subscribed events coalesced into frames', async () => {
    const { ws } = await upgrade({});
    ws!.send(JSON.stringify({ subscribe: ['clock/sample'] }));
    // Round trip a call so the subscription has been processed before events are emitted.
    ws!.send(JSON.stringify({ id: 9, call: 'app/info', input: {} }));
    await nextMessage(ws!, (m) => 'id' in m);
    const frame = nextMessage(ws!, (m) => 'batches' in m);
    for (let n = 0; n < 500; n += 1)
      app.bus.emit('clock/sample', { source: 's', offsetMs: n, boundMs: 1, delayMs: 1, atMs: n });
    const message = await frame;
    expect('batches' in message && message.batches[0]!.events).toHaveLength(500);
    ws!.close();
  });
});
