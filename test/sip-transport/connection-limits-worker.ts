/**
 * Worker for `connection-limits.test.ts`, run inside a loopback-only network namespace (`unshare -n`), where every
 * 127.x.y.z address is ours, so 127.0.0.3 can play an untrusted host. A TransportLayer with TCP and TLS listeners
 * (message time-out 500 ms, 4 connections per source, 127.0.0.3 untrusted) meets: a half-sent header section, a
 * body shorter than its Content-Length, a TLS handshake never begun, a slow but steady sender, a keep-alive pong and then silence, an
 * untrusted source (TCP and TLS), and one source opening more connections than it may. Then a full SIP stack
 * whose `sip.trustedPeers` leaves out 127.0.0.3 and whose `sip.connections` sets the time-out. Prints one JSON line.
 */
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { MetricsRegistry } from "../../core/src/metrics/metrics-registry.js";
import { createSipStack } from "../../core/src/sip/index.js";
import { TransportLayer } from "../../core/src/sip/transport/transport-layer.js";
import { freePort } from "../support/free-port.js";
import { loopbackSipConfig } from "../support/loopback-sip-config.js";
import { quietLogger } from "../support/test-stack.js";
import { selfSignedCert, silentLogger, sipRequest, until } from "./helpers.js";

const MESSAGE_TIMEOUT_MS = 500;
const WATCH_MS = 3000;
const cleanups: Array<() => void | Promise<void>> = [];

interface Peer {
  socket: net.Socket;
  opened: number;
  closedAt: number | undefined;
  data: string;
}

function watch(socket: net.Socket): Peer {
  const peer: Peer = { socket, opened: Date.now(), closedAt: undefined, data: "" };
  socket.on("data", (d: Buffer) => (peer.data += d.toString()));
  socket.on("error", () => undefined);
  socket.on("close", () => (peer.closedAt = Date.now()));
  cleanups.push(() => void socket.destroy());
  return peer;
}

async function tcpFrom(localAddress: string, port: number): Promise<Peer> {
  const peer = watch(net.connect({ host: "127.0.0.1", port, localAddress }));
  await new Promise<void>((r) => peer.socket.once("connect", () => r()));
  return peer;
}

