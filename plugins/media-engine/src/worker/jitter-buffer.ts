/**
 * A party's jitter buffer: frames are placed by RTP sequence number (RFC 3550 §5.1) and played out in order, one
 * mixer frame at a time, after `depthFrames` have gathered. Packets of any duration (10, 20, 30 ms) are read as a
 * stream of samples. A missing frame is played as silence and counted lost; a packet older than the play-out point
 * is dropped as late; when the buffer runs dry it fills again before playing (the sender paused, or its clock is
 * slow); when it overfills (a burst, or a fast clock) the oldest frames are dropped down to the target depth. A
 * buffer that has held more than the target for a whole second (a burst that never drained) is cut back to it,
 * so that a moment of jitter does not add delay for the rest of the call.
 */
import { seqAfter } from "./rtp-packet.js";

const SLOTS = 64;
/** Reads (20 ms each) over which the buffer's lowest depth is watched. */
const WATCH_READS = 50;

interface Frame {
  readonly seq: number;
  readonly samples: Int16Array;
  readonly arrival: number;
}

/** What the buffer counts for the party's statistics. */
export interface JitterCounters {
  late: number;
  lost: number;
  discarded: number;
  duplicate: number;
}

export class JitterBuffer {
  private readonly slots: Array<Frame | undefined> = new Array<Frame | undefined>(SLOTS);
  private count = 0;
  private nextSeq = -1;
  private playing = false;
  private current: Frame | undefined;
  private offset = 0;
  private lastLength = 160;
  private reads = 0;
  private lowest = Infinity;
  readonly counters: JitterCounters = { late: 0, lost: 0, discarded: 0, duplicate: 0 };

  constructor(
    private readonly depthFrames: number,
    private readonly maxFrames: number,
  ) {}

  /** Stores a decoded frame; `false` when it was dropped (late or a duplicate). */
  push(seq: number, samples: Int16Array, arrival: number): boolean {
    if (this.nextSeq >= 0 && ((seq - this.nextSeq) & 0xffff) >= SLOTS && ((this.nextSeq - seq) & 0xffff) >= SLOTS) {
      // Far from the play-out point in both directions: a new stream (re-INVITE, sender restart), not jitter.
      this.reset();
    }
    if (this.nextSeq >= 0 && seqAfter(this.nextSeq, seq)) {
      if (this.playing) {
        this.counters.late++;
        return false;
      }
      this.nextSeq = seq;
    }
    if (this.nextSeq < 0) this.nextSeq = seq;
    const slot = seq & (SLOTS - 1);
    const held = this.slots[slot];
    if (held?.seq === seq) {
      this.counters.duplicate++;
      return false;
    }
    if (!held) this.count++;
    this.slots[slot] = { seq, samples, arrival };
    this.lastLength = samples.length;
    if (this.count > this.maxFrames) this.shedTo(this.depthFrames);
    if (!this.playing && this.count >= this.depthFrames) this.playing = true;
    return true;
  }

  /**
   * Fills `out` with the next samples (silence where there are none). Returns the arrival time of the first frame
   * read, or -1 when nothing but silence was played.
   */
  read(out: Int16Array): number {
    this.watchDepth();
    let filled = 0;
    let arrival = -1;
    while (filled < out.length) {
      if (!this.current) {
        if (!this.playing || !this.advance()) {
          out.fill(0, filled);
          return arrival;
        }
      }
      const frame = this.current as Frame;
      if (arrival < 0 && frame.arrival >= 0) arrival = frame.arrival;
      const n = Math.min(out.length - filled, frame.samples.length - this.offset);
      out.set(frame.samples.subarray(this.offset, this.offset + n), filled);
      filled += n;
      this.offset += n;
      if (this.offset >= frame.samples.length) this.current = undefined;
    }
    return arrival;
  }

  /** Frames waiting to be played. */
  get depth(): number {
    return this.count;
  }

  /** Forgets every frame (a new stream). */
  reset(): void {
    this.slots.fill(undefined);
    this.count = 0;
    this.nextSeq = -1;
    this.playing = false;
    this.current = undefined;
    this.offset = 0;
  }

  /** Cuts the buffer back to the target depth when it stayed above it for a whole watch period. */
  private watchDepth(): void {
    if (!this.playing) {
      this.reads = 0;
      this.lowest = Infinity;
      return;
    }
    this.lowest = Math.min(this.lowest, this.count);
    if (++this.reads < WATCH_READS) return;
    if (this.lowest > this.depthFrames) this.shedTo(this.count - (this.lowest - this.depthFrames));
    this.reads = 0;
    this.lowest = Infinity;
  }

  /** Moves to the frame at the play-out point; a gap becomes a silent frame counted lost. */
  private advance(): boolean {
    if (this.count === 0) {
      // Ran dry: gather `depthFrames` again before playing, from whatever sequence number comes next.
      this.playing = false;
      this.nextSeq = -1;
      return false;
    }
    const slot = this.nextSeq & (SLOTS - 1);
    const frame = this.slots[slot];
    if (frame?.seq === this.nextSeq) {
      this.slots[slot] = undefined;
      this.count--;
      this.current = frame;
    } else {
      this.counters.lost++;
      this.current = { seq: this.nextSeq, samples: new Int16Array(this.lastLength), arrival: -1 };
    }
    this.offset = 0;
    this.nextSeq = (this.nextSeq + 1) & 0xffff;
    return true;
  }

  /** Drops the oldest frames down to `depth`. */
  private shedTo(depth: number): void {
    while (this.count > depth) {
      const slot = this.nextSeq & (SLOTS - 1);
      const frame = this.slots[slot];
      if (frame?.seq === this.nextSeq) {
        this.slots[slot] = undefined;
        this.count--;
        this.counters.discarded++;
      }
      this.nextSeq = (this.nextSeq + 1) & 0xffff;
    }
  }
}
