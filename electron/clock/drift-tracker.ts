// Drift of a source's clock against ours, in parts per million: the least-squares slope of its burst offsets over
// local time. A slope is only believed when the bursts' own bounds cannot explain it: two bursts whose offsets are
// each known to ±b ms, t ms apart, can show any slope up to 2b/t by error alone (a Date header's ±3 ms twelve
// seconds apart is ±500 ppm of nothing). Keeps the last ten bursts.
export interface DriftPoint {
  atLocalMs: number;
  offsetMs: number;
  /** The burst's error bound (ms): the true offset lies within ± this. */
  boundMs?: number;
}

export interface Drift {
  ppm: number;
  /** How wrong the slope may be, in ppm, from the bursts' bounds and their scatter. */
  uncertaintyPpm: number;
}

const MAX_POINTS = 10;
const MIN_SPAN_MS = 1_000;
/** No quartz in a working machine drifts more than this; a larger slope is a step or a broken source. */
const MAX_BELIEVABLE_PPM = 1_000;

export class DriftTracker {
  private readonly points: DriftPoint[] = [];

  add(point: DriftPoint): void {
    this.points.push(point);
    if (this.points.length > MAX_POINTS) this.points.shift();
  }

  /** The slope with its uncertainty, or null while there is not enough history. */
  estimate(): Drift | null {
    const points = this.points;
    if (points.length < 2) return null;
    const span = points.at(-1)!.atLocalMs - points[0]!.atLocalMs;
    if (span < MIN_SPAN_MS) return null;
    const meanX = points.reduce((sum, p) => sum + p.atLocalMs, 0) / points.length;
    const meanY = points.reduce((sum, p) => sum + p.offsetMs, 0) / points.length;
    let sxy = 0;
    let sxx = 0;
    for (const p of points) {
      sxy += (p.atLocalMs - meanX) * (p.offsetMs - meanY);
      sxx += (p.atLocalMs - meanX) ** 2;
    }
    if (sxx === 0) return null;
    const slope = sxy / sxx;
    // Worst case from the bounds: each offset off by its bound in the direction that tilts the line most.
    let tilt = 0;
    for (const p of points) tilt += Math.abs(p.atLocalMs - meanX) * (p.boundMs ?? 0);
    const fromBounds = tilt / sxx;
    // And the scatter the line leaves (residuals), as its standard error.
    let residuals = 0;
    for (const p of points) residuals += (p.offsetMs - (meanY + slope * (p.atLocalMs - meanX))) ** 2;
    const fromScatter = points.length > 2 ? Math.sqrt(residuals / (points.length - 2) / sxx) : 0;
    return { ppm: slope * 1e6, uncertaintyPpm: (fromBounds + 2 * fromScatter) * 1e6 };
  }

  /**
   * ppm to correct by, or null: while there is not enough history, and whenever the slope is not clearly more than
   * its uncertainty or is beyond any real clock's — then no drift is applied and the bound grows by the tolerance.
   */
  driftPpm(): number | null {
    const drift = this.estimate();
    if (!drift) return null;
    if (Math.abs(drift.ppm) <= drift.uncertaintyPpm || Math.abs(drift.ppm) > MAX_BELIEVABLE_PPM) return null;
    return drift.ppm;
  }

  /** How fast the bound must grow with age when the drift is applied: its uncertainty, at least the tolerance. */
  boundGrowthPpm(): number {
    const drift = this.estimate();
    if (!drift || this.driftPpm() === null) return DRIFT_TOLERANCE_PPM;
    return Math.max(DRIFT_TOLERANCE_PPM, drift.uncertaintyPpm);
  }
}

/** How fast an estimate's bound grows with age when the drift is not known better: NTP's PHI, 15 ppm. */
export const DRIFT_TOLERANCE_PPM = 15;
