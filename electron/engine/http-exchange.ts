// One request on an endpoint, timed on the local clock, reduced to what the classifier needs. Never throws: a
// network failure or a timeout is an answer too (status null).
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
  networkError: string | null;
}

export async function exchange(
  endpoint: Endpoint,
  request: PreparedRequest,
  clock: LocalClock,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Exchange> {
  endpoint.sent += 1;
  const sentLocalMs = clock.nowMs();
  try {
    const response = await endpoint.pool.request({
      method: request.method as 'GET',
      path: request.path,
      headers: request.headers,
      body: request.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal,
    });
    const latencyMs = clock.nowMs() - sentLocalMs;
    const text = await response.body.text();
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    return {
      endpoint: endpoint.url,
      sentLocalMs,
      latencyMs,
      status: response.statusCode,
      headers: response.headers,
      body,
      networkError: null,
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
    return {
      endpoint: endpoint.url,
      sentLocalMs,
      latencyMs: null,
      status: null,
      headers: {},
      body: null,
      networkError: String(code),
    };
  }
}
