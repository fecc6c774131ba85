/**
 * The mixer's 20 ms clock (RFC 3551 §4.5.14: 160 samples per packet at 8000 Hz). Timers in Node fire late by a
 * millisecond or more and drift; each tick is scheduled against the absolute due time, so lateness does not add
 * up. A tick that comes late runs at once; the ticks still owed after it run one at a time from `setImmediate`, so
 * that the event loop's poll phase (which comes between timers and immediates) reads the sockets between them: the
 * packets that reached the kernel while the thread was held up are in the jitter buffers before the next frame is
 * read. Catching up in one loop would read every buffer dry ahead of its queued packets, and once they came in
 * each party would play a frame later until its buffer was cut back, one frame of its audio discarded. Past
 * MAX_CATCH_UP owed ticks the oldest are skipped rather than burst at the parties, and the clock stays on its grid
 * so that RTP timestamps keep to real time.
 */
export const FRAME_MS = 20;
const MAX_CATCH_UP = 5;
/** A tick starting this long after its due time counts as late. */
export const LATE_TICK_MS = 10;

export class MixerClock {
  private due = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor(
    private readonly tick: (now: number) => void,
    private readonly onLate: () => void,
    private readonly onSkip: (frames: number) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.due = this.now() + FRAME_MS;
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.run(false), Math.max(0, this.due - this.now()));
  }

  /** One tick if one is due; `afterPoll` when the sockets have been read since the last tick. */
  private run(afterPoll: boolean): void {
    this.timer = undefined;
    this.immediate = undefined;
    let now = this.now();
    // Skipping waits for a poll: the frames skipped are then the oldest of what had come, not all that was buffered.
    if (afterPoll) this.skipBeyondCatchUp(now);
    if (now >= this.due) {
      if (now - this.due >= LATE_TICK_MS) this.onLate();
      this.tick(now);
      this.due += FRAME_MS;
      now = this.now();
    }
    if (now >= this.due) this.immediate = setImmediate(() => this.run(true));
    else this.schedule();
  }

  private skipBeyondCatchUp(now: number): void {
    const owed = Math.floor((now - this.due) / FRAME_MS) + 1;
    if (owed <= MAX_CATCH_UP) return;
    const skipped = owed - MAX_CATCH_UP;
    this.due += skipped * FRAME_MS;
    this.onSkip(skipped);
  }
}
