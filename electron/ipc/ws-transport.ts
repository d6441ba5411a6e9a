// `tminus serve`: the console for a browser. One HTTP server on 127.0.0.1 serves the built renderer and a WebSocket
// carrying the same messages as Electron IPC. The socket needs the random token printed in the URL; a foreign Host
// (DNS rebinding) or Origin (another site in the same browser) is refused before anything else happens.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Router } from './router';
import type { EventBus } from './event-bus';
import { Subscriber } from './subscriber';
import { readStaticFile } from './static-files';
import {
  CLOSE_TOO_SLOW,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  MAX_CALL_BYTES,
  type ClientMessage,
  type ServerMessage,
  type WireError,
} from './wire';

/** Frames wait while the socket holds more than this unsent; past the hard limit the subscriber is given up. */
const SOFT_BUFFER_BYTES = 1024 * 1024;
const HARD_BUFFER_BYTES = 32 * 1024 * 1024;
const MAX_HELD_EVENTS = 20_000;
/** The socket reads frames up to this size, so that an oversize call still gets an answer rather than a close. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** The id at the head of a call (`{"id":12,...}` as the console sends it), read without parsing the whole frame. */
const leadingId = (data: Buffer): number | null => {
  const match = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(data.subarray(0, 64).toString('latin1'));
  return match ? Number(match[1]) : null;
};

export interface ConsoleServerOptions {
  router: Router;
  bus: EventBus;
  /** Built renderer; null serves only the socket (tests). */
  staticDir: string | null;
  /**
   * Serves `GET /download/<name>?token=…` (CSV exports): the handler writes the response, or returns false for an
   * unknown name. The token is checked first, as for the socket.
   */
  download?: (name: string, query: URLSearchParams, response: ServerResponse) => Promise<boolean>;
  port?: number;
  token?: string;
  /** Frame length for event coalescing; 0 sends one message per event (the benchmark's baseline). */
  frameMs?: number;
}

export interface ConsoleServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*; media-src 'self' data:; object-src 'none'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const sameToken = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const allowedHosts = (): string[] => [`${HOST}:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((host) => `http://${host}`);

  const hostAllowed = (request: IncomingMessage): boolean => allowedHosts().includes(request.headers.host ?? '');

  const handleHttp = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!hostAllowed(request)) {
      response.writeHead(421, { 'content-type': 'text/plain' }).end('refused: unexpected Host header\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(request.url ?? '/', `http://${HOST}`);
    // The console asks whether its token is the right one when its socket is refused, so that it can say so.
    if (url.pathname === '/auth-check') {
      const ok = sameToken(url.searchParams.get('token') ?? '', token);
      response.writeHead(ok ? 204 : 401, { 'cache-control': 'no-store' }).end();
      return;
    }
    if (url.pathname.startsWith('/download/') && options.download) {
      if (!sameToken(url.searchParams.get('token') ?? '', token)) {
        response.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized\n');
        return;
      }
      const served = await options.download(url.pathname.slice('/download/'.length), url.searchParams, response);
      if (!served) response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const file = options.staticDir ? await readStaticFile(options.staticDir, request.url ?? '/') : null;
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const headers: Record<string, string> = {
      'content-type': file.contentType,
      'x-content-type-options': 'nosniff',
      'cache-control': file.isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
    };
    if (file.isHtml) {
      headers['content-security-policy'] = CSP;
      headers['referrer-policy'] = 'no-referrer';
    }
    response.writeHead(200, headers).end(request.method === 'HEAD' ? undefined : file.body);
  };

  const server: Server = createServer((request, response) => {
    handleHttp(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  server.on('upgrade', (request, socket, head) => {
    const refuse = (status: number, reason: string): void => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(request.url ?? '/', `http://${HOST}`);
    if (url.pathname !== '/ws') return refuse(404, 'Not Found');
    if (!hostAllowed(request)) return refuse(421, 'Misdirected Request');
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin)) return refuse(403, 'Forbidden');
    if (!sameToken(url.searchParams.get('token') ?? '', token)) return refuse(401, 'Unauthorized');
    sockets.handleUpgrade(request, socket, head, (ws) => serveSocket(ws));
  });

  const serveSocket = (ws: WebSocket): void => {
    const giveUp = (reason: string): void => {
      if (ws.readyState === ws.OPEN) ws.close(CLOSE_TOO_SLOW, reason);
      // The close frame waits behind what is unread: a peer that reads again gets the reason; a dead one is cut.
      setTimeout(() => ws.terminate(), 10_000).unref();
    };
    const send = (message: ServerMessage): void => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > HARD_BUFFER_BYTES) {
        giveUp(`too slow: ${Math.round(ws.bufferedAmount / 1024 / 1024)} MiB unread`);
        return;
      }
      ws.send(JSON.stringify(message));
    };
    const refuse = (id: number | null, error: WireError): void => send({ id, error } as ServerMessage);
    const subscriber = new Subscriber(options.bus, send, options.frameMs, {
      canSend: () => ws.bufferedAmount < SOFT_BUFFER_BYTES,
      maxPendingEvents: MAX_HELD_EVENTS,
      onOverflow: (held) => giveUp(`too slow: ${held} events held unread`),
    });
    let lastSeen = Date.now();
    const heartbeat = setInterval(() => {
      if (Date.now() - lastSeen > HEARTBEAT_TIMEOUT_MS) {
        ws.terminate();
        return;
      }
      send({ heartbeat: Date.now() });
    }, HEARTBEAT_INTERVAL_MS);

    ws.on('message', (data: Buffer) => {
      lastSeen = Date.now();
      if (data.length > MAX_CALL_BYTES) {
        refuse(leadingId(data), {
          code: 'PAYLOAD_TOO_LARGE',
          message: `the message is ${(data.length / 1024 / 1024).toFixed(1)} MiB; at most ${MAX_CALL_BYTES / 1024 / 1024} MiB is read`,
        });
        return;
      }
      let message: ClientMessage;
      try {
        message = JSON.parse(data.toString('utf8')) as ClientMessage;
      } catch (error) {
        refuse(leadingId(data), {
          code: 'INVALID_MESSAGE',
          message: `the message is not JSON: ${(error as Error).message}`,
        });
        return;
      }
      if (typeof message !== 'object' || message === null) {
        refuse(null, { code: 'INVALID_MESSAGE', message: 'a message is a JSON object' });
        return;
      }
      if ('call' in message && typeof message.id === 'number') {
        const { id } = message;
        void options.router.dispatch(String(message.call), message.input).then((reply) => {
          send(reply.ok ? { id, output: reply.output } : { id, error: reply.error });
        });
      } else if ('subscribe' in message && Array.isArray(message.subscribe)) {
        subscriber.subscribe(message.subscribe.map(String));
      } else if ('unsubscribe' in message && Array.isArray(message.unsubscribe)) {
        subscriber.unsubscribe(message.unsubscribe.map(String));
      }
    });
    ws.on('close', () => {
      clearInterval(heartbeat);
      subscriber.close();
    });
    ws.on('error', () => ws.terminate());
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/#token=${token}`,
    port,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
