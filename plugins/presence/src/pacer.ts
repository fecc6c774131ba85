/**
 * Spreads new SUBSCRIBEs over time (a token bucket), so that start-up with thousands of DNs, or every DN
 * re-subscribing after a PBX restart, never arrives at the PBX as one burst.
 */

export class Pacer {
  private readonly queue = new Map<number, () => void>();
  private nextId = 0;
  private tokens: number;
  private lastRefill = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly burst: number;

  constructor(private readonly ratePerSecond: number) {
    // Ticks of at least 10 ms: finer ones cost more than they smooth.
    this.intervalMs = Math.max(10, Math.floor(1000 / ratePerSecond));
    this.burst = Math.max(1, Math.ceil((ratePerSecond * this.intervalMs) / 1000));
    this.tokens = this.burst;
  }

  /** Runs `start` when a slot is free (maybe at once); returns a function that withdraws it. */
  enqueue(start: () => void): () => void {
    const id = this.nextId++;
    this.queue.set(id, start);
    this.drain();
    return () => {
      this.queue.delete(id);
    };
  }

  /** Starts waiting for a slot. */
  get pending(): number {
    return this.queue.size;
  }

  /** Drops everything queued and stops the timer. */
  stop(): void {
    this.queue.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private drain(): void {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) * this.ratePerSecond) / 1000);
    this.lastRefill = now;
    for (const [id, start] of this.queue) {
      if (this.tokens < 1) break;
      this.tokens -= 1;
      this.queue.delete(id);
      start();
    }
    if (this.queue.size > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, this.intervalMs);
    }
  }
}
