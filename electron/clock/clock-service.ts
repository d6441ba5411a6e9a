// The clock room's service: probe sources (a burst each), combine them, remember the estimate, and answer "what time
// is it on the target's server?" with an offset, a drift and a bound that grows with the estimate's age.
import type { EventBus } from '../ipc/event-bus';
import type { ClockSamplesRepository } from '../store';
import { writeIfStorageAllows } from '../store/storage-fault';
import type { LocalClock } from './local-clock';
import { filterBurst, type BurstEstimate } from './burst-filter';
import { marzullo } from './marzullo';
import { DRIFT_TOLERANCE_PPM, DriftTracker } from './drift-tracker';
import {
  assertSources,
  DEFAULT_MAX_OFFSET_MS,
  sourceId,
  takeBurst,
  type BurstOptions,
  type TimeSourceSpec,
} from './time-sources';
import { TminusError } from '../errors';
import type { ClockReportWire } from '../ipc/contract';

export interface SourceReport {
  id: string;
  kind: TimeSourceSpec['kind'];
  ok: boolean;
  error: string | null;
  estimate: BurstEstimate | null;
  driftPpm: number | null;
  falseticker: boolean;
}

export interface ClockReport {
  atLocalMs: number;
  sources: SourceReport[];
  combined: { offsetMs: number; boundMs: number; driftPpm: number | null; truechimers: string[] } | null;
  /** How fast the combined bound grows with age (ppm): the tolerance, or the applied drift's uncertainty if more. */
  boundGrowthPpm?: number;
}

export interface ClockServiceOptions {
  clock: LocalClock;
  bus?: EventBus;
  samples?: ClockSamplesRepository;
  burst?: Partial<BurstOptions>;
}

const DEFAULT_BURST: BurstOptions = {
  samples: 8,
  timeoutMs: 2_000,
  dateProbes: 12,
  maxOffsetMs: DEFAULT_MAX_OFFSET_MS,
};

export class ClockService {
  private readonly drift = new Map<string, DriftTracker>();
  /** The latest probe's report (what the console shows), and the latest one that produced an estimate. */
  private last: ClockReport | null = null;
  private lastGood: ClockReport | null = null;
  /** The latest good report per set of sources: campaigns on different targets each read their own target's time. */
  private readonly goodBySources = new Map<string, ClockReport>();
  /** One re-sync loop per campaign (or '' for one started without). */
  private readonly syncTimers = new Map<string, NodeJS.Timeout | null>();
  readonly clock: LocalClock;

  constructor(private readonly options: ClockServiceOptions) {
    this.clock = options.clock;
  }

  async probe(
    specs: TimeSourceSpec[],
    overrides: Partial<BurstOptions> & { campaignId?: string } = {},
  ): Promise<ClockReport> {
    assertSources(specs);
    const burst = { ...DEFAULT_BURST, ...this.options.burst, ...overrides };
    const sources = await Promise.all(specs.map((spec) => this.probeSource(spec, burst)));
    const usable = sources.filter((source) => source.estimate !== null);
    const agreement = marzullo(
      usable.map((source) => ({
        id: source.id,
        offsetMs: source.estimate!.offsetMs,
        boundMs: source.estimate!.boundMs,
      })),
    );
    for (const source of sources) source.falseticker = agreement?.falsetickers.includes(source.id) ?? false;
    const drifting = usable.filter((s) => !s.falseticker && s.driftPpm !== null);
    const drifts = drifting.map((s) => s.driftPpm!);
    const growth = Math.max(DRIFT_TOLERANCE_PPM, ...drifting.map((s) => this.drift.get(s.id)!.boundGrowthPpm()));
    const report: ClockReport = {
      boundGrowthPpm: growth,
      atLocalMs: this.clock.nowMs(),
      sources,
      combined: agreement && {
        offsetMs: agreement.offsetMs,
        boundMs: agreement.boundMs,
        driftPpm: drifts.length > 0 ? drifts.reduce((a, b) => a + b, 0) / drifts.length : null,
        truechimers: agreement.truechimers,
      },
    };
    this.last = report;
    // A probe that found no estimate does not erase the last good one: `current()` keeps extrapolating it, its bound
    // growing with its age, and a campaign armed on it does not fire on an offset of zero.
    if (report.combined) {
      this.lastGood = report;
      this.goodBySources.set(sourcesKey(specs), report);
    }
    this.record(report, overrides.campaignId ?? null);
    return report;
  }

  private async probeSource(spec: TimeSourceSpec, burst: BurstOptions): Promise<SourceReport> {
    const id = sourceId(spec);
    try {
      const estimate = filterBurst(await takeBurst(spec, this.clock, burst));
      let tracker = this.drift.get(id);
      if (!tracker) {
        tracker = new DriftTracker();
        this.drift.set(id, tracker);
      }
      tracker.add({ atLocalMs: estimate.atLocalMs, offsetMs: estimate.offsetMs, boundMs: estimate.boundMs });
      return { id, kind: spec.kind, ok: true, error: null, estimate, driftPpm: tracker.driftPpm(), falseticker: false };
    } catch (error) {
      const message = error instanceof TminusError ? error.message : `${id}: ${(error as Error).message}`;
      return { id, kind: spec.kind, ok: false, error: message, estimate: null, driftPpm: null, falseticker: false };
    }
  }

