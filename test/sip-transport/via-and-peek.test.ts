/**
 * Via `received`/`rport` stamping (RFC 3261 §18.2.1, RFC 3581 §4), proven on the response sip.js
 * itself builds; the outgoing peek; and next-hop selection (RFC 3261 §8.1.2, §18.1.1, §18.2.2).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { constructOutgoingResponse, IncomingRequestMessage } from "sip.js/lib/core/index.js";
import { parseSipMessage } from "../../core/src/sip/parser/parse-message.js";
import type { Flow } from "../../core/src/sip/transport/flow.js";
import { requestNextHop, responseDestination } from "../../core/src/sip/transport/next-hop.js";
import { peekOutgoing } from "../../core/src/sip/transport/outgoing-peek.js";
import { stampVia } from "../../core/src/sip/transport/via-stamp.js";

const FLOW: Flow = { transport: "udp", remoteAddress: "192.0.2.7", remotePort: 40123, localAddress: "127.0.0.1", localPort: 5060 };

function request(via: string): IncomingRequestMessage {
  const text =
    `OPTIONS sip:1001@127.0.0.1 SIP/2.0\r\nVia: ${via}\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:1001@c>\r\n` +
    "Call-ID: x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  const outcome = parseSipMessage(Buffer.from(text), { datagram: true });
  assert.ok(outcome.ok, "test message parses");
  return outcome.message as IncomingRequestMessage;
}

function responseVia(message: IncomingRequestMessage): string {
  const text = constructOutgoingResponse(message, { statusCode: 200, toTag: "t" }).message;
  return /\r\nVia: ([^\r]*)\r\n/.exec(text)?.[1] ?? "";
}

describe("Via stamping (RFC 3261 §18.2.1, RFC 3581 §4)", { timeout: 300_000 }, () => {
  it("adds received when sent-by is a name or another address; sip.js copies it into its response", () => {
    const m = request("SIP/2.0/UDP pbx.example.com:5070;branch=z9hG4bK1");
    assert.equal(stampVia(m, FLOW), true);
    assert.equal(responseVia(m), "SIP/2.0/UDP pbx.example.com:5070;branch=z9hG4bK1;received=192.0.2.7");
  });

  it("fills a bare rport and adds received even when the address matches", () => {
    const m = request("SIP/2.0/UDP 192.0.2.7:5060;rport;branch=z9hG4bK2");
    assert.equal(stampVia(m, FLOW), true);
    assert.equal(responseVia(m), "SIP/2.0/UDP 192.0.2.7:5060;rport=40123;branch=z9hG4bK2;received=192.0.2.7");
    const parsed = m.headers["Via"]?.[0]?.parsed as Record<string, unknown>;
    assert.equal(parsed["received"], "192.0.2.7");
  });

  it("leaves a Via alone when sent-by is the source address and there is no rport", () => {
    const m = request("SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK3");
    assert.equal(stampVia(m, FLOW), false);
    assert.equal(responseVia(m), "SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK3");
  });

  it("stamps only the top value of a comma-joined Via line and replaces a stale received", () => {
    const m = request("SIP/2.0/UDP 10.9.9.9;received=10.1.1.1;branch=z9hG4bK4 , SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0");
    stampVia(m, FLOW);
    const via = responseVia(m).replace(/\s*,\s*/, ", "); // the parser may normalise blanks around the comma
    assert.equal(via, "SIP/2.0/UDP 10.9.9.9;branch=z9hG4bK4;received=192.0.2.7, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0");
  });
});

