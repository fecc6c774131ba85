/**
 * One queue of waiting calls, kept in distribution order: higher priority first; within a priority, calls
 * put back after a ring-no-answer first (they go back to the head), then by arrival.
 */

/** A waiting call. `T` is whatever the router keeps with it. */
export interface QueueEntry<T> {
  readonly connId: string;
  readonly priority: number;
  /** Arrival sequence number (first arrival in any queue; kept on requeue). */
  readonly arrival: number;
  /** Put back after a failed delivery: ahead of every call of the same priority. */
  readonly requeued: boolean;
  readonly value: T;
}

/** Distribution order: negative when `a` goes before `b`. */
export function compareEntries(a: QueueEntry<unknown>, b: QueueEntry<unknown>): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.requeued !== b.requeued) return a.requeued ? -1 : 1;
  return a.arrival - b.arrival;
}

export class CallQueue<T> {
  private entries: QueueEntry<T>[] = [];

  constructor(readonly name: string) {}

  get size(): number {
    return this.entries.length;
  }

  /** Inserts in order (binary search: queues can be long, inserts are frequent); returns the 1-based position. */
  add(entry: QueueEntry<T>): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareEntries(this.entries[mid] as QueueEntry<T>, entry) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.entries.splice(lo, 0, entry);
    return lo + 1;
  }

  head(): QueueEntry<T> | undefined {
    return this.entries[0];
  }

  remove(connId: string): QueueEntry<T> | undefined {
    const index = this.entries.findIndex((e) => e.connId === connId);
    if (index < 0) return undefined;
    return this.entries.splice(index, 1)[0];
  }

  has(connId: string): boolean {
    return this.entries.some((e) => e.connId === connId);
  }

  list(): readonly QueueEntry<T>[] {
    return this.entries;
  }
}
