/**
 * An RTP test party: one UDP socket on 127.0.0.1 that plays a tone stream to a target, paced at one 20 ms
 * G.711 frame per 20 ms, and records every RTP packet it receives with its arrival time, so a test can ask
 * what this party heard and how much of it was lost.
 */
import { createSocket, type Socket } from "node:dgram";
import { performance } from "node:perf_hooks";
import type { G711Codec } from "./g711.js";
import { assembleAudio, type ReceivedAudio } from "./received-audio.js";
import { parseRtpPacket } from "./rtp-packet.js";
import { rtpStreamStats, type RtpArrival, type RtpStreamStats } from "./rtp-stream-stats.js";
import { FRAME_MS, ToneSource, type ToneOptions } from "./tone.js";
import { ToneSender, type ToneStream } from "./tone-sender.js";

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

  /** Plays a tone to `to` until `durationMs` passed or the stream is stopped (see {@link ToneSender}). */
  sendTone(options: SendToneOptions): ToneStream {
    const slots = options.durationMs === undefined ? Infinity : Math.ceil(options.durationMs / FRAME_MS);
    const to = { address: options.to.address ?? "127.0.0.1", port: options.to.port };
    let stream: ToneSender | undefined;
    const stop = (): void => stream?.stop();
    this.stoppers.add(stop);
    stream = new ToneSender(this.socket, to, options.codec ?? this.codec, new ToneSource(options.frequencies, options), slots, () => this.stoppers.delete(stop));
    return stream;
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
