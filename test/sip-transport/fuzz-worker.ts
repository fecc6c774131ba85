/**
 * Fuzz worker for `transport-fuzz.test.ts`, run inside a loopback-only network namespace
 * (`unshare -n`): starts a TransportLayer (UDP + TCP), throws thousands of mutated messages at it
 * (truncated, wrong Content-Length, random bytes, huge headers, resets), then checks that it still
 * delivers a valid message on both transports. Prints one JSON line with the figures.
 */
import dgram from "node:dgram";
import net from "node:net";
import { parseSipMessage } from "../../core/src/sip/parser/parse-message.js";
import { TransportLayer } from "../../core/src/sip/transport/transport-layer.js";
import { silentLogger, sipRequest } from "./helpers.js";

const LOOP = "127.0.0.1";
const UDP_MESSAGES = Number(process.env["FUZZ_UDP"] ?? 5000);
const TCP_CONNECTIONS = Number(process.env["FUZZ_TCP"] ?? 200);

function mutate(seed: Buffer): Buffer {
  const kind = Math.floor(Math.random() * 6);
  if (kind === 0) return seed.subarray(0, Math.floor(Math.random() * seed.length)); // truncated
  if (kind === 1) return Buffer.from(seed.toString("latin1").replace(/Content-Length: \d+/, `Content-Length: ${Math.floor(Math.random() * 1e6)}`), "latin1");
  if (kind === 2) return Buffer.concat([seed.subarray(0, 40), Buffer.from(`X-Huge: ${"h".repeat(20_000 + Math.floor(Math.random() * 40_000))}\r\n`), seed.subarray(40)]);
  if (kind === 3) return Buffer.from(Array.from({ length: 1 + Math.floor(Math.random() * 2000) }, () => Math.floor(Math.random() * 256)));
  const out = Buffer.from(seed);
  for (let i = 0; i < 1 + Math.floor(Math.random() * 20); i++) out[Math.floor(Math.random() * out.length)] = Math.floor(Math.random() * 256);
  return out;
}

async function fuzzTcp(port: number, seed: Buffer): Promise<void> {
  await new Promise<void>((resolve) => {
    const s = net.connect({ host: LOOP, port }, () => {
      for (let i = 0; i < 10; i++) s.write(mutate(seed));
      if (Math.random() < 0.5) s.resetAndDestroy();
      else s.end();
    });
    s.on("error", () => undefined);
    s.on("close", () => resolve());
    s.resume();
  });
}

async function main(): Promise<void> {
  let delivered = 0;
  let parsedOk = 0;
  const layer = new TransportLayer({
    listen: [
      { transport: "udp", host: LOOP, port: 0 },
      { transport: "tcp", host: LOOP, port: 0 },
    ],
    logger: silentLogger,
    udpMtu: 1300,
    limits: { maxHeaderBytes: 16 * 1024, maxContentLength: 64 * 1024 },
    onMessage: (data, flow) => {
      delivered++;
      if (parseSipMessage(data, { datagram: flow.transport === "udp" }).ok) parsedOk++;
    },
  });
  const [udp, tcp] = await layer.start();
  const seed = Buffer.from(sipRequest("INVITE", "z9hG4bKfuzz", { transport: "UDP", body: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n" }));
  const sender = dgram.createSocket("udp4");
  for (let i = 0; i < UDP_MESSAGES; i++) {
    const datagram = mutate(seed);
    if (datagram.length > 0 && datagram.length < 65_000) sender.send(datagram, udp!.port, LOOP);
    if (i % 20 === 0) await new Promise((r) => setImmediate(r)); // let the listener read: a fresh netns has 208 KB socket buffers
  }
  for (let c = 0; c < TCP_CONNECTIONS; c += 20) {
    await Promise.all(Array.from({ length: 20 }, () => fuzzTcp(tcp!.port, seed)));
  }
  await new Promise((r) => setTimeout(r, 200));
  const before = delivered;
  const valid = Buffer.from(sipRequest("OPTIONS", "z9hG4bKafter", { transport: "TCP" }));
  sender.send(valid, udp!.port, LOOP);
  const client = net.connect({ host: LOOP, port: tcp!.port }, () => client.write(valid));
  const start = Date.now();
  while (delivered < before + 2 && Date.now() - start < 3000) await new Promise((r) => setTimeout(r, 10));
  const stats = layer.stats();
  client.destroy();
  sender.close();
  await layer.stop();
  const result = {
    udpSent: UDP_MESSAGES,
    tcpConnections: TCP_CONNECTIONS,
    delivered,
    parsedOk,
    framingErrors: stats.framingErrors,
    stillServes: delivered >= before + 2,
    heapMB: Math.round(process.memoryUsage().heapUsed / 1e6),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ crashed: String(error) })}\n`);
  process.exitCode = 1;
});
