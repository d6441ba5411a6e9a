// One account's own keep-alive connection to its home endpoint, opened and proven while arming. Its first shot is
// written on it as bytes serialised before the instant: at the instant, sending is one `write`, and a thousand
// accounts due together go out in one synchronous loop, at the cost of the kernel's write and nothing else
// (docs/engine.md, "Armed connections"). One request at a time; after a request it can carry the account's next.
import { channel } from 'node:diagnostics_channel';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { LocalClock } from '../clock';
import { parseJsonBody, type Exchange } from './http-exchange';
import { Http1ResponseParser, type Http1Response } from './http1-response-parser';

/** Published after each request's bytes were handed to the socket: `{ path, atMs }` (performance.now()). */
export const armedWriteChannel = channel('tminus:armed-connection:write');

type State = 'connecting' | 'idle' | 'busy' | 'closed';

/** Certificates to trust instead of the system's (tests, a target with a private CA). */
export interface TlsTrust {
  ca?: string | Buffer;
}

interface InFlight {
  parser: Http1ResponseParser;
  sentLocalMs: number;
  timeoutMs: number;
  timer: NodeJS.Timeout | null;
  resolve: (exchange: Exchange) => void;
}

// Connection and request, in pairs: the requests written since the last microtask, whose timeouts start there.
const timeoutsToStart: Array<ArmedConnection | InFlight> = [];
let timeoutsQueued = false;

function startTimeouts(): void {
  timeoutsQueued = false;
  const pairs = timeoutsToStart.splice(0);
  for (let n = 0; n < pairs.length; n += 2) (pairs[n] as ArmedConnection).startTimeout(pairs[n + 1] as InFlight);
}

/** The microtask that starts the timeouts of the requests written in this pass, queued once per pass. */
function queueTimeouts(): void {
  if (timeoutsQueued) return;
  timeoutsQueued = true;
  queueMicrotask(startTimeouts);
}

export interface LoadedShot {
  /**
   * Writes the request now if the connection is ready; false (and nothing written) if it is not. `nowMs`: the local
   * clock read just before, by a caller that has one (it is the attempt's send instant).
   */
  fire(nowMs?: number): boolean;
  /**
   * Just before the releasing loop, in its pass: reads the connection's state (what `fire` will read first) and queues
   * the microtask that will start the timeouts of the requests written in the loop, so that `fire` does not. Sends
   * nothing. (A write of no bytes, to touch the socket's write path too, was tried: no gain the benchmark could show.)
   */
  warm(): void;
  answer: Promise<Exchange>;
}

const timeoutError = (): Error => Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });

export class ArmedConnection {
  private state: State = 'connecting';
  private inFlight: InFlight | null = null;
  private readonly socket: Socket;
  readonly host: string;

  private constructor(
    readonly endpoint: string,
    url: URL,
    private readonly clock: LocalClock,
    trust: TlsTrust,
  ) {
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    this.host = url.host;
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.socket =
      url.protocol === 'https:'
        ? connectTls({
            host: hostname,
            port,
            // SNI names a host, never an address (RFC 6066); the certificate is checked against either.
            servername: isIP(hostname) ? undefined : hostname,
            ALPNProtocols: ['http/1.1'],
            ca: trust.ca,
          })
        : connectTcp({ host: hostname, port });
    this.socket.setNoDelay(true);
    this.socket.setKeepAlive(true, 30_000);
    this.socket.on('data', (data: Buffer) => this.onData(data));
    this.socket.on('error', (error) => this.close(error));
    this.socket.on('end', () => this.close(null)); // the server ended it: a body read to the end is complete now
    this.socket.on('close', () => this.close(null));
  }

