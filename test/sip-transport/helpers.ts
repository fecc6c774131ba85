/**
 * Real-socket helpers for transport tests: a TransportLayer on 127.0.0.1 that records what it gets,
 * raw peers, and a self-signed certificate made with openssl in a temp folder.
 */
import { execFileSync } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { Logger } from "@tandem/sdk";
import type { SipListenConfig, SipListenInfo } from "../../core/src/sip/stack-contract.js";
import { TransportLayer, type Flow, type TransportLayerOptions } from "../../core/src/sip/transport/transport-layer.js";
import { quietLogger } from "../support/test-stack.js";
import { until } from "../support/until.js";

/** Silent unless TANDEM_TEST_LOG=1 (the shared test logger). */
export const silentLogger: Logger = quietLogger();

export interface Received {
  text: string;
  flow: Flow;
}

export interface LayerUnderTest {
  layer: TransportLayer;
  infos: SipListenInfo[];
  received: Received[];
  streamErrors: string[];
  port(transport: string): number;
  /** Resolves when `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
}

export async function startLayer(
  t: TestContext,
  listen: SipListenConfig[],
  extra: Partial<TransportLayerOptions> = {},
): Promise<LayerUnderTest> {
  const received: Received[] = [];
  const streamErrors: string[] = [];
  const layer = new TransportLayer({
    listen,
    logger: silentLogger,
    udpMtu: 1300,
    onMessage: (data, flow) => void received.push({ text: data.toString("utf8"), flow }),
    onStreamError: (_flow, reason) => void streamErrors.push(reason),
    ...extra,
  });
  const infos = await layer.start();
  t.after(() => layer.stop());
  return {
    layer,
    infos,
    received,
    streamErrors,
    port: (transport) => infos.find((i) => i.transport === transport)?.port ?? 0,
    waitFor: (count, timeoutMs = 3000) => until(() => received.length >= count, timeoutMs).then(() => received),
  };
}

export { until };

/** A SIP request with a correct Content-Length in bytes. */
export function sipRequest(method: string, branch: string, options: { via?: string; body?: string; transport?: string } = {}): string {
  const body = options.body ?? "";
  const via = options.via ?? `SIP/2.0/${options.transport ?? "TCP"} 127.0.0.1:5999;branch=${branch}`;
  return (
    `${method} sip:1001@127.0.0.1 SIP/2.0\r\nVia: ${via}\r\nFrom: <sip:a@127.0.0.1>;tag=f\r\nTo: <sip:1001@127.0.0.1>\r\n` +
    `Call-ID: ${branch}@test\r\nCSeq: 1 ${method}\r\nMax-Forwards: 70\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

export function sipResponse(status: number, via: string): string {
  return `SIP/2.0 ${status} OK\r\nVia: ${via}\r\nFrom: <sip:a@127.0.0.1>;tag=f\r\nTo: <sip:1001@127.0.0.1>;tag=t\r\nCall-ID: x@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
}

/** A raw TCP client that collects what it receives. */
export async function rawTcpClient(t: TestContext, port: number): Promise<{ socket: net.Socket; data: () => string; closed: () => boolean }> {
  const socket = net.connect({ host: "127.0.0.1", port });
  let buffer = "";
  let closed = false;
  socket.on("data", (d) => (buffer += d.toString("utf8")));
  socket.on("close", () => (closed = true));
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  t.after(() => socket.destroy());
  return { socket, data: () => buffer, closed: () => closed };
}

/** A raw TCP server that counts connections and collects bytes. */
export async function rawTcpServer(t: TestContext, port = 0): Promise<{ port: number; connections: () => number; data: () => string; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  let buffer = "";
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on("data", (d) => (buffer += d.toString("utf8")));
    s.on("error", () => undefined);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", () => resolve()));
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as net.AddressInfo).port, connections: () => sockets.length, data: () => buffer, sockets };
}

/** A raw UDP peer. */
export async function rawUdpPeer(t: TestContext): Promise<{ socket: dgram.Socket; port: number; messages: string[] }> {
  const socket = dgram.createSocket("udp4");
  const messages: string[] = [];
  socket.on("message", (m) => messages.push(m.toString("utf8")));
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  t.after(() => new Promise<void>((r) => socket.close(() => r())));
  return { socket, port: socket.address().port, messages };
}

/** A self-signed certificate for 127.0.0.1 (subjectAltName IP), in a temp folder removed after the test. */
export function selfSignedCert(t: Pick<TestContext, "after">): { dir: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "tandem-tls-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
    { stdio: "ignore" },
  );
  return { dir, cert, key };
}
