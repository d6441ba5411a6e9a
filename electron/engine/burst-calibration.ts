// Requests released together leave, and are taken in by the target, one after another. While arming, a burst of
// warm-up requests is released the way the fire path releases the first shots, and how late its median was is
// measured: at the target when it stamps its answers (its own intake queue included), else as the requests leave
// this process. A `centered` campaign starts its burst of first shots early by that lateness, scaled to its size, so
// that the burst's median lands on the instant. The warm-up requests take their places in the target's bucket, and
// no more of them leave together than the bucket holds.
import type { LocalClock } from '../clock';
import type { FireScheduler } from './fire-scheduler';
import type { Limiter } from './rate-limiter';
import type { Exchange } from './http-exchange';
import { sleep } from './account-run';

export interface BurstCalibration {
  /** How many requests the calibration burst had. */
  size: number;
  /** How late its median was (ms, ≥ 0). */
  lateMs: number;
}

export async function calibrateBurst(input: {
  /** How many warm-up requests the burst has. */
  count: number;
  /** The most released together (the profile's warmUp.calibrationBurst); never more than the bucket holds. */
  largest?: number | undefined;
  /** Sends the n-th warm-up request now, the way a first shot is sent (called in the releasing loop itself). */
  send: (n: number) => Promise<Exchange>;
  clock: LocalClock;
  scheduler: FireScheduler;
  targetLimiter: Limiter;
  /**
   * Where the budget is shared (a cluster node outside its window): books the burst (resolves with the local instant
   * it may leave) and each later request's turn. Absent: both from `targetLimiter`.
   */
  budget?: {
    together(n: number): Promise<number>;
    turn(): Promise<void>;
    /** The most the shared bucket lets go together. */
    largestTogether: number;
  };
  serverTimeHeader: string | undefined;
  offsetMs: number;
  rttMs: number;
  /** Ends the waits of the requests after the burst (cancel). */
  stopSignal: AbortSignal;
}): Promise<BurstCalibration> {
  const { clock, count } = input;
  // Never more together than the target's bucket holds: a burst of its size, released at the slot of its last
  // request (k ≤ burst requests at once conform once k tokens have accrued). The rest still go — each proves its
  // connection — but one by one, each at its own slot.
  const together = Math.min(Math.floor(input.targetLimiter.burst), input.budget?.largestTogether ?? Infinity);
  const size = Math.min(count, input.largest ?? count, Math.max(1, together));
  let releaseAt = clock.nowMs();
  if (input.budget) releaseAt = await input.budget.together(size);
  else for (let n = 0; n < size; n += 1) releaseAt = Math.max(releaseAt, input.targetLimiter.reserve(clock.nowMs()));
  releaseAt += 5; // room for the coarse timer and the spin
  const left: number[] = [];
  const burst = Promise.all(
    Array.from({ length: size }, async (_, n) => {
      let answer = null as Promise<Exchange> | null;
      await input.scheduler.at(releaseAt, () => {
        answer = input.send(n);
        left.push(clock.nowMs() - releaseAt);
      });
      return answer; // null only when the wait was cancelled
    }),
  ).then((all) => all.filter((answer): answer is Exchange => answer !== null));
  // The rest wait for the burst to have left: the bucket is empty from that instant (not from the one planned, which
  // the release may miss by a little), and refills at the rate (+1 ms for the way there).
  const released = new Promise<void>((resolve) => void input.scheduler.at(releaseAt).then(() => resolve()));
  const rest = released.then(() => {
    input.targetLimiter.holdUntil(clock.nowMs() + 1_000 / input.targetLimiter.ratePerSec + 1);
    return Promise.all(
      Array.from({ length: count - size }, async (_, n) => {
        if (input.budget) await input.budget.turn();
        else await sleep(input.targetLimiter.reserve(clock.nowMs()) - clock.nowMs(), input.stopSignal); // a plain timer
        return input.send(size + n);
      }),
    );
  });
  const [answers] = await Promise.all([burst, rest]);
  const header = input.serverTimeHeader?.toLowerCase();
  const late = header
    ? answers
        .map((answer) => Number(answer.headers[header]) - (releaseAt + input.offsetMs + input.rttMs / 2))
        .filter(Number.isFinite)
    : [];
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return { size, lateMs: Math.max(0, median(late.length >= size / 2 ? late : left)) };
}

/** How early a burst of `size` first shots starts: 0 when on time (the default), else its scaled lateness. */
export function burstLeadMs(calibration: BurstCalibration, size: number, mode: 'on-time' | 'centered'): number {
  return mode === 'centered' ? (calibration.lateMs * size) / Math.max(1, calibration.size) : 0;
}
