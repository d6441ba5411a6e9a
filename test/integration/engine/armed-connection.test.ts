// An account's own connection against real servers on 127.0.0.1: answers read whatever their framing, the
// connection reused while the server keeps it, and every way it can end becomes an answer with a network error.
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ArmedConnection } from '../../../electron/engine/armed-connection';
import { serialiseRequest } from '../../../electron/engine/http1-request';
import { reopenClosed } from '../../../electron/engine/armed-shots';
import type { AccountRun } from '../../../electron/engine/account-run';
import type { Endpoint } from '../../../electron/engine/endpoint-pool';
import { systemLocalClock } from '../../../electron/clock';

const servers: Array<Server | TcpServer> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    (server as Server).closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen<T extends Server | TcpServer>(server: T): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = (path: string) => serialiseRequest({ method: 'GET', path, headers: {} }, 'localhost');

describe('armed connection', () => {
  it('sends on one kept-alive connection, reads chunked and sized bodies, and reports the write', async () => {
    const seen: string[] = [];
    const url = await listen(
      createServer((request, response) => {
        seen.push(`${request.socket.remotePort} ${request.method} ${request.url}`);
        if (request.url === '/chunked') {
          response.write('{"parts":');
          setTimeout(() => response.end('[1,2]}'), 10);
        } else response.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
      }),
    );
    const connection = await ArmedConnection.open(url, systemLocalClock, 1_000);
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    const written: string[] = [];
    const listener = (message: unknown) => written.push((message as { path: string }).path);
    subscribe('tminus:armed-connection:write', listener);
    const first = await connection.send(
      serialiseRequest(
        { method: 'POST', path: '/book', headers: { 'content-type': 'application/json' }, body: '{}' },
        'x',
      ),
      'POST',
      '/book',
      1_000,
    );
    unsubscribe('tminus:armed-connection:write', listener);
    expect(first).toMatchObject({ status: 201, body: { ok: true }, networkError: null, endpoint: url });
    expect(first.latencyMs).toBeGreaterThanOrEqual(0);
    expect(written).toEqual(['/book']);
    expect(connection.ready).toBe(true);
    const second = await connection.send(get('/chunked'), 'GET', '/chunked', 1_000);
    expect(second.body).toEqual({ parts: [1, 2] });
    const [a, b] = seen.map((line) => line.split(' ')[0]);
    expect(a).toBe(b); // the same client port: one connection
    connection.close(null);
    expect(connection.ready).toBe(false);
  });

  it('loads a shot ahead and writes it only when fired; a closed connection refuses to fire', async () => {
    let requests = 0;
    const url = await listen(createServer((_request, response) => (requests += 1) && response.end('{}')));
    const connection = await ArmedConnection.open(url, systemLocalClock, 1_000);
    const shot = connection.load(get('/a'), 'GET', '/a', 1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toBe(0);
    expect(shot.fire()).toBe(true);
    expect((await shot.answer).status).toBe(200);
    connection.close(null);
    expect(connection.load(get('/b'), 'GET', '/b', 1_000).fire()).toBe(false);
  });

  it('warms a shot without a byte reaching the server, and its timeout still starts once it is fired', async () => {
    const received: Buffer[] = [];
    const url = await listen(createTcpServer((socket) => socket.on('data', (data) => received.push(data))));
    const connection = await ArmedConnection.open(url, systemLocalClock, 1_000);
    const bytes = get('/a');
    const shot = connection.load(bytes, 'GET', '/a', 100);
    for (let n = 0; n < 3; n += 1) shot.warm();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Buffer.concat(received).length).toBe(0);
    // Fired in a later pass than its warm-up: the silent server's answer is the shot's own timeout.
    expect(shot.fire()).toBe(true);
    const answer = await shot.answer;
    expect(answer.networkError).toBe('ETIMEDOUT');
    expect(Buffer.concat(received).equals(bytes)).toBe(true);
  });

  it('turns a reset, a timeout, garbage and a server that closes while idle into network errors', async () => {
    const url = await listen(
      createTcpServer((socket) => {
        socket.on('data', (data) => {
          const path = String(data).split(' ')[1];
          if (path === '/reset') socket.resetAndDestroy();
          if (path === '/garbage') socket.write('SSH-2.0-nope\r\n\r\n');
          if (path === '/close-after')
            socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}');
          // '/hang': nothing
        });
      }),
    );
    const send = async (path: string, timeoutMs = 1_000) => {
      const connection = await ArmedConnection.open(url, systemLocalClock, 1_000);
      return { connection, answer: await connection.send(get(path), 'GET', path, timeoutMs) };
    };
    expect((await send('/reset')).answer).toMatchObject({ status: null, networkError: 'ECONNRESET' });
    expect((await send('/hang', 100)).answer).toMatchObject({ status: null, networkError: 'ETIMEDOUT' });
    expect((await send('/garbage')).answer).toMatchObject({ status: null, networkError: 'HPE_INVALID_RESPONSE' });
    const closing = await send('/close-after');
    expect(closing.answer).toMatchObject({ status: 200, body: {} });
    expect(closing.connection.ready).toBe(false); // the server said it closes: not used again
  });

  it('notices the server closing an idle connection, and opens it again before the instant', async () => {
    const server = createServer((_request, response) => response.end('{}'));
    server.keepAliveTimeout = 100; // shorter than an arm lead
    const url = await listen(server);
    const connection = await ArmedConnection.open(url, systemLocalClock, 1_000);
    expect((await connection.send(get('/warm'), 'GET', '/warm', 1_000)).status).toBe(200);
    // Node's server closes an idle connection about a second after its keepAliveTimeout.
    for (let waited = 0; !connection.closed && waited < 5_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connection.closed).toBe(true);
    const run = { done: false, armed: connection, home: { url } as Endpoint } as AccountRun;
    const idle = { done: false, armed: null, home: null } as unknown as AccountRun;
    expect(await reopenClosed([run, idle], systemLocalClock, 1_000)).toBe(1);
    expect(run.armed).not.toBe(connection);
    expect(run.armed!.ready).toBe(true);
    expect((await run.armed!.send(get('/book'), 'GET', '/book', 1_000)).status).toBe(200);
    run.armed!.close(null);
  });

  it('speaks https: checks the certificate, and refuses one it does not trust', async () => {
    const { createServer: createHttpsServer } = await import('node:https');
    const { readFileSync } = await import('node:fs');
    const fixture = (name: string) => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url));
    const server = createHttpsServer({ key: fixture('localhost.key'), cert: fixture('localhost.crt') }, (_q, r) =>
      r.end('{"secure":true}'),
    );
    const url = (await listen(server)).replace('http:', 'https:');
    const trusted = await ArmedConnection.open(url, systemLocalClock, 2_000, { ca: fixture('localhost.crt') });
    expect((await trusted.send(get('/s'), 'GET', '/s', 1_000)).body).toEqual({ secure: true });
    trusted.close(null);
    const byName = await ArmedConnection.open(url.replace('127.0.0.1', 'localhost'), systemLocalClock, 2_000, {
      ca: fixture('localhost.crt'),
    });
    expect(byName.ready).toBe(true);
    byName.close(null);
    await expect(ArmedConnection.open(url, systemLocalClock, 2_000)).rejects.toThrow(/self[- ]signed/i);
  });

  it('refuses an endpoint that is not listening or not http', async () => {
    const url = await listen(createTcpServer());
    const port = new URL(url).port;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    await expect(ArmedConnection.open(`http://127.0.0.1:${port}`, systemLocalClock, 1_000)).rejects.toThrow();
    await expect(ArmedConnection.open('ftp://127.0.0.1:21', systemLocalClock, 1_000)).rejects.toThrow(/not http/);
  });
});