  private record(report: ClockReport, campaignId: string | null): void {
    const rows = report.sources
      .filter((source) => source.estimate)
      .map((source) => ({
        source: source.id,
        kind: source.kind,
        offsetMs: source.estimate!.offsetMs,
        boundMs: source.estimate!.boundMs,
        delayMs: source.estimate!.delayMs,
        driftPpm: source.driftPpm,
        falseticker: source.falseticker,
        atMs: source.estimate!.atLocalMs,
      }));
    if (report.combined) {
      rows.push({
        source: 'combined',
        kind: 'combined' as never,
        offsetMs: report.combined.offsetMs,
        boundMs: report.combined.boundMs,
        delayMs: 0,
        driftPpm: report.combined.driftPpm,
        falseticker: false,
        atMs: report.atLocalMs,
      });
    }
    for (const row of rows) {
      // Samples are history for the console: a disk that cannot take one costs the chart a point, not the sync.
      writeIfStorageAllows(() =>
        this.options.samples?.insert({
          source: row.source,
          kind: row.kind as 'ntp' | 'http-field' | 'http-date' | 'combined',
          campaignId,
          takenAtLocalMs: row.atMs,
          offsetMs: row.offsetMs,
          delayMs: row.delayMs,
          boundMs: row.boundMs,
          driftPpm: row.driftPpm,
          falseticker: row.falseticker,
        }),
      );
      this.options.bus?.emit('clock/sample', {
        source: row.source,
        offsetMs: row.offsetMs,
        boundMs: row.boundMs,
        delayMs: row.delayMs,
        atMs: row.atMs,
      });
    }
  }

  lastReport(): ClockReport | null {
    return this.last;
  }

  /**
   * Offset and bound now: drift-corrected, the bound widened by the tolerance for the estimate's age. From the latest
   * probe of exactly `sources` where given (a campaign's own target), else from the latest probe of any.
   */
  current(
    atLocalMs = this.clock.nowMs(),
    sources?: TimeSourceSpec[],
  ): { offsetMs: number; boundMs: number; ageMs: number } | null {
    const good = sources ? (this.goodBySources.get(sourcesKey(sources)) ?? null) : this.lastGood;
    const combined = good?.combined;
    if (!combined || !good) return null;
    const ageMs = Math.max(0, atLocalMs - good.atLocalMs);
    const driftPpm = combined.driftPpm ?? 0;
    return {
      offsetMs: combined.offsetMs + (driftPpm * ageMs) / 1e6,
      boundMs: combined.boundMs + ((good.boundGrowthPpm ?? DRIFT_TOLERANCE_PPM) * ageMs) / 1e6,
      ageMs,
    };
  }

  /** The target's server time now (what request templates see as {{now.serverMs}}), or null before any sync. */
  serverNowMs(): number | null {
    const now = this.clock.nowMs();
    const current = this.current(now);
    return current ? now + current.offsetMs : null;
  }

  /** Re-probes every `everyMs` (while a campaign is armed) until stopSync for the same campaign. */
  startSync(
    specs: TimeSourceSpec[],
    everyMs: number,
    campaignId?: string,
    overrides: Pick<BurstOptions, 'gate'> = {},
  ): void {
    const id = campaignId ?? '';
    this.stopSync(id);
    const tick = (): void => {
      void this.probe(specs, { ...overrides, campaignId }).finally(() => {
        if (this.syncTimers.has(id)) this.syncTimers.set(id, setTimeout(tick, everyMs));
      });
    };
    this.syncTimers.set(id, setTimeout(tick, 0));
  }

  /** Stops one campaign's re-sync (`''`: the one started without a campaign), or every one when none is named. */
  stopSync(campaignId?: string): void {
    const ids = campaignId === undefined ? [...this.syncTimers.keys()] : [campaignId];
    for (const id of ids) {
      const timer = this.syncTimers.get(id);
      if (timer) clearTimeout(timer);
      this.syncTimers.delete(id);
    }
  }
}

const sourcesKey = (specs: TimeSourceSpec[]): string => specs.map(sourceId).sort().join('|');

/** The report as the contract carries it (the estimate flattened). */
export function reportToWire(report: ClockReport): ClockReportWire {
  return {
    atLocalMs: report.atLocalMs,
    combined: report.combined,
    sources: report.sources.map((source) => ({
      id: source.id,
      kind: source.kind,
      ok: source.ok,
      error: source.error,
      offsetMs: source.estimate?.offsetMs ?? null,
      boundMs: source.estimate?.boundMs ?? null,
      delayMs: source.estimate?.delayMs ?? null,
      samplesUsed: source.estimate?.samplesUsed ?? 0,
      samplesTotal: source.estimate?.samplesTotal ?? 0,
      driftPpm: source.driftPpm,
      falseticker: source.falseticker,
    })),
  };
}
