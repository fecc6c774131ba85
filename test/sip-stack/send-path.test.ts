/**
 * Where the send path puts responses and large requests:
 * - a response whose request flow is no longer remembered goes where its top Via says: over TCP/TLS to
 *   the sent-by port, never `rport` (RFC 3261 §18.2.2; RFC 3581 §4 applies `rport` to UDP only); over UDP
 *   to `received` + `rport`, or the sent-by port when the Via has no `rport`;
 * - a request too large for UDP whose TCP connect is refused falls back to UDP and keeps its Timer E
 *   retransmissions (RFC 3261 §18.1.1, §17.1.2.2).
 */
import { createSocket } from "node:dgram";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Flow, Target } from "../../core/src/sip/transport/transport-layer.js";
import { SendPath, type SendPathDeps } from "../../core/src/sip/stack/send-path.js";
import { freePort } from "../support/free-port.js";
import { quietLogger, startTestStack } from "../support/test-stack.js";

function response(via: string): string {
  return [
    "SIP/2.0 200 OK",
    `Via: ${via}`,
    "From: <sip:a@127.0.0.1>;tag=1",
    "To: <sip:b@127.0.0.1>;tag=2",
    "Call-ID: send-path-test",
    "CSeq: 1 OPTIONS",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

/** A SendPath over fakes that records where each message was handed. */
function recordingPath(): { path: SendPath; sent: Array<Flow | Target> } {
  const sent: Array<Flow | Target> = [];
  const deps = {
    transport: { send: (_text: string, to: Flow | Target) => (sent.push(to), Promise.resolve(to)) },
    reliability: { outgoing: (_text: string, _peek: unknown, to: Flow | Target) => void sent.push(to) },
    flows: { lookup: () => undefined },
    branches: {},
    metrics: { message: () => undefined },
    logger: quietLogger(),
    logMessages: false,
    viaSentBy: () => "127.0.0.1:5060",
    defaultTransport: "udp",
  } as unknown as SendPathDeps;
  return { path: new SendPath(deps), sent };
}

describe("response destination without a remembered flow", { timeout: 300_000 }, () => {
  it("TCP and TLS: received address, sent-by port; rport ignored (RFC 3261 §18.2.2)", async () => {
    const { path, sent } = recordingPath();
    await path.send(response("SIP/2.0/TCP 10.0.0.9:5099;branch=z9hG4bKtcp1;rport=6000;received=127.0.0.2"));
    await path.send(response("SIP/2.0/TLS 10.0.0.9;branch=z9hG4bKtls1;rport=6001;received=127.0.0.3"));
    assert.deepEqual(sent, [
      { transport: "tcp", address: "127.0.0.2", port: 5099 },
      { transport: "tls", address: "127.0.0.3", port: 5061 },
    ]);
  });
  it("UDP: received + rport, else the sent-by port (RFC 3581 §4)", async () => {
    const { path, sent } = recordingPath();
    await path.send(response("SIP/2.0/UDP 10.0.0.9:5099;branch=z9hG4bKudp1;rport=6000;received=127.0.0.2"));
    await path.send(response("SIP/2.0/UDP 10.0.0.9:5099;branch=z9hG4bKudp2;received=127.0.0.2"));
    assert.deepEqual(sent, [
      { transport: "udp", address: "127.0.0.2", port: 6000 },
      { transport: "udp", address: "127.0.0.2", port: 5099 },
    ]);
  });
});

describe("a large request whose TCP connect is refused", { timeout: 300_000 }, () => {
  it("falls back to UDP and is retransmitted (Timer E)", async (t) => {
    const stack = (await startTestStack({ timers: { t1: 100, t2: 400, t4: 500 } })).stack;
    t.after(() => stack.stop());
    const peerPort = await freePort(); // UDP bound below; nothing listens on TCP: the connect is refused
    const peer = createSocket("udp4");
    t.after(() => peer.close());
    let datagrams = 0;
    peer.on("message", () => datagrams++);
    await new Promise<void>((resolve) => peer.bind(peerPort, "127.0.0.1", resolve));
    const body = "x".repeat(1500); // over udpMtu - 200 = 1100 bytes: §18.1.1 tries TCP first
    void stack.verbs
      .request({ method: "MESSAGE", target: `sip:1001@127.0.0.1:${peerPort}`, body, contentType: "text/plain" })
      .catch(() => undefined);
    // Timer E with T1 = 100 ms: sends at 0, 100, 300, 700 ms.
    await new Promise((r) => setTimeout(r, 900));
    assert.ok(datagrams >= 3, `the peer got ${datagrams} datagram(s), expected the request and its retransmissions`);
  });
});
