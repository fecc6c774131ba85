/**
 * An RTP test party: one UDP socket on 127.0.0.1 that plays a tone stream to a target, paced at one 20 ms
 * G.711 frame per 20 ms, and records every RTP packet it receives with its arrival time, so a test can ask
 * what this party heard and how much of it was lost.
 */
import { randomInt } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { performance } from "node:perf_hooks";
import { G711_PAYLOAD_TYPE, type G711Codec } from "./g711.js";
import { assembleAudio, type ReceivedAudio } from "./received-audio.js";
import { buildRtpPacket, parseRtpPacket } from "./rtp-packet.js";
import { rtpStreamStats, type RtpArrival, type RtpStreamStats } from "./rtp-stream-stats.js";
import { TELEPHONE_EVENT_PAYLOAD_TYPE, telephoneEventPayloads } from "./telephone-event.js";
import { FRAME_MS, SAMPLES_PER_FRAME, ToneSource, type ToneOptions } from "./tone.js";

/** Where a party sends: an address on loopback (default 127.0.0.1) and a port. */
export interface RtpTarget {
  address?: string;
  port: number;
}

/** Options of {@link RtpParty.sendTone}. */
export interface SendToneOptions extends ToneOptions {
  to: RtpTarget;
  /** Frequencies to play together; empty plays G.711 silence. */
  frequencies: readonly number[];
  /** Stop after this long; without it the stream runs until {@link RtpParty.stopSending}. */
  durationMs?: number;
  /** The law to send in, when not the party's own (e.g. the one the far end chose). */
  codec?: G711Codec;
}

/** A tone stream being sent; `done` resolves when it stopped. */
export interface ToneStream {
  readonly ssrc: number;
  readonly done: Promise<void>;
  /** Frames sent so far. */
  sent(): number;
  /**
   * Sends a DTMF key as RFC 4733 telephone-events in place of the tone's next frames (same SSRC, sequence and
   * clock, as a phone does); resolves once its last end packet went out.
   */
  sendEvent(key: string, durationMs?: number, payloadType?: number): Promise<void>;
}

/** One RTP endpoint of a test; see the file comment. Open it with {@link RtpParty.open}, end it with {@link RtpParty.close}. */
export class RtpParty {
  readonly arrivals: RtpArrival[] = [];
  /** Datagrams that were not RTP version 2. */
  notRtp = 0;
  private readonly stoppers = new Set<() => void>();

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    readonly codec: G711Codec,
  ) {
    socket.on("message", (data, rinfo) => {
      const packet = parseRtpPacket(data);
      if (!packet) {
        this.notRtp++;
        return;
      }
      this.arrivals.push({ packet, arrivalMs: performance.now(), from: { address: rinfo.address, port: rinfo.port } });
    });
  }

  /** Binds a party on 127.0.0.1 (`port` 0: any free port). */
  static open(options: { codec?: G711Codec; port?: number } = {}): Promise<RtpParty> {
    const socket = createSocket("udp4");
    return new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(options.port ?? 0, "127.0.0.1", () => {
        socket.off("error", reject);
        socket.on("error", () => undefined);
        resolve(new RtpParty(socket, socket.address().port, options.codec ?? "PCMU"));
      });
    });
  }

  /** Monotonic clock the arrival times use. */
  now(): number {
    return performance.now();
  }

  /**
   * Plays a tone to `to`. Frames go out as they fall due on the wall clock, several at once after a stalled
   * event loop, so the stream keeps real time on a loaded machine (RFC 3550 §5.1: random initial sequence
   * number and timestamp, marker on the first packet of the talkspurt).
   */
  sendTone(options: SendToneOptions): ToneStream {
    const source = new ToneSource(options.frequencies, options);
    const codec = options.codec ?? this.codec;
    const ssrc = randomInt(1, 0xffffffff);
    const firstSeq = randomInt(0, 0x10000);
    const firstTimestamp = randomInt(0, 0xffffffff);
    const total = options.durationMs === undefined ? Infinity : Math.ceil(options.durationMs / FRAME_MS);
    const startedAt = performance.now();
    let sent = 0;
    let stop: () => void = () => undefined;
    const events: Array<{ payloads: Uint8Array[]; payloadType: number; timestamp?: number; sent: () => void }> = [];
    const done = new Promise<void>((resolve) => {
      const timer = setInterval(() => pump(), FRAME_MS / 2);
      stop = () => {
        clearInterval(timer);
        this.stoppers.delete(stop);
        resolve();
      };
      this.stoppers.add(stop);
      const pump = (): void => {
        const due = Math.min(total, Math.floor((performance.now() - startedAt) / FRAME_MS) + 1);
        while (sent < due) {
          const timestamp = (firstTimestamp + sent * SAMPLES_PER_FRAME) >>> 0;
          const frame = source.nextFrame(codec);
          const event = events[0];
          const to = options.to.port;
          const address = options.to.address ?? "127.0.0.1";
          if (event) {
            // RFC 4733 §2.5.1.2: every packet of the event carries its start time; the first has the marker.
            const first = event.timestamp === undefined;
            event.timestamp ??= timestamp;
            const header = { payloadType: event.payloadType, sequenceNumber: (firstSeq + sent) & 0xffff, timestamp: event.timestamp, ssrc, marker: first };
            this.socket.send(buildRtpPacket(header, event.payloads.shift() ?? new Uint8Array(4)), to, address);
            if (event.payloads.length === 0) {
              events.shift();
              event.sent();
            }
          } else {
            const header = { payloadType: G711_PAYLOAD_TYPE[codec], sequenceNumber: (firstSeq + sent) & 0xffff, timestamp, ssrc, marker: sent === 0 };
            this.socket.send(buildRtpPacket(header, frame), to, address);
          }
          sent++;
        }
        if (sent >= total) stop();
      };
      pump();
    });
    const sendEvent = (key: string, durationMs = 100, payloadType = TELEPHONE_EVENT_PAYLOAD_TYPE): Promise<void> =>
      new Promise((resolve) => events.push({ payloads: telephoneEventPayloads(key, durationMs), payloadType, sent: resolve }));
    return { ssrc, done, sent: () => sent, sendEvent };
  }

  /** Stops every stream this party is sending. */
  stopSending(): void {
    for (const stop of [...this.stoppers]) stop();
  }

  /** Per-SSRC loss, reordering and timing of what arrived (optionally only since `sinceMs`). */
  streams(sinceMs = -Infinity): RtpStreamStats[] {
    return rtpStreamStats(this.arrivals.filter((a) => a.arrivalMs >= sinceMs));
  }

  /** What arrived (optionally since `sinceMs`, or of one SSRC), decoded onto one time line. */
  audio(options: { sinceMs?: number; ssrc?: number } = {}): ReceivedAudio {
    const since = options.sinceMs ?? -Infinity;
    return assembleAudio(this.arrivals.filter((a) => a.arrivalMs >= since && (options.ssrc === undefined || a.packet.ssrc === options.ssrc)));
  }

  /** Forgets what arrived so far. */
  clear(): void {
    this.arrivals.length = 0;
    this.notRtp = 0;
  }

  /** Stops sending and releases the port. */
  close(): Promise<void> {
    this.stopSending();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
