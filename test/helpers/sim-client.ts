// A tiny HTTP client for the simulator's API, for tests.
export interface SimReply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<SimReply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(baseUrl + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const reply = await call(baseUrl, 'POST', '/api/login', { body: { username, password } });
  if (reply.status !== 200) throw new Error(`login ${username} failed: ${JSON.stringify(reply.body)}`);
  return reply.body.accessToken as string;
}

export const book = (baseUrl: string, token: string, itemId: string, key: string, body: Record<string, unknown> = {}) =>
  call(baseUrl, 'POST', `/api/items/${itemId}/book`, { token, body, headers: { 'idempotency-key': key } });
