// A target's own time over HTTP, on one keep-alive connection (undici): a time endpoint whose JSON body holds epoch
// milliseconds at a JMESPath expression, or the `Date` header every HTTP response carries (1 s resolution).
import { Client } from 'undici';
import jmespath from 'jmespath';
import { TminusError } from '../errors';
import type { LocalClock } from './local-clock';
import { stampedSample, type OffsetSample } from './offset-sample';

export type HttpTimeMode = { kind: 'field'; expression: string } | { kind: 'date' };

export interface HttpTimeSample extends OffsetSample {
  serverMs: number;
}

/** Checks a JMESPath expression without running it. */
export function checkFieldExpression(expression: string): string | null {
  try {
    jmespath.compile(expression);
    return null;
  } catch (error) {
    return `'${expression}' is not a JMESPath expression: ${(error as Error).message}`;
  }
}

/** Epoch milliseconds a server may plausibly say: 2000-01-01 to 2200-01-01 (a stock count or seconds are not). */
const PLAUSIBLE_EPOCH_MS = { from: Date.UTC(2000, 0, 1), to: Date.UTC(2200, 0, 1) };

export function readServerMs(value: unknown, url: string, expression: string): number {
  let ms = Number.NaN;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && value.trim() !== '') {
    const numeric = Number(value);
    ms = Number.isFinite(numeric) ? numeric : Date.parse(value);
  }
  if (Number.isFinite(ms) && ms >= PLAUSIBLE_EPOCH_MS.from && ms < PLAUSIBLE_EPOCH_MS.to) return ms;
  const why = Number.isFinite(ms)
    ? `${ms} is not a plausible instant in epoch milliseconds (2000 to 2200)`
    : 'not epoch milliseconds or a date';
  throw new TminusError('CLOCK_SOURCE_FAILED', `${url}: '${expression}' gave ${JSON.stringify(value)}: ${why}`);
}

export class HttpTimeSource {
  private readonly client: Client;
  private readonly path: string;
  readonly resolutionMs: number;

  constructor(
    readonly url: string,
    readonly mode: HttpTimeMode,
    private readonly clock: LocalClock,
    private readonly timeoutMs = 5_000,
    /** Waits for a slot in the target's budget before each request (a campaign's probes are inside it). */
    private readonly gate?: () => Promise<void>,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TminusError('CLOCK_SOURCE_FAILED', `'${url}' is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TminusError('CLOCK_SOURCE_FAILED', `'${url}' is not an http(s) URL`);
    }
    if (mode.kind === 'field') {
      const problem = checkFieldExpression(mode.expression);
      if (problem) throw new TminusError('CLOCK_SOURCE_FAILED', problem);
    }
    this.client = new Client(parsed.origin, { keepAliveTimeout: 30_000, pipelining: 1 });
    this.path = parsed.pathname + parsed.search;
    this.resolutionMs = mode.kind === 'date' ? 1000 : 1;
  }

  async sample(): Promise<HttpTimeSample> {
    await this.gate?.();
    const t1Ms = this.clock.nowMs();
    let response;
    try {
      response = await this.client.request({
        method: 'GET',
        path: this.path,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new TminusError('CLOCK_SOURCE_FAILED', `${this.url}: ${code ?? (error as Error).message}`);
    }
    const t4Ms = this.clock.nowMs();
    if (this.mode.kind === 'date') {
      await response.body.dump();
      const header = response.headers.date;
      const parsed = typeof header === 'string' ? Date.parse(header) : Number.NaN;
      if (!Number.isFinite(parsed)) throw new TminusError('CLOCK_SOURCE_FAILED', `${this.url}: no valid Date header`);
      const serverMs = readServerMs(parsed, this.url, 'Date');
      return { ...stampedSample(t1Ms, t4Ms, serverMs, 1000), serverMs };
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new TminusError('CLOCK_SOURCE_FAILED', `${this.url}: HTTP ${response.statusCode}`);
    }
    let body: unknown;
    try {
      body = await response.body.json();
    } catch {
      throw new TminusError('CLOCK_SOURCE_FAILED', `${this.url}: the body is not JSON`);
    }
    const serverMs = readServerMs(
      jmespath.search(body as object, this.mode.expression),
      this.url,
      this.mode.expression,
    );
    const resolution = Number.isInteger(serverMs) ? 1 : 0.001;
    return { ...stampedSample(t1Ms, t4Ms, serverMs, resolution), serverMs };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
