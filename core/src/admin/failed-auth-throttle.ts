/**
 * Failed-auth back-off by source address: a source that sent `attempts` wrong tokens within the window is
 * refused until the oldest of them leaves the window. Guessing is then capped at `attempts` per window per
 * address, whatever the request rate.
 */

/** Sources remembered at most; the least recently failing is forgotten first. */
const MAX_SOURCES = 10_000;

export class FailedAuthThrottle {
  /** The last `attempts` failure times of each source, oldest first (Map order: least recent source first). */
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly attempts: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds `source` must wait before it may try again; 0 when it may. */
  retryAfterMs(source: string): number {
    const times = this.failures.get(source);
    if (!times || times.length < this.attempts) return 0;
    return Math.max(0, (times[0] ?? 0) + this.windowMs - this.now());
  }

  failed(source: string): void {
    const times = this.failures.get(source) ?? [];
    this.failures.delete(source);
    times.push(this.now());
    if (times.length > this.attempts) times.splice(0, times.length - this.attempts);
    this.failures.set(source, times);
    if (this.failures.size > MAX_SOURCES) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }
}
