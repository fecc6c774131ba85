/**
 * Many protocol timers on one `setTimeout`: a binary min-heap of deadlines, armed for the earliest.
 * At ~800 messages/s the reliability layer holds tens of thousands of timers (Timer J alone is 32 s);
 * one Node timer plus a heap costs O(log n) per operation and no timer-object churn.
 * Cancelling marks a handle; dead handles are dropped when they reach the top, or all at once when
 * they outnumber the live ones.
 */

import { monotonicNow } from "../transport/monotonic-clock.js";

export interface TimerHandle {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class TimerQueue {
  private heap: TimerHandle[] = [];
  private live = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;
  private running = false;
  /** Deadline of the timer being run (the time base for timers it schedules). */
  private firing = 0;

  constructor(
    private readonly onError: (error: unknown) => void,
    private readonly clock: () => number = monotonicNow,
  ) {}

  /** Live (not cancelled, not yet fired) timers. */
  get size(): number {
    return this.live;
  }

  /**
   * Runs `fn` after `delayMs`. From inside a firing timer the delay counts from that timer's deadline,
   * not from the (maybe late) wall clock, so retransmission schedules stay anchored to the first send.
   */
  schedule(delayMs: number, fn: () => void): TimerHandle {
    const base = this.running ? this.firing : this.clock();
    const handle: TimerHandle = { due: base + delayMs, seq: this.seq++, fn, cancelled: false };
    this.push(handle);
    this.live++;
    if (!this.running && handle.due < this.armedFor) this.arm();
    return handle;
  }

  cancel(handle: TimerHandle | undefined): void {
    if (!handle || handle.cancelled) return;
    handle.cancelled = true;
    this.live--;
    if (this.heap.length > 1024 && this.heap.length > 4 * this.live) this.compact();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap = [];
    this.live = 0;
  }

  private arm(): void {
    if (this.stopped) return;
    while (this.heap[0]?.cancelled) this.pop();
    const top = this.heap[0];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = top ? top.due : Infinity;
    if (!top) return;
    this.timer = setTimeout(() => this.run(), Math.max(0, top.due - this.clock()));
    this.timer.unref();
  }

  private run(): void {
    this.timer = undefined;
    // A timer never fires before its delay, so everything due by the armed deadline is due now,
    // even when the wall clock reads a millisecond less.
    const now = Math.max(this.clock(), this.armedFor);
    this.armedFor = Infinity;
    this.running = true;
    for (let top = this.heap[0]; top && top.due <= now && !this.stopped; top = this.heap[0]) {
      this.pop();
      if (top.cancelled) continue;
      top.cancelled = true;
      this.live--;
      this.firing = top.due;
      try {
        top.fn();
      } catch (error) {
        this.onError(error);
      }
    }
    this.running = false;
    this.arm();
  }

  private compact(): void {
    const keep = this.heap.filter((h) => !h.cancelled);
    this.heap = [];
    for (const h of keep) this.push(h);
  }

  private less(a: TimerHandle, b: TimerHandle): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(handle: TimerHandle): void {
    const heap = this.heap;
    heap.push(handle);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as TimerHandle;
      if (!this.less(handle, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = handle;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const child = r < heap.length && this.less(heap[r] as TimerHandle, heap[l] as TimerHandle) ? r : l;
      const c = heap[child] as TimerHandle;
      if (!this.less(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
  }
}
