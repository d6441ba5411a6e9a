// The console's socket under hostile peers: a call too large, a frame that is not JSON, and a subscriber that stops
// reading while the bus keeps emitting. Each gets an answer or a close with its reason; the server stays bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createApp, type App } from '../../electron/app';
import { startConsoleServer, type ConsoleServer } from '../../electron/ipc/ws-transport';
import { CLOSE_TOO_SLOW, type ServerMessage } from '../../electron/ipc/wire';
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

const open = (): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

const reply = (ws: WebSocket): Promise<ServerMessage> =>
  new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if ('id' in message) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
  });

describe('WebSocket limits', () => {
  it('answers a 20 MiB call with an error naming the limit, and keeps the socket', async () => {
    const ws = await open();
    const answer = reply(ws);
    ws.send(JSON.stringify({ id: 7, call: 'targets/validate', input: { text: 'x'.repeat(20 * 1024 * 1024) } }));
    expect(await answer).toMatchObject({ id: 7, error: { code: 'PAYLOAD_TOO_LARGE' } });
    const next = reply(ws);
    ws.send(JSON.stringify({ id: 8, call: 'app/info', input: {} }));
    expect(await next).toMatchObject({ id: 8, output: expect.any(Object) });
    ws.close();
  });

  it('answers a frame that is not JSON with an error instead of ignoring it', async () => {
    const ws = await open();
    const answer = reply(ws);
    ws.send('{"id": 3, "call": oops');
    expect(await answer).toMatchObject({ id: 3, error: { code: 'INVALID_MESSAGE' } });
    const anonymous = reply(ws);
    ws.send('not json at all');
    expect(await anonymous).toMatchObject({ id: null, error: { code: 'INVALID_MESSAGE' } });
    ws.close();
  });

  it('gives up a subscriber that stops reading, with the reason, and keeps serving the others', async () => {
    const slow = await open();
    const healthy = await open();
    slow.send(JSON.stringify({ subscribe: ['clock/sample'] }));
    healthy.send(JSON.stringify({ subscribe: ['clock/sample'] }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    let healthyEvents = 0;
    healthy.on('message', (data: Buffer) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if ('batches' in message) for (const batch of message.batches) healthyEvents += batch.events.length;
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      slow.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    // The slow peer stops reading: its socket's receive buffer fills, the server's send buffer with it.
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = 'x'.repeat(2_000);
    for (let round = 0; round < 60; round += 1) {
      for (let n = 0; n < 1_000; n += 1)
        app.bus.emit('clock/sample', { source: big, offsetMs: n, boundMs: 1, delayMs: 1, atMs: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    const { code, reason } = await closed;
    expect(code).toBe(CLOSE_TOO_SLOW);
    expect(reason).toMatch(/too slow/);
    expect(healthyEvents).toBe(60_000); // the reading subscriber got every event
    healthy.close();
  }, 30_000);
});
