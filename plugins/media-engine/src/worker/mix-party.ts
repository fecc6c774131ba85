/**
 * One party as the mixer sees it: its sockets, its jitter buffer, its mode, what is played to it alone, and the
 * frame it contributes to the current tick.
 */
import type { RemoteMedia, WireMode, WorkerStats } from "../protocol.js";
import { decodeG711 } from "./g711.js";
import { JitterBuffer } from "./jitter-buffer.js";
import { MAX_PAYLOAD_BYTES, type RtpEndpoint } from "./rtp-endpoint.js";
import type { RtpIn } from "./rtp-packet.js";
import { TelephoneEventDetector, type EndedEvent } from "./telephone-event.js";
import type { Player } from "./wav-source.js";

export const FRAME_SAMPLES = 160;

export class MixParty {
  mode: WireMode = { mode: "speak-listen" };
  /** Whisper targets, as a set for the per-tick look-up. */
  hearers: ReadonlySet<string> = new Set();
  readonly input = new Int16Array(FRAME_SAMPLES);
  /** A received packet's samples on their way into the jitter buffer (which copies them). */
  private readonly decoded = new Int16Array(MAX_PAYLOAD_BYTES);
  /** Arrival time of the frame read this tick, or -1 when the party is silent this tick. */
  inputArrival = -1;
  readonly out = new Int32Array(FRAME_SAMPLES);
  readonly payload = new Uint8Array(FRAME_SAMPLES);
  readonly players = new Map<string, Player>();
  inactiveReported = false;
  nextReportAt = 0;
  private readonly events = new TelephoneEventDetector();
  endpoint!: RtpEndpoint;
  /** Passes the party's RFC 4733 packets on to those who hear it (set by its room). */
  relayEvent: ((from: MixParty, packet: RtpIn) => void) | undefined;

  constructor(
    readonly id: string,
    readonly jitter: JitterBuffer,
    readonly inactivityMs: number,
    private readonly stats: WorkerStats,
    private readonly onTelephoneEvent: (party: MixParty, event: EndedEvent) => void,
  ) {}

  setMode(mode: WireMode): void {
    this.mode = mode;
    this.hearers = new Set(mode.mode === "whisper" ? mode.to : []);
  }

  setRemote(remote: RemoteMedia, now: number): void {
    this.endpoint.setRemote(remote, now);
    this.jitter.reset();
    this.inactiveReported = false;
  }

  /** An accepted packet from the endpoint. */
  receive(packet: RtpIn, arrival: number, newStream: boolean): void {
    const remote = this.endpoint.media;
    if (!remote) return;
    this.inactiveReported = false;
    if (newStream) this.jitter.reset();
    if (packet.payloadType === remote.telephoneEventPt) {
      this.relayEvent?.(this, packet);
      const ended = this.events.take(packet.payload, packet.timestamp);
      if (ended) this.onTelephoneEvent(this, ended);
      return;
    }
    decodeG711(remote.codec, packet.payload, this.decoded);
    this.jitter.push(packet.sequence, this.decoded, arrival, packet.payload.length);
  }

  /** Reads this tick's frame from the jitter buffer. */
  pull(): void {
    this.inputArrival = this.jitter.read(this.input);
  }

  /**
   * Frames the mixer could not mix in time: the party's audio for them is dropped from its jitter buffer (what it
   * holds beyond its depth) and its RTP clock moves on by them, so what it says next is heard at the usual delay.
   */
  skip(frames: number): void {
    this.jitter.skip(frames);
    this.endpoint.skip(frames);
  }

  /** Copies the buffer's counters into the worker's totals (they only grow). */
  syncCounters(): void {
    const c = this.jitter.counters;
    this.stats.framesLost += c.lost - this.seen.lost;
    this.stats.framesLate += c.late - this.seen.late;
    this.stats.framesDiscarded += c.discarded - this.seen.discarded;
    this.seen = { ...c };
  }

  private seen = { lost: 0, late: 0, discarded: 0, duplicate: 0 };

  /** True when the party is heard by `listener` this tick. */
  heardBy(listener: MixParty): boolean {
    if (this === listener || this.inputArrival < 0) return false;
    if (this.mode.mode === "speak-listen") return true;
    return this.mode.mode === "whisper" && this.hearers.has(listener.id);
  }
}
