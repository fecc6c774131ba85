/**
 * The RTP parties of the media bench, in a process of their own so that their CPU is not counted as the engine's.
 * Opens N UDP sockets on 127.0.0.1 and prints their ports; reads one JSON line `{ targets, seconds, warmupMs }`;
 * each party then sends a 20 ms PCMU frame every 20 ms to its target and records what comes back. Prints one JSON
 * line of totals: frames sent, received, lost (sequence gaps) and late (more than LATE_MS behind the stream's own
 * timeline), counted after the warm-up.
 */
import { createSocket, type Socket } from "node:dgram";
import { createInterface } from "node:readline";
import { toneFrames } from "@tandem/sdk/testing/media";

const LATE_MS = 40;
const count = Number(process.argv[2] ?? 3);
const frames = toneFrames("PCMU", [400, 700, 1100].slice(0, 1), 1000);

interface Received {
  first: number;
  highest: number;
  packets: number;
  /** arrival − media time of each packet (ms), to find the late ones against the best one. */
  offsets: number[];
  firstTimestamp: number;
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: "udp4", recvBufferSize: 1 << 20 });
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve(socket));
  });
}

const sockets = await Promise.all(Array.from({ length: count }, open));
const received: Received[] = sockets.map(() => ({ first: -1, highest: -1, packets: 0, offsets: [], firstTimestamp: 0 }));
let measuring = false;
sockets.forEach((socket, i) => {
  socket.on("message", (msg) => {
    // RTCP from the engine may land here too (another party's socket can have the port after this one's RTP port).
    if (!measuring || msg.length < 12 || ((msg[1] as number) >= 200 && (msg[1] as number) <= 204)) return;
    const r = received[i] as Received;
    const seq = msg.readUInt16BE(2);
    const timestamp = msg.readUInt32BE(4);
    if (r.first < 0) {
      r.first = seq;
      r.highest = seq;
      r.firstTimestamp = timestamp;
    }
    // Extend the 16-bit sequence number past wrap-around (RFC 3550 Appendix A.1).
    let ext = r.highest + ((seq - r.highest) & 0xffff);
    if (((seq - r.highest) & 0xffff) >= 0x8000) ext = r.highest - ((r.highest - seq) & 0xffff);
    if (ext > r.highest) r.highest = ext;
    r.packets++;
    r.offsets.push(performance.now() - ((timestamp - r.firstTimestamp) >>> 0) / 8);
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
  expected += r.highest - r.first + 1;
  const best = Math.min(...r.offsets);
  late += r.offsets.filter((o) => o - best > LATE_MS).length;
}
process.stdout.write(`${JSON.stringify({ sent, received: packets, lost: Math.max(0, expected - packets), late, silentParties: received.filter((r) => r.first < 0).length })}\n`);
for (const s of sockets) s.close();
process.exit(0);