  /**
   * Opens a connection to `endpoint` (http or https, the certificate checked against the system's trust, or `trust.ca`
   * where given); rejects when it cannot be opened within `timeoutMs`.
   */
  static open(endpoint: string, clock: LocalClock, timeoutMs: number, trust: TlsTrust = {}): Promise<ArmedConnection> {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return Promise.reject(new Error(`endpoint: ${endpoint} is not http or https`));
    const connection = new ArmedConnection(endpoint.replace(/\/$/, ''), url, clock, trust);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.close(new Error('connect timeout'));
        reject(new Error(`connecting to ${url.origin} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      const ready = url.protocol === 'https:' ? 'secureConnect' : 'connect';
      connection.socket.once(ready, () => {
        clearTimeout(timer);
        connection.state = 'idle';
        resolve(connection);
      });
      connection.socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Ended, by either side: it carries nothing more. */
  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Idle and open: a request written now goes out at once. */
  get ready(): boolean {
    return this.state === 'idle' && !this.socket.destroyed;
  }

  /**
   * Writes `bytes` now (synchronously: the request is on the wire when this returns) and resolves with the answer.
   * Only when `ready`; the caller serialised `bytes` for this connection's host.
   */
  send(bytes: Buffer, method: string, path: string, timeoutMs: number): Promise<Exchange> {
    const shot = this.load(bytes, method, path, timeoutMs);
    if (!shot.fire()) throw new Error('the armed connection is not ready');
    return shot.answer;
  }

  /**
   * Everything for one request but the write, done ahead: `fire()` at the instant is a readiness check, the write
   * and a clock read. `answer` settles once the request was fired and answered; a shot never fired never settles.
   */
  load(bytes: Buffer, method: string, path: string, timeoutMs: number): LoadedShot {
    let resolve!: (exchange: Exchange) => void;
    const answer = new Promise<Exchange>((settle) => (resolve = settle));
    const inFlight: InFlight = {
      parser: new Http1ResponseParser(method),
      sentLocalMs: 0,
      timeoutMs,
      timer: null,
      resolve,
    };
    const fire = (nowMs?: number): boolean => {
      if (!this.ready) return false;
      this.state = 'busy';
      this.inFlight = inFlight;
      inFlight.sentLocalMs = nowMs ?? this.clock.nowMs();
      this.socket.write(bytes);
      if (armedWriteChannel.hasSubscribers) armedWriteChannel.publish({ path, atMs: performance.now() });
      // The timeout is started once the releasing loop is done (one microtask for the whole burst): a timer is not
      // worth a microsecond of it.
      timeoutsToStart.push(this, inFlight);
      queueTimeouts();
      return true;
    };
    const warm = (): void => {
      if (this.ready) queueTimeouts();
    };
    return { fire, warm, answer };
  }

  /** Starts the timeout of a request written in a releasing loop, if it is still the one in flight. */
  startTimeout(inFlight: InFlight): void {
    if (this.inFlight === inFlight) inFlight.timer = setTimeout(() => this.close(timeoutError()), inFlight.timeoutMs);
  }

  private onData(data: Buffer): void {
    const inFlight = this.inFlight;
    if (!inFlight) {
      // Bytes nobody asked for (or a server closing with a message): this connection is not trusted again.
      this.close(null);
      return;
    }
    let result: { response: Http1Response; rest: Buffer } | null;
    try {
      result = inFlight.parser.push(data);
    } catch (error) {
      this.close(error as Error);
      return;
    }
    if (!result) return;
    this.settle(result.response);
    if (!result.response.keepAlive || result.rest.length > 0) this.close(null);
    else this.state = 'idle';
  }

  private settle(response: Http1Response): void {
    const inFlight = this.inFlight!;
    this.inFlight = null;
    if (inFlight.timer) clearTimeout(inFlight.timer);
    const latencyMs = this.clock.nowMs() - inFlight.sentLocalMs;
    const raw = response.body.length > 0 ? response.body : null;
    inFlight.resolve({
      endpoint: this.endpoint,
      sentLocalMs: inFlight.sentLocalMs,
      latencyMs,
      status: response.status,
      headers: response.headers,
      body: parseJsonBody(raw),
      raw,
      networkError: null,
    });
  }

  /** Ends the connection; a request in flight is answered with the network error (or a reset). */
  close(error: Error | null): void {
    if (this.state === 'closed') return;
    const inFlight = this.inFlight;
    if (inFlight && error === null) {
      // The server closed: a body framed by the connection's end is complete now; anything else was cut short.
      try {
        this.settle(inFlight.parser.end());
      } catch {
        error = Object.assign(new Error('socket closed'), { code: 'ECONNRESET' });
      }
    }
    this.state = 'closed';
    this.socket.destroy();
    if (this.inFlight) {
      this.inFlight = null;
      if (inFlight!.timer) clearTimeout(inFlight!.timer);
      const { code, name } = (error ?? {}) as { code?: unknown; name?: string };
      inFlight!.resolve({
        endpoint: this.endpoint,
        sentLocalMs: inFlight!.sentLocalMs,
        latencyMs: null,
        status: null,
        headers: {},
        body: null,
        raw: null,
        networkError: typeof code === 'string' ? code : (name ?? 'ECONNRESET'),
      });
    }
  }
}