describe("peekOutgoing", { timeout: 300_000 }, () => {
  it("reads a request: method, R-URI, top Via, CSeq, Call-ID and the first Route element", () => {
    const p = peekOutgoing(
      "INVITE sip:1001@pbx;transport=tcp SIP/2.0\r\nv: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKq;rport, SIP/2.0/UDP x\r\n" +
        "Route: <sip:p1.example.com;lr>, <sip:p2;lr>\r\nRoute: <sip:p3;lr>\r\ni: call-1@h\r\nCSeq: 7 INVITE\r\nContent-Length: 0\r\n\r\nbody",
    );
    assert.deepEqual(
      { ...p },
      {
        isRequest: true,
        method: "INVITE",
        status: 0,
        firstLine: "INVITE sip:1001@pbx;transport=tcp SIP/2.0",
        requestUri: "sip:1001@pbx;transport=tcp",
        topVia: "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKq;rport",
        branch: "z9hG4bKq",
        sentBy: "127.0.0.1:5060",
        viaTransport: "UDP",
        cseq: 7,
        cseqMethod: "INVITE",
        callId: "call-1@h",
        route: "<sip:p1.example.com;lr>",
      },
    );
  });

  it("reads a response: status and the CSeq method as its method", () => {
    const p = peekOutgoing("SIP/2.0 487 Request Terminated\r\nVia: SIP/2.0/TCP [::1]:5070;branch=z9hG4bKr\r\nCSeq: 2 INVITE\r\n\r\n");
    assert.equal(p.isRequest, false);
    assert.equal(p.status, 487);
    assert.equal(p.method, "INVITE");
    assert.equal(p.sentBy, "[::1]:5070");
    assert.equal(p.viaTransport, "TCP");
  });
});

describe("next hop (RFC 3261 §8.1.2, §18.1.1, §18.2.2)", { timeout: 300_000 }, () => {
  const req = (ruri: string, route = "") =>
    peekOutgoing(`BYE ${ruri} SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKn\r\n${route ? `Route: ${route}\r\n` : ""}CSeq: 1 BYE\r\n\r\n`);

  it("uses a loose-routing top Route, else the Request-URI", () => {
    assert.deepEqual(requestNextHop(req("sip:1001@10.0.0.5:5080", "<sip:10.0.0.9;lr;transport=tcp>")), { transport: "tcp", address: "10.0.0.9", port: 5060 });
    assert.deepEqual(requestNextHop(req("sip:10.0.0.9", "<sip:1001@10.0.0.5:5080>")), { transport: "udp", address: "10.0.0.9", port: 5060 });
  });

  it("applies transport, sips and default ports", () => {
    assert.deepEqual(requestNextHop(req("sip:1001@10.0.0.5;transport=TLS")), { transport: "tls", address: "10.0.0.5", port: 5061 });
    assert.deepEqual(requestNextHop(req("sips:1001@[2001:db8::1]:5071")), { transport: "tls", address: "2001:db8::1", port: 5071 });
    assert.deepEqual(requestNextHop(req("sip:1001@pbx.example.com"), "tcp"), { transport: "tcp", address: "pbx.example.com", port: 5060 });
    assert.throws(() => requestNextHop(req("tel:+331234")), /TANDEM_ERR_SIP_TRANSPORT_NO_ROUTE|next hop/);
  });

  it("sends UDP responses to received/rport from the request's socket; TCP ones on the request's connection", () => {
    const res = (via: string) => peekOutgoing(`SIP/2.0 200 OK\r\nVia: ${via}\r\nCSeq: 1 BYE\r\n\r\n`);
    assert.deepEqual(responseDestination(res("SIP/2.0/UDP pbx:5070;rport=40123;received=192.0.2.7;branch=z9hG4bKa"), FLOW), FLOW);
    assert.deepEqual(responseDestination(res("SIP/2.0/UDP pbx:5070;received=192.0.2.7;branch=z9hG4bKa"), FLOW), { ...FLOW, remotePort: 5070 });
    assert.deepEqual(responseDestination(res("SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKa"), undefined), { transport: "udp", address: "10.0.0.3", port: 5060 });
    const tcp: Flow = { ...FLOW, transport: "tcp", connectionId: "tcp-1" };
    assert.equal(responseDestination(res("SIP/2.0/TCP pbx:5070;branch=z9hG4bKa"), tcp), tcp);
    assert.deepEqual(responseDestination(res("SIP/2.0/TLS pbx;received=192.0.2.7;branch=z9hG4bKa"), undefined), { transport: "tls", address: "192.0.2.7", port: 5061 });
  });
});
