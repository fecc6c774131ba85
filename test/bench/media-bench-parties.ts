/**
 * The RTP parties of the media bench, in a process of their own so that their CPU is not counted as the mixer's.
 * Opens N UDP sockets on 127.0.0.1 and prints their ports; reads one JSON line `{ targets, seconds, warmupMs }`;
 * each party then sends a 20 ms PCMU frame of its own tone every 20 ms to its target and decodes what comes back.
 * Prints one JSON line of totals (a {@link PartyOutput}), counted after the warm-up: frames sent, received, lost
 * (gaps in the RTP timestamps), late (more than LATE_MS behind the stream's timeline as the second before it set
 * it), missing a voice (a received mix in which one of the room's other two tones is absent: what the listener
 * hears as a hole whatever the mixer's own counters say), and how many parties stayed within 0.1 % each.
 *
 * The parties share the machine's cores with the mixer, so the hot loop allocates nothing: each party's socket is
 * connected to its target (no address to resolve per send, and the kernel keeps the route), its packet is one
 * buffer rewritten each frame (a send the kernel could not take at once would go out rewritten by the next frame: at
 * worst a hole counted against the mixer, never for it), its stream's state lives in fixed fields and a ring of the
 * last second's offsets.
 */
import { createSocket, type Socket } from "node:dgram";
import { createInterface } from "node:readline";
import { decodeG711, toneFrames, toneShare } from "@tandem/sdk/testing/media";
import type { PartyOutput } from "./media-bench-load.js";

const LATE_MS = 40;
const FRAME_MS = 20;
const FRAME_SAMPLES = 160;
const RTP_HEADER_BYTES = 12;
/** One tone per seat in a room: each listener should hear the other two (mix-minus). All fit whole 20 ms frames. */
const SEAT_TONES = [400, 700, 1100] as const;
/** A mix in which an expected tone's share of the energy is below this lacks that voice (two equal voices: ~0.5). */
const VOICE_SHARE = 0.2;
/** A party is sustained when no more than this share of its frames is late, lost or missing a voice. */
const SUSTAINED_SHARE = 0.001;
/** Packets of the second before a packet, against whose best arrival it is judged late. */
const WINDOW = 50;

const count = Number(process.argv[2] ?? 3);
/** One second of each seat's tone: 50 frames that loop without a click. */
const seatFrames = SEAT_TONES.map((f) => toneFrames("PCMU", [f], 1000));
const PCMU_LINEAR = decodeG711("PCMU", Uint8Array.from({ length: 256 }, (_, i) => i));

/** What one party sends and what it made of the mix it received. */
class PartyStream {
  readonly packet = Buffer.alloc(RTP_HEADER_BYTES + FRAME_SAMPLES);
  readonly frames: readonly Uint8Array[];
  /** The two tones the party should hear. */
  readonly heard: readonly number[];
  packets = 0;
  /** First RTP timestamp, and the highest seen, extended past wrap-around. */
  first = -1;
  highest = -1;
  late = 0;
  missingVoice = 0;
  /** arrival − media time (ms) of the last WINDOW + 1 packets. */
  private readonly offsets = new Float64Array(WINDOW + 1);
  private filled = 0;

  constructor(readonly seat: number, ssrc: number) {
    this.frames = seatFrames[seat] as Uint8Array[];
    this.heard = SEAT_TONES.filter((_, s) => s !== seat);
    this.packet[0] = 0x80;
    this.packet[1] = 0;
    this.packet.writeUInt32BE(ssrc, 8);
  }

  /** The packet of frame `n` of the party's stream (RTP sequence and timestamp follow n). */
  frame(n: number): Buffer {
    this.packet.writeUInt16BE(n & 0xffff, 2);
    this.packet.writeUInt32BE((n * FRAME_SAMPLES) >>> 0, 4);
    this.packet.set(this.frames[n % this.frames.length] as Uint8Array, RTP_HEADER_BYTES);
    return this.packet;
  }

  /** Counts one received packet of the mix; `checkVoices` while every party is still sending. */
  receive(msg: Buffer, now: number, checkVoices: boolean, samples: Int16Array): void {
    const timestamp = msg.readUInt32BE(4);
    if (this.first < 0) this.first = this.highest = timestamp;
    const ahead = (timestamp - (this.highest >>> 0)) >>> 0;
    const ext = ahead < 0x80000000 ? this.highest + ahead : this.highest - ((2 ** 32 - ahead) >>> 0);
    if (ext > this.highest) this.highest = ext;
    this.packets++;
    const offset = now - (ext - this.first) / 8;
    this.offsets[this.filled % this.offsets.length] = offset;
    this.filled++;
    let best = offset;
    for (let j = Math.min(this.filled, this.offsets.length) - 1; j >= 0; j--) best = Math.min(best, this.offsets[j] as number);
    // Late: more than LATE_MS behind the best arrival of the second before it (a receiver's jitter buffer follows a lasting shift).
    if (offset - best > LATE_MS) this.late++;
    else if (checkVoices && msg.length >= RTP_HEADER_BYTES + FRAME_SAMPLES && !this.hearsBoth(msg, samples)) this.missingVoice++;
  }

