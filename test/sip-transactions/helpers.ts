/**
 * Test helpers for the reliability layer: a silent logger, hand-built sip.js incoming messages (the
 * layer reads only `method`, `viaBranch`, `statusCode` and the raw top Via), and outgoing texts.
 */
import { mock } from "node:test";
import type { Logger } from "@tandem/sdk";
import { IncomingRequestMessage, IncomingResponseMessage } from "sip.js/lib/core/index.js";
import type { Flow, Target } from "../../core/src/sip/transport/flow.js";
import { peekOutgoing } from "../../core/src/sip/transport/outgoing-peek.js";
import { ReliabilityLayer } from "../../core/src/sip/transactions/reliability-layer.js";
import { quietLogger } from "../support/test-stack.js";

/** Silent unless TANDEM_TEST_LOG=1 (the shared test logger). */
export const silentLogger: Logger = quietLogger();

export const PEER: Target = { transport: "udp", address: "127.0.0.1", port: 5070 };
export const PEER_FLOW: Flow = { transport: "udp", remoteAddress: "127.0.0.1", remotePort: 5070, localAddress: "127.0.0.1", localPort: 5060 };

export interface Sent {
  at: number;
  text: string;
  to: Flow | Target;
}

export function makeLayer(options: { udpMtu?: number } = {}): { layer: ReliabilityLayer; sent: Sent[] } {
  const sent: Sent[] = [];
  const layer = new ReliabilityLayer({
    timers: { t1: 500, t2: 4000, t4: 5000 },
    send: (text, to) => void sent.push({ at: Date.now(), text, to }),
    logger: silentLogger,
    clock: Date.now, // mock.timers fakes Date, not performance.now
    ...options,
  });
  return { layer, sent };
}

/** Our outgoing request (what sip.js would hand its transport). */
export function ourRequest(method: string, branch: string, cseqMethod = method): string {
  return (
    `${method} sip:1001@127.0.0.1:5070 SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:5060;branch=${branch};rport\r\n` +
    `To: <sip:1001@127.0.0.1>\r\nFrom: <sip:tandem@127.0.0.1>;tag=ft\r\nCall-ID: c1\r\n` +
    `CSeq: 1 ${cseqMethod}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`
  );
}

/** Our outgoing response to a peer's request whose top Via is `via`. */
export function ourResponse(status: number, via: string, cseqMethod: string): string {
  return (
    `SIP/2.0 ${status} Reason\r\nVia: ${via}\r\nTo: <sip:1001@127.0.0.1>;tag=tt\r\n` +
    `From: <sip:peer@127.0.0.1>;tag=pf\r\nCall-ID: c2\r\nCSeq: 1 ${cseqMethod}\r\nContent-Length: 0\r\n\r\n`
  );
}

export function send(layer: ReliabilityLayer, text: string, to: Flow | Target = PEER): void {
  layer.outgoing(text, peekOutgoing(text), to);
}

/** A response from the peer to one of our requests. */
export function peerResponse(status: number, branch: string, method: string): IncomingResponseMessage {
  const m = new IncomingResponseMessage();
  m.statusCode = status;
  m.method = method;
  m.viaBranch = branch;
  m.addHeader("Via", `SIP/2.0/UDP 127.0.0.1:5060;branch=${branch}`);
  return m;
}

/** A request from the peer. */
export function peerRequest(method: string, via: string): IncomingRequestMessage {
  const m = new IncomingRequestMessage();
  m.method = method;
  m.addHeader("Via", via);
  const b = /branch=([^;,\s]+)/.exec(via);
  m.viaBranch = b?.[1] ?? "";
  return m;
}

/** Times (ms since start) of the messages whose start line begins with `prefix`. */
export function times(sent: Sent[], prefix: string): number[] {
  return sent.filter((s) => s.text.startsWith(prefix)).map((s) => s.at);
}

/** Advances the fake clock 1 ms at a time, so every timer fires at its own instant (tick(n) would fire them all at t+n). */
export function advance(ms: number): void {
  for (let i = 0; i < ms; i++) mock.timers.tick(1);
}
