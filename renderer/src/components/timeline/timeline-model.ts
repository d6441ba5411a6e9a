// The timeline's data: every attempt as a bar (send → answer on the server clock) in struct-of-arrays form, so
// 100,000 bars cost a few megabytes and drawing them walks typed arrays. Lanes are accounts, endpoints or the cluster
// nodes that sent them (a campaign coordinated across machines; '' is this machine); bars that
// overlap in time within a lane go to separate tracks of that lane (stacked), so no bar hides another.
import { OutcomeSchema } from '../../../../electron/common/outcome';
/** The outcomes in the classifier's order (an outcome's index is its colour's). */
export const OUTCOME_ORDER = OutcomeSchema.options;
export type TimelineOutcome = (typeof OUTCOME_ORDER)[number];

export const OUTCOME_COLOURS: Record<TimelineOutcome, string> = {
  success: '#2e9d4d',
  soldOut: '#8c5cd6',
  notOpen: '#9aa4b2',
  rateLimited: '#e8a33d',
  captchaRequired: '#4a90d9',
  captchaRejected: '#2f6db5',
  unauthorized: '#c77d2e',
  retryable: '#d9534f',
  fatal: '#8b1e1e',
  alreadyBooked: '#5f9e6e',
  pending: '#7a6fb0',
};

export interface TimelineAttempt {
  attemptId: number;
  accountId: number;
  endpoint: string;
  /** Send instant on the server clock (ms). */
  sentMs: number;
  latencyMs: number | null;
  outcome: string;
  retry: number;
  /** The cluster node that sent it; absent: this machine. */
  nodeId?: string | null;
}

export type RowMode = 'account' | 'endpoint' | 'node';

/** One lane's tracks: the earliest start and latest end of the bars on each. */
interface LaneTracks {
  starts: number[];
  ends: number[];
}

export class TimelineModel {
  count = 0;
  sent = new Float64Array(1024);
  duration = new Float32Array(1024);
  accountRow = new Int32Array(1024);
  endpointRow = new Int32Array(1024);
  outcome = new Uint8Array(1024);
  ids = new Float64Array(1024);
  retries = new Int32Array(1024);
  /** Each attempt's track within its lane, per mode (0 = the lane's first track). */
  accountTrack = new Int32Array(1024);
  endpointTrack = new Int32Array(1024);
  nodeRow = new Int32Array(1024);
  nodeTrack = new Int32Array(1024);
  private readonly tracks: Record<RowMode, LaneTracks[]> = { account: [], endpoint: [], node: [] };
  readonly accountRows = new Map<number, number>();
  readonly accountIds: number[] = [];
  readonly endpointRows = new Map<string, number>();
  readonly endpoints: string[] = [];
  readonly nodeRows = new Map<string, number>();
  /** Node ids in lane order ('' for this machine). */
  readonly nodes: string[] = [];
  private readonly seen = new Set<number>();
  minMs = Number.POSITIVE_INFINITY;
  maxMs = Number.NEGATIVE_INFINITY;
  /** Bumped on every change, so a view knows it must redraw. */
  version = 0;

  add(attempt: TimelineAttempt): void {
    if (this.seen.has(attempt.attemptId)) return;
    this.seen.add(attempt.attemptId);
    if (this.count === this.sent.length) this.grow();
    const i = this.count;
    this.sent[i] = attempt.sentMs;
    // No answer (timeout, reset): drawn as a thin bar.
    this.duration[i] = attempt.latencyMs ?? 0;
    this.accountRow[i] = this.rowOf(this.accountRows, this.accountIds, attempt.accountId);
    this.endpointRow[i] = this.rowOf(this.endpointRows, this.endpoints, attempt.endpoint);
    const end = attempt.sentMs + (attempt.latencyMs ?? 0);
    this.accountTrack[i] = this.trackOf('account', this.accountRow[i]!, attempt.sentMs, end);
    this.endpointTrack[i] = this.trackOf('endpoint', this.endpointRow[i]!, attempt.sentMs, end);
    this.nodeRow[i] = this.rowOf(this.nodeRows, this.nodes, attempt.nodeId ?? '');
    this.nodeTrack[i] = this.trackOf('node', this.nodeRow[i]!, attempt.sentMs, end);
    const outcome = OUTCOME_ORDER.indexOf(attempt.outcome as TimelineOutcome);
    this.outcome[i] = outcome < 0 ? OUTCOME_ORDER.indexOf('fatal') : outcome;
    this.ids[i] = attempt.attemptId;
    this.retries[i] = attempt.retry;
    this.minMs = Math.min(this.minMs, attempt.sentMs);
    this.maxMs = Math.max(this.maxMs, attempt.sentMs + (attempt.latencyMs ?? 0));
    this.count += 1;
    this.version += 1;
  }

