// One node of the booking service: an HTTP/1.1 keep-alive server on 127.0.0.1 with its own latency and faults, in
// front of the shared BookingService. Every response carries the server clock in `Date` and `X-Server-Time-Ms`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { BookingService, SimRequest, SimResponse } from './booking-service';
import type { NodeFaults, NodeLatency } from './scenario';
import { SeededRandom } from './random';
import { serveLoginPage } from './login-page';

export interface NodeConfig {
  index: number;
  latency: NodeLatency;
  faults: NodeFaults;
  seed: number;
}

export type AdminHandler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

const MAX_BODY_BYTES = 1024 * 1024;

const isLoopback = (address: string | undefined): boolean =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

export class HttpNode {
  private server: Server | null = null;
  private readonly random: SeededRandom;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly service: () => BookingService,
    public config: NodeConfig,
    private readonly admin: AdminHandler,
  ) {
    this.random = new SeededRandom(config.seed * 7919 + config.index);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = 0): Promise<void> {
    const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 10_000 }, (request, response) =>
      this.receive(request, response),
    );
    server.on('connection', (socket) => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** One-way network delay for this node, drawn from its latency settings. */
  delay(direction: 'out' | 'back'): number {
    const { baseMs, jitterMs, outMs, backMs } = this.config.latency;
    const center = direction === 'out' ? (outMs ?? baseMs) : (backMs ?? baseMs);
    return Math.max(0, this.random.around(center, jitterMs));
  }

  /** Requests stamped on arrival and not yet read: taken in by one immediate after the poll phase. */
  private intake: Array<{ request: IncomingMessage; response: ServerResponse; receivedTrueMs: number }> = [];
  private intakeScheduled = false;

  private receive(request: IncomingMessage, response: ServerResponse): void {
    // The instant the request reached this node, before any queueing in this process: a busy simulator must not
    // make a punctual client look late. Nothing else is done here, so that requests arriving together are stamped
    // one right after another; reading and handling them waits for the end of the poll phase.
    this.intake.push({ request, response, receivedTrueMs: this.service().clock.nowTrueMs() });
    if (this.intakeScheduled) return;
    this.intakeScheduled = true;
    setImmediate(() => {
      this.intakeScheduled = false;
      const arrived = this.intake;
      this.intake = [];
      for (const { request, response, receivedTrueMs } of arrived) this.read(request, response, receivedTrueMs);
    });
  }

  private read(request: IncomingMessage, response: ServerResponse, receivedTrueMs: number): void {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const text = chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8');
      const path = (request.url ?? '/').split('?')[0]!;
      if (path === '/login') {
        serveLoginPage(this.service(), request, text, response);
        return;
      }
      if (path.startsWith('/admin/')) {
        if (!isLoopback(request.socket.remoteAddress)) {
          response.writeHead(403).end();
          return;
        }
        this.admin(request, text, response);
        return;
      }
      let body: unknown = undefined;
      const form = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      if (text !== '' && form) body = Object.fromEntries(new URLSearchParams(text));
      else if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          this.send(response, { status: 400, body: { code: 'BAD_JSON', message: 'the request body is not JSON' } }, 0);
          return;
        }
      }
      const clientHeader = request.headers['x-client-id'];
      const simRequest: SimRequest = {
        node: this.config.index,
        method: request.method ?? 'GET',
        path,
        query: Object.fromEntries(new URLSearchParams((request.url ?? '').split('?')[1] ?? '')),
        headers: request.headers,
        body,
        client:
          typeof clientHeader === 'string' && clientHeader !== ''
            ? clientHeader
            : (request.socket.remoteAddress ?? '?'),
      };
      // The modelled network: the request arrives outMs after it reached the machine.
      const outMs = this.delay('out');
      const arrivalTrueMs = receivedTrueMs + outMs;
      const wait = arrivalTrueMs - this.service().clock.nowTrueMs();
      // Always deferred, so that requests arriving together are all stamped before any of them is processed.
      if (wait > 0) setTimeout(() => this.process(simRequest, response, arrivalTrueMs), wait);
      else setImmediate(() => this.process(simRequest, response, arrivalTrueMs));
    });
  }

  private process(request: SimRequest, response: ServerResponse, trueMs: number): void {
    const service = this.service();
    const { faults } = this.config;
    // Faults are drawn in a fixed order so a seed always gives the same sequence.
    if (this.random.chance(faults.resetRate)) {
      service.logFault(request, trueMs, 'RESET');
      response.socket?.destroy();
      return;
    }
    if (this.random.chance(faults.hangRate)) {
      service.logFault(request, trueMs, 'HANG');
      return; // never answered; the client's timeout or close ends it
    }
    const injected = request.path !== '/api/time' && this.random.chance(faults.errorRate);
    const result: SimResponse = injected
      ? {
          status: 500 + Math.floor(this.random.next() * 3),
          body: { code: 'INJECTED_FAULT', message: 'injected server error' },
        }
      : service.handle(request, trueMs);
    if (injected) service.count('INJECTED_FAULT');
    // A dropped response has already taken effect (a booking committed) but the client never hears of it.
    if (!injected && this.random.chance(faults.dropResponseRate)) {
      response.socket?.destroy();
      return;
    }
    this.send(response, result, this.delay('back'));
  }

  private send(response: ServerResponse, result: SimResponse, backMs: number): void {
    // The server stamps its clock as it writes the response; the way back to the client comes after that.
    const serverMs = this.service().clock.nowServerMs();
    const payload = result.raw ?? JSON.stringify(result.body);
    const headers = {
      'content-type': result.raw ? 'application/octet-stream' : 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      date: new Date(serverMs).toUTCString(),
      'x-server-time-ms': serverMs.toFixed(3),
      ...result.headers,
    };
    const write = (): void => {
      if (response.destroyed) return;
      response.sendDate = false;
      response.writeHead(result.status, headers);
      response.end(payload);
    };
    if (backMs > 0) setTimeout(write, backMs);
    else write();
  }
}