  private hearsBoth(msg: Buffer, samples: Int16Array): boolean {
    for (let i = 0; i < FRAME_SAMPLES; i++) samples[i] = PCMU_LINEAR[msg[RTP_HEADER_BYTES + i] as number] as number;
    for (const tone of this.heard) if (toneShare(samples, 0, FRAME_SAMPLES, tone, 8000) < VOICE_SHARE) return false;
    return true;
  }

  /** Frames due (the mixer's RTP clock keeps to real time: a frame never sent is a gap of 160 in the timestamps). */
  get due(): number {
    return this.first < 0 ? 0 : (this.highest - this.first) / FRAME_SAMPLES + 1;
  }
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: "udp4", recvBufferSize: 1 << 20 });
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      socket.off("error", reject);
      // A connected socket hears of an ICMP port-unreachable as an error; the mixer going away is not the parties' concern.
      socket.on("error", () => {});
      resolve(socket);
    });
  });
}

const sockets = await Promise.all(Array.from({ length: count }, open));
const parties = sockets.map((_, i) => new PartyStream(i % SEAT_TONES.length, 0x10000 + i));
const scratch = new Int16Array(FRAME_SAMPLES);
let measuring = false;
let checkingVoices = false;
sockets.forEach((socket, i) => {
  const party = parties[i] as PartyStream;
  socket.on("message", (msg) => {
    // Audio only (PCMU, payload type 0).
    if (!measuring || msg.length < RTP_HEADER_BYTES || ((msg[1] as number) & 0x7f) !== 0) return;
    party.receive(msg, performance.now(), checkingVoices, scratch);
  });
});
process.stdout.write(`${JSON.stringify({ ports: sockets.map((s) => s.address().port) })}\n`);

const lines = createInterface({ input: process.stdin });
// The bench holds stdin open while it runs: once it is gone (ended, or failed before it could stop us), so are we.
lines.once("close", () => process.exit(0));
const command = JSON.parse(await new Promise<string>((resolve) => lines.once("line", resolve))) as { targets: number[]; seconds: number; warmupMs: number };
// Each party only ever talks to its own target: connected, the kernel also drops anything from elsewhere (RTCP).
await Promise.all(sockets.map((s, i) => new Promise<void>((resolve) => s.connect(command.targets[i] as number, "127.0.0.1", resolve))));

let sent = 0;
let senderLate = 0;
let cpuFrom = process.cpuUsage();
let wallFrom = performance.now();
let sequence = 0;
const started = performance.now();
let due = started;
await new Promise<void>((resolve) => {
  const pump = (): void => {
    const now = performance.now();
    if (!measuring && now - started >= command.warmupMs) {
      measuring = checkingVoices = true;
      cpuFrom = process.cpuUsage();
      wallFrom = now;
    }
    while (due <= now) {
      // A frame sent a whole frame late is this process's own stall (the machine), not the mixer's.
      if (measuring && now - due > FRAME_MS) senderLate += sockets.length;
      for (let i = 0; i < sockets.length; i++) (sockets[i] as Socket).send((parties[i] as PartyStream).frame(sequence));
      if (measuring) sent += sockets.length;
      sequence++;
      due += FRAME_MS;
    }
    if (now - started >= command.warmupMs + command.seconds * 1000) return resolve();
    setTimeout(pump, Math.max(0, due - performance.now()));
  };
  pump();
});
const cpu = process.cpuUsage(cpuFrom);
const cpuPercent = (100 * (cpu.user + cpu.system)) / 1000 / Math.max(1, performance.now() - wallFrom);
// The mixes still on their way carry the parties' last frames and then their silence: counted, but not checked for voices.
checkingVoices = false;
await new Promise((r) => setTimeout(r, 300));
measuring = false;

const output: PartyOutput = { parties: parties.length, sent, received: 0, lost: 0, late: 0, missingVoice: 0, silentParties: 0, sustainedParties: 0, senderLate, cpuPercent };
for (const party of parties) {
  const lost = Math.max(0, party.due - party.packets);
  output.received += party.packets;
  output.lost += lost;
  output.late += party.late;
  output.missingVoice += party.missingVoice;
  if (party.packets === 0) output.silentParties++;
  else if (lost + party.late + party.missingVoice <= SUSTAINED_SHARE * party.due) output.sustainedParties++;
}
process.stdout.write(`${JSON.stringify(output)}\n`);
for (const s of sockets) s.close();
process.exit(0);
