/**
 * The mixer's 20 ms clock (RFC 3551 §4.5.14: 160 samples per packet at 8000 Hz). Timers in Node fire late by a
 * millisecond or more and drift; each tick is scheduled against the absolute due time, so lateness does not add
 * up, and a tick that comes late is caught up at once (at most a few at a time; past that the frames are skipped
 * rather than burst at the parties, and the clock stays on its grid so that RTP timestamps keep to real time).
 */
export const FRAME_MS = 20;
const MAX_CATCH_UP = 5;
/** A tick starting this long after its due time counts as late. */
export const LATE_TICK_MS = 10;

export class MixerClock {
  private due = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tick: (now: number) => void,
    private readonly onLate: () => void,
    private readonly onSkip: (frames: number) => void,
  ) {}

  start(): void {
    this.due = performance.now() + FRAME_MS;
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.run(), Math.max(0, this.due - performance.now()));
  }

  private run(): void {
    let now = performance.now();
    for (let n = 0; now >= this.due && n < MAX_CATCH_UP; n++) {
      if (now - this.due >= LATE_TICK_MS) this.onLate();
      this.tick(now);
      this.due += FRAME_MS;
      now = performance.now();
    }
    if (now - this.due > MAX_CATCH_UP * FRAME_MS) {
      const skipped = Math.floor((now - this.due) / FRAME_MS) + 1;
      this.due += skipped * FRAME_MS;
      this.onSkip(skipped);
    }
    this.schedule();
  }
}
