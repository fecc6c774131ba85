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
/** Samples a slot holds before it grows: a 20 ms packet at 8000 Hz, what phones send (a longer one grows its slot). */
const SLOT_SAMPLES = 160;

/** What the buffer counts for the party's statistics. */
export interface JitterCounters {
  late: number;
  lost: number;
  discarded: number;
  duplicate: number;
}

/**
 * Frames are copied into storage the buffer owns (a sample array per slot, and the frame being played), fifty
 * times a second per party: nothing is allocated per packet, so a busy mixer does not feed the garbage collector.
 */
export class JitterBuffer {
  /** Sequence number held in each slot, or -1. */
  private readonly slotSeq = new Int32Array(SLOTS).fill(-1);
  private readonly slotArrival = new Float64Array(SLOTS);
  private readonly slotLength = new Int32Array(SLOTS);
  private readonly slotSamples: Int16Array[] = Array.from({ length: SLOTS }, () => new Int16Array(SLOT_SAMPLES));
  private count = 0;
  private nextSeq = -1;
  private playing = false;
  /** The frame being played (copied out of its slot, which may then be reused), or none when `currentLength` is 0. */
  private current = new Int16Array(SLOT_SAMPLES);
  private currentLength = 0;
  private currentArrival = -1;
  private offset = 0;
  private lastLength = 160;
  private reads = 0;
  private lowest = Infinity;
  readonly counters: JitterCounters = { late: 0, lost: 0, discarded: 0, duplicate: 0 };

  constructor(
    private readonly depthFrames: number,
    private readonly maxFrames: number,
  ) {}

  /** Stores the first `length` samples of a decoded frame; `false` when it was dropped (late or a duplicate). */
  push(seq: number, samples: Int16Array, arrival: number, length = samples.length): boolean {
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
    const held = this.slotSeq[slot] as number;
    if (held === seq) {
      this.counters.duplicate++;
      return false;
    }
    if (held < 0) this.count++;
    let storage = this.slotSamples[slot] as Int16Array;
    if (storage.length < length) storage = this.slotSamples[slot] = new Int16Array(length);
    copySamples(samples, 0, storage, 0, length);
    this.slotSeq[slot] = seq;
    this.slotArrival[slot] = arrival;
    this.slotLength[slot] = length;
    this.lastLength = length;
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
      if (this.currentLength === 0) {
        if (!this.playing || !this.advance()) {
          out.fill(0, filled);
          return arrival;
        }
      }
      if (arrival < 0 && this.currentArrival >= 0) arrival = this.currentArrival;
      const n = Math.min(out.length - filled, this.currentLength - this.offset);
      copySamples(this.current, this.offset, out, filled, n);
      filled += n;
      this.offset += n;
      if (this.offset >= this.currentLength) this.currentLength = 0;
    }
    return arrival;
  }

  /**
   * The mixer skipped `frames` frames (it was held up too long): the oldest are dropped, as many as the buffer holds
   * beyond its target depth. A sender held up at the same moment has not sent its frames for that time yet, and
   * dropping below the depth would only run the buffer dry. Counted by the mixer as skipped, not here.
   */
  skip(frames: number): void {
    if (!this.playing) return;
    for (let left = frames; left > 0 && this.count > this.depthFrames; left--) {
      const slot = this.nextSeq & (SLOTS - 1);
      if (this.slotSeq[slot] === this.nextSeq) {
        this.slotSeq[slot] = -1;
        this.count--;
      }
      this.nextSeq = (this.nextSeq + 1) & 0xffff;
    }
  }

  /** Frames waiting to be played. */
  get depth(): number {
    return this.count;
  }

  /** Forgets every frame (a new stream). */
  reset(): void {
    this.slotSeq.fill(-1);
    this.count = 0;
    this.nextSeq = -1;
    this.playing = false;
    this.currentLength = 0;
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
    if (this.slotSeq[slot] === this.nextSeq) {
      const length = this.slotLength[slot] as number;
      if (this.current.length < length) this.current = new Int16Array(length);
      copySamples(this.slotSamples[slot] as Int16Array, 0, this.current, 0, length);
      this.currentLength = length;
      this.currentArrival = this.slotArrival[slot] as number;
      this.slotSeq[slot] = -1;
      this.count--;
    } else {
      this.counters.lost++;
      if (this.current.length < this.lastLength) this.current = new Int16Array(this.lastLength);
      this.current.fill(0, 0, this.lastLength);
      this.currentLength = this.lastLength;
      this.currentArrival = -1;
    }
    this.offset = 0;
    this.nextSeq = (this.nextSeq + 1) & 0xffff;
    return true;
  }

  /** Drops the oldest frames down to `depth`. */
  private shedTo(depth: number): void {
    while (this.count > depth) {
      const slot = this.nextSeq & (SLOTS - 1);
      if (this.slotSeq[slot] === this.nextSeq) {
        this.slotSeq[slot] = -1;
        this.count--;
        this.counters.discarded++;
      }
      this.nextSeq = (this.nextSeq + 1) & 0xffff;
    }
  }
}

/** A plain loop: `set(subarray())` would make a view object per frame. */
function copySamples(from: Int16Array, fromIndex: number, to: Int16Array, toIndex: number, n: number): void {
  for (let i = 0; i < n; i++) to[toIndex + i] = from[fromIndex + i] as number;
}
