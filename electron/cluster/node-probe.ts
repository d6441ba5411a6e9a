// What a node measures of its target for the cluster: its clock offset ± bound and its round trip, probed now and
// then from the target's own time source and reported with every heartbeat (../cluster/node-registry.ts). The
// coordinator deals more accounts to a node with a shorter round trip (./account-deal.ts); the console and `tminus
// cluster nodes` show both. Probes are requests to the target: each sample waits for the gate (its budget) first.
import type { ClockService, TimeSourceSpec } from '../clock';

export interface NodeMeasure {
  clock: { offsetMs: number; boundMs: number } | null;
  roundTripMs: number | null;
  /** Why the latest probe gave nothing (the figures before it are kept). */
  error: string | null;
  /** Local instant of the latest probe that gave figures. */
  atMs: number | null;
}

export class NodeProbe {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  readonly latest: NodeMeasure = { clock: null, roundTripMs: null, error: null, atMs: null };

  constructor(
    private readonly service: ClockService,
    private readonly sources: TimeSourceSpec[],
    private readonly options: { everyMs: number; samples: number; gate?: () => Promise<void> },
  ) {}

  /** One probe: the combined offset ± bound, and the round trip of the first source (its median delay). */
  async probeOnce(): Promise<NodeMeasure> {
    try {
      const report = await this.service.probe(this.sources, {
        samples: this.options.samples,
        ...(this.options.gate ? { gate: this.options.gate } : {}),
      });
      if (!report.combined) {
        this.latest.error = report.sources.find((source) => source.error)?.error ?? 'no source answered';
        return this.latest;
      }
      const estimate = report.sources[0]?.estimate;
      this.latest.clock = { offsetMs: report.combined.offsetMs, boundMs: report.combined.boundMs };
      this.latest.roundTripMs = estimate?.medianDelayMs ?? estimate?.delayMs ?? null;
      this.latest.error = null;
      this.latest.atMs = Date.now();
    } catch (error) {
      this.latest.error = (error as Error).message;
    }
    return this.latest;
  }

  /** Probes at once (or, when it has figures already, after `everyMs`), then every `everyMs`, until stop(). */
  start(): void {
    this.stop();
    const tick = (): void => {
      this.running = this.probeOnce().then(() => {
        this.running = null;
        if (this.timer) this.timer = setTimeout(tick, this.options.everyMs);
      });
    };
    this.timer = setTimeout(tick, this.latest.atMs === null ? 0 : this.options.everyMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