  rows(mode: RowMode): number {
    return mode === 'account'
      ? this.accountIds.length
      : mode === 'endpoint'
        ? this.endpoints.length
        : this.nodes.length;
  }

  rowIndex(mode: RowMode): Int32Array {
    return mode === 'account' ? this.accountRow : mode === 'endpoint' ? this.endpointRow : this.nodeRow;
  }

  trackIndex(mode: RowMode): Int32Array {
    return mode === 'account' ? this.accountTrack : mode === 'endpoint' ? this.endpointTrack : this.nodeTrack;
  }

  /** How many tracks each lane has (at least one). */
  laneTracks(mode: RowMode): number[] {
    return this.tracks[mode].map((lane) => Math.max(1, lane.ends.length));
  }

  /**
   * Where lanes sit on the drawn rows: lane `l` spans rows `top[l]` … `top[l] + tracks[l] − 1`; `total` rows in all.
   * A drawn row is one track of one lane.
   */
  layout(mode: RowMode): { top: Int32Array; total: number } {
    const tracks = this.laneTracks(mode);
    const top = new Int32Array(tracks.length + 1);
    for (let lane = 0; lane < tracks.length; lane += 1) top[lane + 1] = top[lane]! + tracks[lane]!;
    return { top, total: top[tracks.length]! };
  }

  /** The attempt drawn under a point (drawn row, instant), within `slopMs`; -1 when none. */
  hit(mode: RowMode, drawnRow: number, atMs: number, slopMs: number): number {
    const rows = this.rowIndex(mode);
    const tracks = this.trackIndex(mode);
    const { top } = this.layout(mode);
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.count; i += 1) {
      if (top[rows[i]!]! + tracks[i]! !== drawnRow) continue;
      const start = this.sent[i]!;
      const end = start + this.duration[i]!;
      const distance = atMs < start ? start - atMs : atMs > end ? atMs - end : 0;
      if (distance <= slopMs && distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    return best;
  }

  clear(): void {
    this.count = 0;
    this.accountRows.clear();
    this.accountIds.length = 0;
    this.endpointRows.clear();
    this.endpoints.length = 0;
    this.nodeRows.clear();
    this.nodes.length = 0;
    this.tracks.account.length = 0;
    this.tracks.endpoint.length = 0;
    this.tracks.node.length = 0;
    this.seen.clear();
    this.minMs = Number.POSITIVE_INFINITY;
    this.maxMs = Number.NEGATIVE_INFINITY;
    this.version += 1;
  }

  /**
   * The first track of the lane where [start, end] overlaps nothing already there: a track holds bars that all end
   * before it or all start after it (conservative, so attempts arriving out of order never overlap either).
   */
  private trackOf(mode: RowMode, lane: number, start: number, end: number): number {
    const lanes = this.tracks[mode];
    while (lanes.length <= lane) lanes.push({ starts: [], ends: [] });
    const tracks = lanes[lane]!;
    for (let track = 0; track < tracks.ends.length; track += 1) {
      if (start >= tracks.ends[track]!) {
        tracks.ends[track] = end;
        return track;
      }
      if (end <= tracks.starts[track]!) {
        tracks.starts[track] = start;
        return track;
      }
    }
    tracks.starts.push(start);
    tracks.ends.push(end);
    return tracks.ends.length - 1;
  }

  private rowOf<K>(rows: Map<K, number>, keys: K[], key: K): number {
    let row = rows.get(key);
    if (row === undefined) {
      row = keys.length;
      rows.set(key, row);
      keys.push(key);
    }
    return row;
  }

  private grow(): void {
    const size = this.sent.length * 2;
    const grown = <T extends Float64Array | Float32Array | Int32Array | Uint8Array>(
      from: T,
      make: (n: number) => T,
    ): T => {
      const to = make(size);
      to.set(from);
      return to;
    };
    this.sent = grown(this.sent, (n) => new Float64Array(n));
    this.duration = grown(this.duration, (n) => new Float32Array(n));
    this.accountRow = grown(this.accountRow, (n) => new Int32Array(n));
    this.endpointRow = grown(this.endpointRow, (n) => new Int32Array(n));
    this.outcome = grown(this.outcome, (n) => new Uint8Array(n));
    this.ids = grown(this.ids, (n) => new Float64Array(n));
    this.retries = grown(this.retries, (n) => new Int32Array(n));
    this.accountTrack = grown(this.accountTrack, (n) => new Int32Array(n));
    this.nodeRow = grown(this.nodeRow, (n) => new Int32Array(n));
    this.nodeTrack = grown(this.nodeTrack, (n) => new Int32Array(n));
    this.endpointTrack = grown(this.endpointTrack, (n) => new Int32Array(n));
  }
}
