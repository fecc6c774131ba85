/**
 * The audio a party received, as 16-bit PCM on one time line: each SSRC's G.711 payloads are placed by their
 * RTP timestamps (RFC 3550 §5.1: the sampling instant), anchored at the arrival of its least delayed packet,
 * and all streams are summed, as a phone playing every stream it is sent would. Lost packets leave silence.
 */
import { codecOfPayloadType, decodeG711, G711_SAMPLE_RATE } from "./g711.js";
import type { RtpArrival } from "./rtp-stream-stats.js";

/** Decoded audio on one time line. */
export interface ReceivedAudio {
  pcm: Int16Array;
  sampleRate: number;
  /** Monotonic time (`performance.now()` ms) of `pcm[0]`. */
  startMs: number;
}

interface Placed {
  atMs: number;
  samples: Int16Array;
}

/** Decodes the G.711 packets of `arrivals` (others are ignored) onto one time line. */
export function assembleAudio(arrivals: readonly RtpArrival[]): ReceivedAudio {
  const placed = placeBySsrc(arrivals);
  if (placed.length === 0) return { pcm: new Int16Array(0), sampleRate: G711_SAMPLE_RATE, startMs: 0 };
  const startMs = Math.min(...placed.map((p) => p.atMs));
  const endMs = Math.max(...placed.map((p) => p.atMs + (p.samples.length * 1000) / G711_SAMPLE_RATE));
  const mix = new Float64Array(Math.ceil(((endMs - startMs) * G711_SAMPLE_RATE) / 1000));
  for (const p of placed) {
    const offset = Math.round(((p.atMs - startMs) * G711_SAMPLE_RATE) / 1000);
    for (let i = 0; i < p.samples.length && offset + i < mix.length; i++) mix[offset + i] = (mix[offset + i] ?? 0) + (p.samples[i] ?? 0);
  }
  const pcm = Int16Array.from(mix, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
  return { pcm, sampleRate: G711_SAMPLE_RATE, startMs };
}

function placeBySsrc(arrivals: readonly RtpArrival[]): Placed[] {
  const streams = new Map<number, { firstTimestamp: number; anchorMs: number; frames: Array<{ offsetMs: number; samples: Int16Array }> }>();
  for (const { packet, arrivalMs } of arrivals) {
    const codec = codecOfPayloadType(packet.payloadType);
    if (!codec) continue;
    let stream = streams.get(packet.ssrc);
    if (!stream) {
      stream = { firstTimestamp: packet.timestamp, anchorMs: Infinity, frames: [] };
      streams.set(packet.ssrc, stream);
    }
    // Signed 32-bit difference, so a timestamp that wrapped past 2^32 still lands after the first one.
    const offsetMs = (((packet.timestamp - stream.firstTimestamp) | 0) * 1000) / G711_SAMPLE_RATE;
    // The stream's time line is anchored by its least delayed packet: a receiver that stalled and then read
    // a backlog at once stamps those packets late, and must not shift the whole time line with them.
    stream.anchorMs = Math.min(stream.anchorMs, arrivalMs - offsetMs);
    stream.frames.push({ offsetMs, samples: decodeG711(codec, packet.payload) });
  }
  return [...streams.values()].flatMap((s) => s.frames.map((f) => ({ atMs: s.anchorMs + f.offsetMs, samples: f.samples })));
}
