/**
 * A Map whose entries live for a time, swept on an unref'd interval (the stack keeps per-branch state
 * for the life of a transaction, RFC 3261 §17: 64·T1 after a final response, longer while an INVITE rings).
 */
interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly sweep: NodeJS.Timeout;

  /** `onExpire` runs for each entry the sweep removes (not for `delete` or `stop`). */
  constructor(sweepMs: number, private readonly onExpire?: (key: K, value: V) => void) {
    this.sweep = setInterval(() => this.expire(Date.now()), sweepMs);
    this.sweep.unref();
  }

  get(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Stores `value`; the entry lives at least `ttlMs` from now (an existing, longer life is kept). */
  set(key: K, value: V, ttlMs: number): void {
    const expiresAt = Date.now() + ttlMs;
    const existing = this.entries.get(key);
    if (existing) {
      existing.value = value;
      existing.expiresAt = Math.max(existing.expiresAt, expiresAt);
      return;
    }
    this.entries.set(key, { value, expiresAt });
  }

  /** Lets the entry go within `ttlMs` from now (a shorter, existing life is kept). */
  shorten(key: K, ttlMs: number): void {
    const entry = this.entries.get(key);
    if (entry) entry.expiresAt = Math.min(entry.expiresAt, Date.now() + ttlMs);
  }

  get size(): number {
    return this.entries.size;
  }

  stop(): void {
    clearInterval(this.sweep);
    this.entries.clear();
  }

  private expire(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) continue;
      this.entries.delete(key);
      this.onExpire?.(key, entry.value);
    }
  }
}
