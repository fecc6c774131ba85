/**
 * Runs inside a loopback-only network namespace (spawned by torture.test.ts). Each RFC 4475 message is
 * fired over UDP from its own socket at a fresh stack (the corpus reuses branch values, and a shared
 * stack would rightly treat a reused branch as a retransmission); the replies are collected. Then all
 * messages are fired at one stack, which must still answer OPTIONS. Prints one JSON line.
 */
import { createSocket, type Socket } from "node:dgram";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startTestStack } from "../support/test-stack.js";
import { corpusDir } from "../sip-parser/torture-corpus.js";


const sockets: Socket[] = [];

/** Sends from a new socket and collects the distinct start lines that come back. */
async function fire(data: Buffer, port: number, waitMs: number): Promise<string[]> {
  const socket = createSocket("udp4");
  sockets.push(socket);
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  const replies = new Set<string>();
  socket.on("message", (reply) => replies.add(reply.toString("latin1").split("\r\n")[0] ?? ""));
  socket.send(data, port, "127.0.0.1");
  await new Promise((r) => setTimeout(r, waitMs));
  return [...replies];
}

function optionsPing(port: number): Buffer {
  const lines = [
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
    "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKpingafter1",
    "From: <sip:ping@127.0.0.1>;tag=a1",
    "To: <sip:127.0.0.1>",
    "Call-ID: ping-after@127.0.0.1",
    "CSeq: 1 OPTIONS",
    "Max-Forwards: 70",
    "Content-Length: 0",
  ];
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`);
}

const only = process.env.TORTURE_ONLY?.split(",");
const files = readdirSync(corpusDir).filter((f) => f.endsWith(".dat") && (!only || only.includes(f))).sort();
const results: Record<string, string[]> = {};
for (const file of files) {
  const t = await startTestStack({ trustedPeers: [], served: ["1001"], shards: 1 });
  results[file] = await fire(readFileSync(join(corpusDir, file)), t.port, 150);
  await t.stack.stop();
}

const shared = await startTestStack({ trustedPeers: [], served: ["1001"] });
for (const file of files) await fire(readFileSync(join(corpusDir, file)), shared.port, 5);
const after = await fire(optionsPing(shared.port), shared.port, 300);
const parseErrors = shared.stack.stats().parseErrors;
await shared.stack.stop();
for (const socket of sockets) socket.close();
console.log(JSON.stringify({ results, after, parseErrors }));
