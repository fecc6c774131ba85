/**
 * Runs inside a loopback-only namespace (spawned by fuzz.test.ts): a stack answers calls while sipp
 * drives a call run and thousands of mutated messages hit the UDP and TCP ports. Prints one JSON line.
 */
import { createSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startTestStack, testSdp } from "../support/test-stack.js";
import { mutate, prng, seedMessages } from "./fuzz-mutator.js";
import { corpusDir } from "../sip-parser/torture-corpus.js";

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const udpCount = Number(process.env.FUZZ_UDP ?? 30000);
const tcpCount = Number(process.env.FUZZ_TCP ?? 10000);
const rnd = prng(seed);

const t = await startTestStack({ trustedPeers: [] });
t.stack.verbs.onInvite(async (invite) => {
  await invite.accept({ sdp: testSdp() });
  return true;
});

const seeds = [...seedMessages(t.port), ...readdirSync(corpusDir).filter((f) => f.endsWith(".dat")).map((f) => readFileSync(join(corpusDir, f)))];
const any = (): Buffer => seeds[Math.floor(rnd() * seeds.length)]!;

const calls = runSipp({ scenario: "uac-call.xml", remote: `127.0.0.1:${t.port}`, localPort: await freePort(), service: "1001", calls: 100, rate: 10, timeoutS: 50 });

async function fuzzUdp(): Promise<void> {
  const socket = createSocket("udp4");
  socket.on("message", () => undefined);
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  for (let i = 0; i < udpCount; i++) {
    socket.send(mutate(any(), rnd, any()), t.port, "127.0.0.1");
    if (i % 25 === 24) await new Promise((r) => setTimeout(r, 5));
  }
  socket.close();
}

async function fuzzTcp(): Promise<void> {
  let conn: Socket | undefined;
  for (let i = 0; i < tcpCount; i++) {
    if (!conn || conn.destroyed) {
      conn = connect(t.port, "127.0.0.1");
      conn.on("error", () => undefined);
      conn.on("data", () => undefined);
      await new Promise((r) => setTimeout(r, 2));
    }
    conn.write(mutate(any(), rnd, any()));
    if (i % 25 === 24) await new Promise((r) => setTimeout(r, 5));
    if (rnd() < 0.01) conn.destroy();
  }
  conn?.destroy();
}

const started = Date.now();
await Promise.all([fuzzUdp(), fuzzTcp()]);
const fuzzMs = Date.now() - started;
const sipp = await calls;

// Still alive: a clean OPTIONS ping must get 200.
const ping = createSocket("udp4");
const answer = new Promise<string>((r) => ping.once("message", (m) => r(m.toString("latin1").split("\r\n")[0] ?? "")));
await new Promise<void>((r) => ping.bind(0, "127.0.0.1", () => r()));
ping.send(seedMessages(t.port)[1]!.toString("latin1").replace(/OPTIONS sip:1001@/, "OPTIONS sip:"), t.port, "127.0.0.1");
const alive = await Promise.race([answer, new Promise<string>((r) => setTimeout(() => r("timeout"), 2000))]);
ping.close();
const stats = t.stack.stats();
killAllSipp();
await t.stack.stop();
console.log(JSON.stringify({ seed, udpCount, tcpCount, fuzzMs, sipp: { successful: sipp.successful, failed: sipp.failed, errors: sipp.errors.slice(0, 1000) }, alive, stats }));
