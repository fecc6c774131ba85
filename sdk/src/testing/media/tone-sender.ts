/**
 * One outgoing RTP stream of a test party: a tone in 20 ms G.711 frames, paced by the wall clock (frames that
 * fell due while the event loop was busy go out at once, so the stream keeps real time on a loaded machine).
 * RFC 3550 §5.1: random initial sequence number and timestamp; the timestamp follows the clock through a
 * pause while the sequence number runs on without a gap, and the first packet after a pause has the marker
 * (RFC 3551 §4.1). A DTMF key goes out as RFC 4733 events in place of the next frames.
 */
import { randomInt } from "node:crypto";
import type { Socket } from "node:dgram";
import { performance } from "node:perf_hooks";
import { G711_PAYLOAD_TYPE, type G711Codec } from "./g711.js";
import { buildRtpPacket } from "./rtp-packet.js";
import { TELEPHONE_EVENT_PAYLOAD_TYPE, telephoneEventPayloads } from "./telephone-event.js";
import { FRAME_MS, SAMPLES_PER_FRAME, ToneSource } from "./tone.js";

interface PendingEvent {
  payloads: Uint8Array[];
  payloadType: number;
  timestamp?: number;
  sent: () => void;
}

/** A tone stream being sent; `done` resolves when it stopped. */
export interface ToneStream {
  readonly ssrc: number;
  readonly done: Promise<void>;
  /** Packets sent so far. */
  sent(): number;
  /**
   * Sends a DTMF key as RFC 4733 telephone-events in place of the tone's next frames (same SSRC, sequence and
   * clock, as a phone does); resolves once its last end packet went out.
   */
  sendEvent(key: string, durationMs?: number, payloadType?: number): Promise<void>;
  /** Stops sending without ending the stream (silence suppression, a muted phone). */
  pause(): void;
  resume(): void;
  stop(): void;
}

export class ToneSender implements ToneStream {
  readonly ssrc = randomInt(1, 0xffffffff);
  readonly done: Promise<void>;
  private readonly firstSeq = randomInt(0, 0x10000);
  private readonly firstTimestamp = randomInt(0, 0xffffffff);
  private readonly startedAt = performance.now();
  private readonly events: PendingEvent[] = [];
  private readonly timer: NodeJS.Timeout;
  private slots = 0;
  private packets = 0;
  private paused = false;
  private talkspurtStart = true;
  private finish: () => void = () => undefined;

  constructor(
    private readonly socket: Socket,
    private readonly to: { address: string; port: number },
    private readonly codec: G711Codec,
    private readonly source: ToneSource,
    private readonly totalSlots: number,
    private readonly onStop: () => void,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.timer = setInterval(() => this.pump(), FRAME_MS / 2);
    this.pump();
  }

  sent(): number {
    return this.packets;
  }

  sendEvent(key: string, durationMs = 100, payloadType = TELEPHONE_EVENT_PAYLOAD_TYPE): Promise<void> {
    return new Promise((resolve) => this.events.push({ payloads: telephoneEventPayloads(key, durationMs), payloadType, sent: resolve }));
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (this.paused) this.talkspurtStart = true;
    this.paused = false;
  }

  stop(): void {
    clearInterval(this.timer);
    this.onStop();
    this.finish();
  }

  private pump(): void {
    const due = Math.min(this.totalSlots, Math.floor((performance.now() - this.startedAt) / FRAME_MS) + 1);
    while (this.slots < due) {
      const timestamp = (this.firstTimestamp + this.slots * SAMPLES_PER_FRAME) >>> 0;
      const frame = this.source.nextFrame(this.codec);
      this.slots++;
      if (this.paused) continue;
      const event = this.events[0];
      if (event) this.sendEventPacket(event, timestamp);
      else this.send(G711_PAYLOAD_TYPE[this.codec], timestamp, this.talkspurtStart, frame);
      this.talkspurtStart = false;
    }
    if (this.slots >= this.totalSlots) this.stop();
  }

  /** RFC 4733 §2.5.1.2: every packet of an event carries its start time; the first has the marker. */
  private sendEventPacket(event: PendingEvent, timestamp: number): void {
    const first = event.timestamp === undefined;
    event.timestamp ??= timestamp;
    this.send(event.payloadType, event.timestamp, first, event.payloads.shift() ?? new Uint8Array(4));
    if (event.payloads.length === 0) {
      this.events.shift();
      event.sent();
    }
  }

  private send(payloadType: number, timestamp: number, marker: boolean, payload: Uint8Array): void {
    const header = { payloadType, sequenceNumber: (this.firstSeq + this.packets++) & 0xffff, timestamp, ssrc: this.ssrc, marker };
    this.socket.send(buildRtpPacket(header, payload), this.to.port, this.to.address);
  }
}
