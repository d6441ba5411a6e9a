// Drift of a source's clock against ours, in parts per million: the least-squares slope of its burst offsets over
// local time. Needs two bursts at least a second apart; keeps the last ten.
export interface DriftPoint {
  atLocalMs: number;
  offsetMs: number;
}

const MAX_POINTS = 10;
const MIN_SPAN_MS = 1_000;

export class DriftTracker {
  private readonly points: DriftPoint[] = [];

  add(point: DriftPoint): void {
    this.points.push(point);
    if (this.points.length > MAX_POINTS) this.points.shift();
  }

  /** ppm, or null while there is not enough history. */
  driftPpm(): number | null {
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
    return sxx === 0 ? null : (sxy / sxx) * 1e6;
  }
}

/** How fast an estimate's bound grows with age when the drift is not known better: NTP's PHI, 15 ppm. */
export const DRIFT_TOLERANCE_PPM = 15;
