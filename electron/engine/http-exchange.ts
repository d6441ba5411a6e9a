// One request on an endpoint, timed on the local clock, reduced to what the classifier needs. Never throws: a
// network failure or a timeout is an answer too (status null).
//
// Sent with `dispatch` and a small handler rather than `request()`: `request()` wraps every call in an
// AsyncResource and a body stream, which costs several times what writing the request does. On the fire path a
// thousand requests leave back to back, so that cost is the spread of the burst (docs/benchmarks.md, burst).
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header';
import type { Endpoint } from './endpoint-pool';
import type { LocalClock } from '../clock';

export interface PreparedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Exchange {
  endpoint: string;
  sentLocalMs: number;
  latencyMs: number | null;
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** The body's bytes (kept for readers of text, HTML or images), or null. */
  raw: Buffer | null;
  networkError: string | null;
}

/** Bodies larger than this are not read into memory: the answer is classified on its status and headers alone. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

const errorCode = (error: unknown): string => {
  const { code, name } = error as { code?: unknown; name?: string };
  return typeof code === 'string' ? code : (name ?? 'Error');
};

const bodyBytes = (chunks: Buffer[], size: number): Buffer | null =>
  size === 0 || size > MAX_BODY_BYTES ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);

export const parseJsonBody = (raw: Buffer | null): unknown => {
  if (raw === null) return null;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
};

export function exchange(
  endpoint: Endpoint,
  request: PreparedRequest,
  clock: LocalClock,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Exchange> {
  endpoint.sent += 1;
  const sentLocalMs = clock.nowMs();
  const failed = (error: unknown): Exchange => ({
    endpoint: endpoint.url,
    sentLocalMs,
    latencyMs: null,
    status: null,
    headers: {},
    body: null,
    raw: null,
    networkError: errorCode(error),
  });
  if (signal?.aborted) return Promise.resolve(failed(signal.reason ?? new Error('aborted')));
  return new Promise((resolve) => {
    let status = 0;
    let latencyMs: number | null = null;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let controller: Dispatcher.DispatchController | null = null;
    const onAbort = (): void => controller?.abort(signal?.reason ?? new Error('aborted'));
    const settle = (value: Exchange): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
      },
      onResponseStart(_controller, statusCode, responseHeaders) {
        latencyMs = clock.nowMs() - sentLocalMs;
        status = statusCode;
        headers = responseHeaders;
      },
      onResponseData(_controller, chunk) {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      },
      onResponseEnd() {
        const raw = bodyBytes(chunks, size);
        settle({
          endpoint: endpoint.url,
          sentLocalMs,
          latencyMs,
          status,
          headers,
          body: parseJsonBody(raw),
          raw,
          networkError: null,
        });
      },
      onResponseError(_controller, error) {
        settle(failed(error));
      },
    };
    try {
      endpoint.connections.dispatch(
        {
          method: request.method as Dispatcher.HttpMethod,
          path: request.path,
          headers: request.headers,
          body: request.body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        handler,
      );
    } catch (error) {
      settle(failed(error)); // a closed or destroyed pool refuses at once
    }
  });
}
