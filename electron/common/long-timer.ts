// Timers that hold any wait. Node fires a setTimeout of more than 2³¹−1 ms at once (with a warning), so a campaign
// opening in 600 h would arm immediately: waits longer than a step are slept in steps, each re-reading the deadline.
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** Steps are short enough that a deadline computed from a clock estimate that improves meanwhile is re-read. */
const STEP_MS = 10 * 60_000;

export interface LongTimer {
  clear(): void;
}

/** Calls `fire` once `remainingMs()` reaches zero, checking again at least every ten minutes. */
export function setLongTimeout(fire: () => void, remainingMs: () => number): LongTimer {
  let timer: NodeJS.Timeout | null = null;
  let cleared = false;
  const step = (): void => {
    if (cleared) return;
    const left = remainingMs();
    if (!(left > 0)) {
      timer = null;
      fire();
      return;
    }
    timer = setTimeout(step, Math.min(left, STEP_MS));
  };
  step();
  return {
    clear() {
      cleared = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** A timer delay Node will honour: finite, non-negative, at most 2³¹−1 ms. */
export const timerMs = (ms: number): number => (ms > 0 ? Math.min(ms, MAX_TIMER_MS) : 0);
