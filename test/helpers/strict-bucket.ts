// A target's own accounting of a declared budget: arrival stamps (ms) replayed through a strict token bucket of
// exactly that rate and burst, full at the first arrival. What it would refuse is what a client sent over budget.
export function strictBucketRefusals(stamps: number[], limit: { ratePerSec: number; burst: number }): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let tokens = limit.burst;
  let last = sorted[0] ?? 0;
  let refused = 0;
  for (const at of sorted) {
    tokens = Math.min(limit.burst, tokens + ((at - last) * limit.ratePerSec) / 1_000);
    last = at;
    if (tokens < 1) refused += 1;
    else tokens -= 1;
  }
  return refused;
}
