// One HTTP notification delivered with retries: exponential backoff with full jitter; Retry-After honoured on 429
// and 503; a client error (other than 408 and 429) is not retried — the settings are wrong, and retrying would not
// fix them. The channel may read the body to tell success from a refusal sent with status 200 (DingTalk, Feishu).
import { request } from 'undici';

export interface HttpNotification {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Null when the answer means delivered; else why not. */
  check?: (status: number, body: string) => string | null;
}

export interface DeliveryOptions {
  retries: number;
  baseMs: number;
  maxMs: number;
  timeoutMs: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  status: number | null;
  error: string | null;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { retries: 4, baseMs: 1_000, maxMs: 30_000, timeoutMs: 10_000 };

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Never prints a secret: URLs are reduced to their origin. */
const redact = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return 'the configured URL';
  }
};

export async function deliver(notification: HttpNotification, options: DeliveryOptions): Promise<DeliveryResult> {
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? wait;
  let lastStatus: number | null = null;
  let lastError: string | null = null;
  for (let attempt = 1; attempt <= options.retries + 1; attempt += 1) {
    let retryAfterMs: number | null = null;
    try {
      const response = await request(notification.url, {
        method: 'POST',
        headers: notification.headers,
        body: notification.body,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      const text = await response.body.text();
      lastStatus = response.statusCode;
      if (response.statusCode >= 200 && response.statusCode < 300) {
        const refusal = notification.check?.(response.statusCode, text) ?? null;
        if (refusal === null) return { ok: true, attempts: attempt, status: lastStatus, error: null };
        return { ok: false, attempts: attempt, status: lastStatus, error: refusal };
      }
      lastError = `${redact(notification.url)} answered ${response.statusCode}`;
      const header = response.headers['retry-after'];
      const seconds = Number(Array.isArray(header) ? header[0] : header);
      if ((response.statusCode === 429 || response.statusCode === 503) && Number.isFinite(seconds))
        retryAfterMs = seconds * 1_000;
      const permanent =
        response.statusCode >= 400 && response.statusCode < 500 && ![408, 429].includes(response.statusCode);
      if (permanent) return { ok: false, attempts: attempt, status: lastStatus, error: lastError };
    } catch (error) {
      lastStatus = null;
      lastError = `${redact(notification.url)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    }
    if (attempt <= options.retries) {
      const backoff = random() * Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1));
      await sleep(Math.max(backoff, retryAfterMs ?? 0));
    }
  }
  return { ok: false, attempts: options.retries + 1, status: lastStatus, error: lastError };
}
