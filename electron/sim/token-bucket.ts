// A token bucket per key (account or client). `take` answers whether a request may pass now and, if not, how long
// until it may — which becomes the 429's Retry-After.
export interface BucketConfig {
  ratePerSec: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly config: BucketConfig) {}

  /** Returns 0 when a token was taken, else the milliseconds until one is available. */
  take(key: string, nowMs: number): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.config.burst, updatedMs: nowMs };
      this.buckets.set(key, bucket);
    }
    const refill = ((nowMs - bucket.updatedMs) / 1000) * this.config.ratePerSec;
    bucket.tokens = Math.min(this.config.burst, bucket.tokens + Math.max(0, refill));
    bucket.updatedMs = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.config.ratePerSec) * 1000);
  }

  clear(): void {
    this.buckets.clear();
  }
}
