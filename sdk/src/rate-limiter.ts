/**
 * Token buckets by key (a token's name, a source address): each key may spend `perSecond` units a second on
 * average and up to `burst` at once. Synchronous, so a caller that must keep its requests in order can ask
 * before each one.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /**
   * @param perSecond refill rate (units per second), above 0
   * @param burst the most a key may spend at once (default: one second's worth)
   * @param now the clock (tests pass a fake one)
   */
  constructor(
    private readonly perSecond: number,
    private readonly burst: number = perSecond,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends one unit of `key`: 0 when allowed, else the milliseconds until the next unit is available. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.perSecond) * 1000);
  }

  /** Forgets a key (its holder went away). */
  forget(key: string): void {
    this.buckets.delete(key);
  }
}
