/**
 * Runs inside a loopback-only network namespace (spawned by metrics-flood.test.ts). A stack with the real
 * Prometheus registry trusts only 127.0.0.2; 127.0.0.1 sends 20,000 requests whose methods are unique 2 KB
 * tokens, then the trusted 127.0.0.2 sends 2,000 more. Prints one JSON line: the answers seen, the size of the
 * `/metrics` text, the `tandem_sip_*` series, and RSS / heap (each after a full GC): before, after the untrusted
 * flood, and after the trusted one once its per-branch state has expired (T1 is 50 ms here: 64·T1 is 3.2 s, and
 * the maps are swept every 64·T1).
 */
import { createSocket, type Socket } from "node:dgram";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { MetricsRegistry } from "../../core/src/metrics/metrics-registry.js";
import { createSipStack } from "../../core/src/sip/index.js";
import { freePort } from "../support/free-port.js";
import { loopbackSipConfig } from "../support/loopback-sip-config.js";
import { quietLogger } from "../support/test-stack.js";
import { until } from "../support/until.js";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const UNTRUSTED = Number(process.env["FLOOD_UNTRUSTED"] ?? 20_000);
const TRUSTED = Number(process.env["FLOOD_TRUSTED"] ?? 2_000);
const WINDOW = 64;

function memory(): { rssMb: number; heapMb: number } {
  collectGarbage();
  const m = process.memoryUsage();
  return { rssMb: Math.round(m.rss / 1e5) / 10, heapMb: Math.round(m.heapUsed / 1e5) / 10 };
}

/** A unique, valid 2 KB method token (RFC 3261 §25.1 `token`). */
function method(source: string, i: number): string {
  const id = `${source}${i.toString(36)}X`;
  return id + "M".repeat(2048 - id.length);
}

function request(m: string, i: number, from: string, port: number): Buffer {
  const lines = [
    `${m} sip:1001@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP ${from}:9;branch=z9hG4bKflood${i}`,
    `From: <sip:flood@${from}>;tag=f${i}`,
    "To: <sip:1001@127.0.0.1>",
    `Call-ID: flood-${from}-${i}`,
    `CSeq: 1 ${m}`,
    "Max-Forwards: 70",
    "Content-Length: 0",
  ];
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`);
}

/** Sends `count` requests from `from`, at most WINDOW unanswered at a time; returns the answers by status. */
async function flood(from: string, tag: string, count: number, port: number): Promise<Record<string, number>> {
  const socket: Socket = createSocket("udp4");
  await new Promise<void>((r) => socket.bind(0, from, () => r()));
  socket.setRecvBufferSize(4 * 1024 * 1024); // answers are as large as the requests
  const statuses: Record<string, number> = {};
  let answered = 0;
  socket.on("message", (reply) => {
    const status = reply.toString("latin1", 0, 12).split(" ")[1] ?? "?";
    statuses[status] = (statuses[status] ?? 0) + 1;
    answered++;
  });
  for (let i = 0; i < count; i++) {
    socket.send(request(method(tag, i), i, from, port), port, "127.0.0.1");
    if (i - answered >= WINDOW) await until(() => i - answered < WINDOW / 2, 20_000, `answers from ${from}`).catch(() => undefined);
  }
  await until(() => answered >= count, 10_000, "the last answers").catch(() => undefined);
  socket.close();
  return statuses;
}

const port = await freePort();
const registry = new MetricsRegistry({ defaultMetrics: false });
const stack = createSipStack({
  config: loopbackSipConfig(port, { trustedPeers: ["127.0.0.2/32"], timers: { t1: 50, t2: 400, t4: 500 } }),
  logger: quietLogger(),
  metrics: registry.core,
  isServedDn: (user) => user === "1001",
});
await stack.start();
await registry.render();
const before = memory();
const untrusted = await flood("127.0.0.1", "u", UNTRUSTED, port);
const afterUntrusted = memory();
const trusted = await flood("127.0.0.2", "t", TRUSTED, port);
const body = await registry.render();
await new Promise((r) => setTimeout(r, Number(process.env["FLOOD_WAIT"] ?? 10_000)));
const after = memory();
const sipSeries = body.split("\n").filter((line) => line.startsWith("tandem_sip_")).length;
const dropped = /tandem_sip_dropped_total\{reason="untrusted"\} (\d+)/.exec(body)?.[1];
await stack.stop();
console.log(
  JSON.stringify({
    untrusted,
    trusted,
    metricsBytes: Buffer.byteLength(body),
    sipSeries,
    droppedUntrusted: Number(dropped ?? 0),
    before,
    afterUntrusted,
    after,
  }),
);