/** How long the peer stayed open (ms), or null when it was still open after WATCH_MS. */
async function lifetime(peer: Peer, watchMs = WATCH_MS): Promise<number | null> {
  await until(() => peer.closedAt !== undefined, watchMs).catch(() => undefined);
  return peer.closedAt === undefined ? null : peer.closedAt - peer.opened;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function layerCases(): Promise<Record<string, unknown>> {
  const { dir, cert } = selfSignedCert({ after: (fn) => void cleanups.push(fn as () => void) });
  const delivered: string[] = [];
  const layer = new TransportLayer({
    listen: [
      { transport: "tcp", host: "127.0.0.1", port: 0 },
      { transport: "tls", host: "127.0.0.1", port: 0, cert: "cert.pem", key: "key.pem" },
    ],
    baseDir: dir,
    logger: silentLogger,
    udpMtu: 1300,
    messageTimeoutMs: MESSAGE_TIMEOUT_MS,
    maxConnectionsPerSource: 4,
    acceptFrom: (address) => address !== "127.0.0.3",
    onMessage: (data, flow) => void delivered.push(`${flow.remoteAddress} ${data.toString("latin1")}`),
  });
  const [tcp, tlsInfo] = await layer.start();
  const port = tcp!.port;
  const out: Record<string, unknown> = {};

  const half = await tcpFrom("127.0.0.1", port);
  half.socket.write("OPTIONS sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKhalf\r\n");
  const short = await tcpFrom("127.0.0.1", port);
  short.socket.write(sipRequest("MESSAGE", "z9hG4bKshort", { body: "x".repeat(1000) }).slice(0, -990));
  const steady = await tcpFrom("127.0.0.1", port);
  const pong = await tcpFrom("127.0.0.1", port);
  pong.socket.write("\r\n");
  // Five whole messages, each in two halves 300 ms apart: every one completes within the time-out.
  for (let i = 0; i < 5; i++) {
    const text = sipRequest("OPTIONS", `z9hG4bKsteady${i}`);
    steady.socket.write(text.slice(0, 40));
    await pause(300);
    steady.socket.write(text.slice(40));
  }
  out["halfHeaderOpenMs"] = await lifetime(half);
  out["shortBodyOpenMs"] = await lifetime(short);
  const steadyCount = (): number => delivered.filter((d) => d.includes("z9hG4bKsteady")).length;
  await until(() => steadyCount() >= 5, 2000).catch(() => undefined);
  out["steadyClosed"] = steady.closedAt !== undefined;
  out["steadyDelivered"] = steadyCount();
  out["pongClosed"] = pong.closedAt !== undefined;
  for (const peer of [steady, pong]) peer.socket.destroy();

  const untrusted = await tcpFrom("127.0.0.3", port);
  untrusted.socket.write(sipRequest("OPTIONS", "z9hG4bKuntrusted"));
  out["untrustedTcpOpenMs"] = await lifetime(untrusted, 2000);
  const raw = net.connect({ host: "127.0.0.1", port: tlsInfo!.port, localAddress: "127.0.0.3" });
  raw.on("error", () => undefined);
  const untrustedTls = watch(tls.connect({ socket: raw, ca: readFileSync(cert) }));
  let handshook = false;
  untrustedTls.socket.once("secureConnect", () => (handshook = true));
  out["untrustedTlsOpenMs"] = await lifetime(untrustedTls, 2000);
  out["untrustedTlsHandshook"] = handshook;
  const partialTls = watch(tls.connect({ host: "127.0.0.1", port: tlsInfo!.port, ca: readFileSync(cert) }));
  await new Promise<void>((r) => partialTls.socket.once("secureConnect", () => r()));
  partialTls.opened = Date.now();
  partialTls.socket.write("INVITE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5999");
  out["halfHeaderTlsOpenMs"] = await lifetime(partialTls);
  // A TCP connection to the TLS port that never starts its handshake is held no longer than a half message.
  const silentTls = await tcpFrom("127.0.0.1", tlsInfo!.port);
  out["silentHandshakeOpenMs"] = await lifetime(silentTls);

  const many: Peer[] = [];
  for (let i = 0; i < 6; i++) many.push(await tcpFrom("127.0.0.2", port));
  await pause(300);
  out["perSourceOpen"] = many.filter((p) => p.closedAt === undefined).length;
  many.find((p) => p.closedAt === undefined)?.socket.destroy();
  await pause(200);
  const again = await tcpFrom("127.0.0.2", port);
  await pause(300);
  out["perSourceAgainOpen"] = again.closedAt === undefined;
  out["delivered"] = delivered;
  out["stats"] = layer.stats();
  await layer.stop();
  return out;
}

async function stackCases(): Promise<Record<string, unknown>> {
  const port = await freePort();
  const registry = new MetricsRegistry({ defaultMetrics: false });
  const config = loopbackSipConfig(port, { trustedPeers: ["127.0.0.1/32", "127.0.0.2/32"], connections: { messageTimeoutMs: MESSAGE_TIMEOUT_MS } });
  const t = { port, stack: createSipStack({ config, logger: quietLogger(), metrics: registry.core, isServedDn: () => true }) };
  await t.stack.start();
  const out: Record<string, unknown> = {};
  const untrusted = await tcpFrom("127.0.0.3", t.port);
  untrusted.socket.write(sipRequest("OPTIONS", "z9hG4bKstack-untrusted"));
  out["untrustedOpenMs"] = await lifetime(untrusted, 2000);
  out["untrustedAnswer"] = untrusted.data;
  const half = await tcpFrom("127.0.0.1", t.port);
  half.socket.write("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKstack-half\r\n");
  out["halfHeaderOpenMs"] = await lifetime(half);
  const trusted = await tcpFrom("127.0.0.2", t.port);
  trusted.socket.write(sipRequest("OPTIONS", "z9hG4bKstack-trusted").replace("sip:1001@", "sip:"));
  await until(() => trusted.data.includes("\r\n\r\n"), 3000).catch(() => undefined);
  out["trustedAnswer"] = trusted.data.split("\r\n")[0];
  out["metrics"] = (await registry.render()).split("\n").filter((line) => line.startsWith("tandem_sip_stream_"));
  await t.stack.stop();
  return out;
}

try {
  const layer = await layerCases();
  const stack = await stackCases();
  console.log(JSON.stringify({ layer, stack }));
} finally {
  for (const cleanup of cleanups) await cleanup();
}
