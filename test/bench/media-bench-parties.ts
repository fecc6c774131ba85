/**
 * The RTP parties of the media bench, in a process of their own so that their CPU is not counted as the engine's.
 * Opens N UDP sockets on 127.0.0.1 and prints their ports; reads one JSON line `{ targets, seconds, warmupMs }`;
 * each party then sends a 20 ms PCMU frame every 20 ms to its target and records what comes back. Prints one JSON
 * line of totals: frames sent, received, lost (gaps in the RTP timestamps) and late (more than LATE_MS behind the
 * stream's timeline as the second before it set it), counted after the warm-up.
 */
import { createSocket, type Socket } from "node:dgram";
import { createInterface } from "node:readline";
import { toneFrames } from "@tandem/sdk/testing/media";

const LATE_MS = 40;
const count = Number(process.argv[2] ?? 3);
const frames = toneFrames("PCMU", [400, 700, 1100].slice(0, 1), 1000);

interface Received {
  packets: number;
  /** First RTP timestamp, and the highest seen, extended past wrap-around. */
  first: number;
  highest: number;
  /** arrival − media time of each packet (ms), in arrival order. */
  offsets: number[];
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: "udp4", recvBufferSize: 1 << 20 });
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve(socket));
  });
}

const sockets = await Promise.all(Array.from({ length: count }, open));
const received: Received[] = sockets.map(() => ({ packets: 0, first: -1, highest: -1, offsets: [] }));
let measuring = false;
sockets.forEach((socket, i) => {
  socket.on("message", (msg) => {
    // Audio only: RTCP from the engine may land here too (another party's socket can sit right after this one's port).
    if (!measuring || msg.length < 12 || ((msg[1] as number) & 0x7f) !== 0) return;
    const r = received[i] as Received;
    const timestamp = msg.readUInt32BE(4);
    if (r.first < 0) r.first = r.highest = timestamp;
    const ahead = (timestamp - (r.highest >>> 0)) >>> 0;
    const ext = ahead < 0x80000000 ? r.highest + ahead : r.highest - ((2 ** 32 - ahead) >>> 0);
    r.highest = Math.max(r.highest, ext);
    r.packets++;
    r.offsets.push(performance.now() - (ext - r.first) / 8);
  });
});
process.stdout.write(`${JSON.stringify({ ports: sockets.map((s) => s.address().port) })}\n`);

const lines = createInterface({ input: process.stdin });
const command = JSON.parse(await new Promise<string>((resolve) => lines.once("line", resolve))) as { targets: number[]; seconds: number; warmupMs: number };
let sent = 0;
let sequence = 0;
const started = performance.now();
let due = started;
await new Promise<void>((resolve) => {
  const pump = (): void => {
    const now = performance.now();
    if (!measuring && now - started >= command.warmupMs) measuring = true;
    while (due <= now) {
      const payload = frames[sequence % frames.length] as Uint8Array;
      for (let i = 0; i < sockets.length; i++) {
        const packet = Buffer.allocUnsafe(12 + payload.length);
        packet[0] = 0x80;
        packet[1] = 0;
        packet.writeUInt16BE(sequence & 0xffff, 2);
        packet.writeUInt32BE((sequence * 160) >>> 0, 4);
        packet.writeUInt32BE(0x10000 + i, 8);
        packet.set(payload, 12);
        (sockets[i] as Socket).send(packet, command.targets[i] as number, "127.0.0.1");
        if (measuring) sent++;
      }
      sequence++;
      due += 20;
    }
    if (now - started >= command.warmupMs + command.seconds * 1000) return resolve();
    setTimeout(pump, Math.max(0, due - performance.now()));
  };
  pump();
});
await new Promise((r) => setTimeout(r, 300));
measuring = false;
let packets = 0;
let expected = 0;
let late = 0;
for (const r of received) {
  if (r.first < 0) continue;
  packets += r.packets;
  // The engine's RTP clock keeps to real time: a frame it never sent is a gap of 160 in the timestamps.
  expected += (r.highest - r.first) / 160 + 1;
  // Late: more than LATE_MS behind the best arrival of the second before it (a receiver's jitter buffer follows a lasting shift).
  for (let k = 0; k < r.offsets.length; k++) {
    let best = Infinity;
    for (let j = Math.max(0, k - 50); j <= k; j++) best = Math.min(best, r.offsets[j] as number);
    if ((r.offsets[k] as number) - best > LATE_MS) late++;
  }
}
process.stdout.write(`${JSON.stringify({ sent, received: packets, lost: Math.max(0, expected - packets), late, silentParties: received.filter((r) => r.first < 0).length })}\n`);
for (const s of sockets) s.close();
process.exit(0);
