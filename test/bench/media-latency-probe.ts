/**
 * Added latency through a mixer as a phone would see it, the same way for any mixer (the embedded engine reports
 * its own figure, Janus reports none): one extra room of two probe parties beside the bench's load. The talker
 * sends G.711 silence with a 20 ms burst of tone every BURST_EVERY frames; the listener (which also sends silence:
 * Janus sends to a plain-RTP party only once it heard from it) hears the room's mix of the talker, and each burst's
 * onset there minus its send time is one sample. Loopback adds microseconds, so the figure is the mixer's: its
 * input buffering, the wait for its next mix, and the send.
 */
import { createSocket, type Socket } from "node:dgram";
import { decodeG711, encodeG711, toneFrames } from "@tandem/sdk/testing/media";
import type { BenchMixer } from "./media-bench-load.js";

const FRAME_MS = 20;
/** A burst every 500 ms: longer than any latency worth measuring, so a heard onset belongs to the last burst sent. */
const BURST_EVERY = 25;
/** Mean absolute sample above which a received frame holds the burst (the tone is ~8000; silence decodes to ~0). */
const ONSET_LEVEL = 1000;

export interface LatencyProbe {
  /** Stops sending and returns the latencies seen since `start()`: p50, p99 and how many bursts were heard. */
  stop(): { p50: number; p99: number; samples: number };
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve(socket));
  });
}

function offer(port: number): string {
  return `v=0\r\no=probe ${port} 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n`;
}

function rtp(sequence: number, ssrc: number, payload: Uint8Array): Buffer {
  const packet = Buffer.allocUnsafe(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = 0;
  packet.writeUInt16BE(sequence & 0xffff, 2);
  packet.writeUInt32BE((sequence * 160) >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  packet.set(payload, 12);
  return packet;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);
}

/** Opens the probe room on `mixer` and starts sending; samples count from `warmupMs` on. */
export async function startLatencyProbe(mixer: BenchMixer, warmupMs: number): Promise<LatencyProbe> {
  const [talker, listener] = await Promise.all([open(), open()]);
  const room = await mixer.createRoom({ label: "latency-probe" });
  const port = (party: { localSdp: string }): number => Number(/m=audio (\d+)/.exec(party.localSdp)?.[1]);
  const talkerTarget = port(await room.join({ partyId: "probe-talker", offer: offer(talker.address().port) }));
  const listenerTarget = port(await room.join({ partyId: "probe-listener", offer: offer(listener.address().port) }));
  const silence = encodeG711("PCMU", new Int16Array(160));
  const burst = toneFrames("PCMU", [1000], FRAME_MS)[0] as Uint8Array;
  const started = performance.now();
  const samples: number[] = [];
  let lastBurstAt: number | undefined;
  let heardBurst = false;
  listener.on("message", (msg) => {
    if (msg.length < 12 + 160 || ((msg[1] as number) & 0x7f) !== 0) return;
    const pcm = decodeG711("PCMU", msg.subarray(12, 12 + 160));
    let sum = 0;
    for (const s of pcm) sum += Math.abs(s);
    const loud = sum / pcm.length > ONSET_LEVEL;
    if (loud && !heardBurst && lastBurstAt !== undefined && performance.now() - started >= warmupMs) samples.push(performance.now() - lastBurstAt);
    heardBurst = loud;
  });
  let sequence = 0;
  let due = started;
  let timer: NodeJS.Timeout | undefined;
  const pump = (): void => {
    const now = performance.now();
    while (due <= now) {
      const isBurst = sequence % BURST_EVERY === 0;
      talker.send(rtp(sequence, 0x7e570001, isBurst ? burst : silence), talkerTarget, "127.0.0.1");
      listener.send(rtp(sequence, 0x7e570002, silence), listenerTarget, "127.0.0.1");
      if (isBurst) lastBurstAt = performance.now();
      sequence++;
      due += FRAME_MS;
    }
    timer = setTimeout(pump, Math.max(0, due - performance.now()));
  };
  pump();
  return {
    stop: () => {
      clearTimeout(timer);
      talker.close();
      listener.close();
      const sorted = [...samples].sort((a, b) => a - b);
      return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), samples: sorted.length };
    },
  };
}
