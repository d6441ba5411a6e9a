// Exponential backoff with full jitter (a uniform wait in [0, min(max, base·2^n)]), and Retry-After, which is
// always honoured: the wait is never shorter than what the target asked for.
export function backoffMs(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return random() * Math.min(maxMs, baseMs * 2 ** Math.min(retry, 20));
}

export { retryAfterMs } from '../common/retry-after';
