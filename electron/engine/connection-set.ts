// The keep-alive connections to one endpoint: a fixed number of undici Clients (one connection each, no pipelining)
// and a stack of the idle ones, so that taking a connection costs the same with one or a thousand open. undici's Pool
// looks for a free client by scanning all of them on every request; with a thousand connections and a thousand
// requests released together, that scan alone was ~10 ms of the burst (docs/benchmarks.md, burst).
import { Client, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header';

interface Connection {
  client: Client;
  inFlight: number;
}

export class ConnectionSet {
  private readonly connections: Connection[];
  private readonly idle: Connection[];
  /** Where the next request goes when no connection is idle: in turn, so that the queues stay even. */
  private nextBusy = 0;

  constructor(url: string, size: number) {
    this.connections = Array.from({ length: Math.max(1, size) }, () => ({
      client: new Client(url, { keepAliveTimeout: 60_000, keepAliveMaxTimeout: 120_000, pipelining: 1 }),
      inFlight: 0,
    }));
    this.idle = [...this.connections].reverse();
  }

  get size(): number {
    return this.connections.length;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** Sends one request on an idle connection, or queues it behind another when none is (never more than `size`). */
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    const connection = this.idle.pop() ?? this.connections[this.nextBusy++ % this.connections.length]!;
    connection.inFlight += 1;
    const done = (): void => {
      connection.inFlight -= 1;
      if (connection.inFlight === 0) this.idle.push(connection);
    };
    try {
      connection.client.dispatch(options, new ReleasingHandler(handler, done));
    } catch (error) {
      done();
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.client.destroy()));
  }
}

/** Passes every callback through and gives the connection back once, when the exchange ends either way. */
class ReleasingHandler implements Dispatcher.DispatchHandler {
  private released = false;

  constructor(
    private readonly inner: Dispatcher.DispatchHandler,
    private readonly release: () => void,
  ) {}

  private releaseOnce(): void {
    if (this.released) return;
    this.released = true;
    this.release();
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.releaseOnce();
    this.inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.releaseOnce();
    this.inner.onResponseError?.(controller, error);
  }
}
