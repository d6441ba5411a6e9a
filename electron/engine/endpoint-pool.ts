// The target's endpoints (nodes, mirrors): one keep-alive connection pool each, a breaker each, and a weighted choice
// that prefers the fast and healthy — weight = success² / latency, from exponentially weighted recent history — so a
// sick endpoint drains on its own and comes back through its breaker's half-open probe.
import { ConnectionSet } from './connection-set';
import { CircuitBreaker } from './circuit-breaker';

export interface EndpointStats {
  url: string;
  latencyMs: number;
  successRate: number;
  breaker: CircuitBreaker['state'];
  sent: number;
}

const EWMA_ALPHA = 0.2;

export class Endpoint {
  readonly connections: ConnectionSet;
  readonly breaker: CircuitBreaker;
  latencyMs = 50;
  successRate = 1;
  sent = 0;

  constructor(
    readonly url: string,
    connections: number,
    breaker: { failures: number; windowMs: number; openMs: number },
  ) {
    this.connections = new ConnectionSet(url, connections);
    this.breaker = new CircuitBreaker(breaker);
  }

  weight(): number {
    return (this.successRate * this.successRate) / Math.max(1, this.latencyMs);
  }

  observe(ok: boolean, latencyMs: number | null, nowMs: number): void {
    this.successRate = EWMA_ALPHA * (ok ? 1 : 0) + (1 - EWMA_ALPHA) * this.successRate;
    if (latencyMs !== null) this.latencyMs = EWMA_ALPHA * latencyMs + (1 - EWMA_ALPHA) * this.latencyMs;
    if (ok) this.breaker.onSuccess();
    else this.breaker.onFailure(nowMs);
  }
}

export class EndpointPool {
  readonly endpoints: Endpoint[];

  constructor(
    urls: string[],
    connectionsEach: number,
    breaker: { failures: number; windowMs: number; openMs: number },
    private readonly random: () => number = Math.random,
  ) {
    this.endpoints = urls.map((url) => new Endpoint(url, connectionsEach, breaker));
  }

  /** A weighted random pick among endpoints whose breaker lets a request through; null when all are open. */
  choose(nowMs: number): Endpoint | null {
    // No allocation here: this runs once per request on the fire path.
    let total = 0;
    for (const endpoint of this.endpoints) if (endpoint.breaker.allows(nowMs)) total += endpoint.weight();
    if (total === 0) return null;
    let pick = this.random() * total;
    let last: Endpoint | null = null;
    for (const endpoint of this.endpoints) {
      if (!endpoint.breaker.allows(nowMs)) continue;
      last = endpoint;
      pick -= endpoint.weight();
      if (pick <= 0) return endpoint;
    }
    return last;
  }

  /**
   * Opens `perEndpoint` connections to each endpoint with a cheap request, so the fire path never pays a handshake;
   * `send` is the same function the fire path uses, so its code is compiled by the time it matters.
   */
  async warm(perEndpoint: number, send: (endpoint: Endpoint) => Promise<unknown>): Promise<void> {
    await Promise.all(
      this.endpoints.flatMap((endpoint) =>
        Array.from({ length: perEndpoint }, async () => {
          try {
            await send(endpoint);
          } catch {
            // A node that cannot be warmed will show in its breaker when the campaign fires.
          }
        }),
      ),
    );
  }

  stats(): EndpointStats[] {
    return this.endpoints.map((e) => ({
      url: e.url,
      latencyMs: e.latencyMs,
      successRate: e.successRate,
      breaker: e.breaker.state,
      sent: e.sent,
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.endpoints.map((endpoint) => endpoint.connections.close()));
  }
}
