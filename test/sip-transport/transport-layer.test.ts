/**
 * The transport layer over real sockets on 127.0.0.1: UDP, TCP (split and coalesced writes,
 * keep-alives), TLS, connection reuse, responses on the arriving connection (RFC 3261 §18.2.2),
 * several listeners at once.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import tls from "node:tls";
import { describe, it } from "node:test";
import { constructOutgoingResponse, IncomingRequestMessage } from "sip.js/lib/core/index.js";
import { parseSipMessage } from "../../core/src/sip/parser/parse-message.js";
import { responseDestination } from "../../core/src/sip/transport/next-hop.js";
import { peekOutgoing } from "../../core/src/sip/transport/outgoing-peek.js";
import { stampVia } from "../../core/src/sip/transport/via-stamp.js";
import { rawTcpClient, rawTcpServer, rawUdpPeer, selfSignedCert, sipRequest, sipResponse, startLayer, until } from "./helpers.js";

const LOOP = "127.0.0.1";

for (const udpThread of [false, true]) describe(`UDP (RFC 3261 §18.3: one datagram, one message), sockets ${udpThread ? "in their own thread" : "in the SIP thread"}`, { timeout: 300_000 }, () => {
  it("delivers datagrams with their flow, answers on that flow and drops CRLF keep-alives", async (t) => {
    const l = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }], { udpThread });
    const peer = await rawUdpPeer(t);
    peer.socket.send("\r\n\r\n", l.port("udp"), LOOP);
    peer.socket.send(sipRequest("OPTIONS", "z9hG4bKu1", { transport: "UDP" }), l.port("udp"), LOOP);
    const [got] = await l.waitFor(1);
    assert.ok(got);
    assert.match(got.text, /^OPTIONS /);
    assert.deepEqual(got.flow, { transport: "udp", remoteAddress: LOOP, remotePort: peer.port, localAddress: LOOP, localPort: l.port("udp") });
    const used = await l.layer.send(sipResponse(200, "SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKu1"), got.flow);
    assert.deepEqual(used, got.flow);
    await until(() => peer.messages.length === 1);
    assert.match(peer.messages[0] ?? "", /^SIP\/2.0 200/);
    assert.equal(l.layer.stats().keepAlives, 1);
    assert.equal(l.received.length, 1);
  });

  it("stamps received/rport (RFC 3581) and the response reaches the real source port, not the Via's", async (t) => {
    const l = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }], { udpThread });
    const peer = await rawUdpPeer(t);
    // sent-by names a host and port we must not use: only the packet's source is reachable.
    peer.socket.send(sipRequest("OPTIONS", "z9hG4bKu3", { via: "SIP/2.0/UDP 10.255.255.1:5999;rport;branch=z9hG4bKu3" }), l.port("udp"), LOOP);
    const [got] = await l.waitFor(1);
    const outcome = parseSipMessage(Buffer.from(got!.text), { datagram: true });
    assert.ok(outcome.ok && outcome.message instanceof IncomingRequestMessage);
    assert.equal(stampVia(outcome.message, got!.flow), true);
    const response = constructOutgoingResponse(outcome.message, { statusCode: 200, toTag: "t" }).message;
    const peek = peekOutgoing(response);
    await l.layer.send(response, responseDestination(peek, got!.flow));
    await until(() => peer.messages.length === 1);
    assert.match(peer.messages[0] ?? "", new RegExp(`\r\nVia: SIP/2.0/UDP 10.255.255.1:5999;rport=${peer.port};branch=z9hG4bKu3;received=127.0.0.1\r\n`));
  });

  it("sends to a Target from the listener socket", async (t) => {
    const l = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }], { udpThread });
    const peer = await rawUdpPeer(t);
    const flow = await l.layer.send(sipRequest("OPTIONS", "z9hG4bKu2", { transport: "UDP" }), { transport: "udp", address: LOOP, port: peer.port });
    assert.equal(flow.localPort, l.port("udp"));
    await until(() => peer.messages.length === 1);
  });
});

describe("TCP (RFC 3261 §18.3 framing, RFC 5626 §4.4.1 keep-alives)", { timeout: 300_000 }, () => {
  it("frames split and coalesced writes, answers CRLFCRLF with CRLF, responds on the arriving connection", async (t) => {
    const l = await startLayer(t, [{ transport: "tcp", host: LOOP, port: 0 }]);
    const client = await rawTcpClient(t, l.port("tcp"));
    const body = "v=0\r\ns=ü\r\n";
    const one = sipRequest("INVITE", "z9hG4bKt1", { body });
    const two = sipRequest("OPTIONS", "z9hG4bKt2");
    const bytes = Buffer.from(`\r\n\r\n${one}${two}`);
    for (const [a, b] of [[0, 3], [3, 50], [50, bytes.length - 10], [bytes.length - 10, bytes.length]] as const) {
      client.socket.write(bytes.subarray(a, b));
      await new Promise((r) => setTimeout(r, 10));
    }
    const got = await l.waitFor(2);
    assert.equal(got[0]?.text, one);
    assert.equal(got[1]?.text, two);
    assert.equal(got[0]?.flow.transport, "tcp");
    assert.equal(got[0]?.flow.connectionId, got[1]?.flow.connectionId);
    await until(() => client.data() === "\r\n");
    await l.layer.send(sipResponse(200, "SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKt2"), got[1]!.flow);
    await until(() => client.data().includes("SIP/2.0 200"));
    assert.equal(l.layer.stats().connections, 1);
  });

  it("reuses one connection per peer for requests to a Target", async (t) => {
    const l = await startLayer(t, [{ transport: "tcp", host: LOOP, port: 0 }]);
    const server = await rawTcpServer(t);
    const target = { transport: "tcp" as const, address: LOOP, port: server.port };
    const [a, b] = await Promise.all([l.layer.send(sipRequest("OPTIONS", "z9hG4bKr1"), target), l.layer.send(sipRequest("OPTIONS", "z9hG4bKr2"), target)]);
    const c = await l.layer.send(sipRequest("OPTIONS", "z9hG4bKr3"), target);
    assert.equal(a.connectionId, b.connectionId);
    assert.equal(a.connectionId, c.connectionId);
    await until(() => (server.data().match(/^OPTIONS sip:/gm) ?? []).length === 3);
    assert.equal(server.connections(), 1);
  });

  it("a request arriving on a connection opened to us is answered on it, and requests to that peer address reuse it", async (t) => {
    const l = await startLayer(t, [{ transport: "tcp", host: LOOP, port: 0 }]);
    const client = await rawTcpClient(t, l.port("tcp"));
    client.socket.write(sipRequest("OPTIONS", "z9hG4bKa1"));
    const [got] = await l.waitFor(1);
    const flow = await l.layer.send(sipRequest("BYE", "z9hG4bKa2"), { transport: "tcp", address: LOOP, port: got!.flow.remotePort });
    assert.equal(flow.connectionId, got!.flow.connectionId);
    await until(() => client.data().includes("BYE sip:"));
  });

  it("when the request's connection is gone, the response opens one to the Via sent-by (RFC 3261 §18.2.2)", async (t) => {
    const l = await startLayer(t, [{ transport: "tcp", host: LOOP, port: 0 }]);
    const sentBy = await rawTcpServer(t);
    const client = await rawTcpClient(t, l.port("tcp"));
    const via = `SIP/2.0/TCP 127.0.0.1:${sentBy.port};branch=z9hG4bKg1`;
    client.socket.write(sipRequest("OPTIONS", "z9hG4bKg1", { via }));
    const [got] = await l.waitFor(1);
    client.socket.destroy();
    await until(() => l.layer.stats().connections === 0);
    const used = await l.layer.send(sipResponse(200, `${via};received=127.0.0.1`), got!.flow);
    assert.equal(used.remotePort, sentBy.port);
    await until(() => sentBy.data().includes("SIP/2.0 200"));
  });

  it("closes idle connections after the configured time", async (t) => {
    const l = await startLayer(t, [{ transport: "tcp", host: LOOP, port: 0 }], { idleTimeoutMs: 200 });
    const client = await rawTcpClient(t, l.port("tcp"));
    client.socket.write(sipRequest("OPTIONS", "z9hG4bKi1"));
    await l.waitFor(1);
    await until(() => client.closed(), 2000);
    assert.equal(l.layer.stats().connections, 0);
  });

  it("rejects a send to a port where nobody listens with a coded 503 error", async (t) => {
    const l = await startLayer(t, [{ transport: "tcp", host: LOOP, port: 0 }]);
    await assert.rejects(l.layer.send(sipRequest("OPTIONS", "z9hG4bKx1"), { transport: "tcp", address: LOOP, port: 1 }), (e: Error & { code?: string; sipStatus?: number }) => {
      assert.equal(e.code, "TANDEM_ERR_SIP_TRANSPORT_CONNECT");
      assert.equal(e.sipStatus, 503);
      return true;
    });
    assert.equal(l.layer.stats().connectFailures, 1);
  });
});

describe("TLS", { timeout: 300_000 }, () => {
  it("accepts TLS with a PEM cert/key, and connects out to a TLS peer it trusts (ca)", async (t) => {
    const { dir, cert, key } = selfSignedCert(t);
    const server = await startLayer(t, [{ transport: "tls", host: LOOP, port: 0, cert: "cert.pem", key: "key.pem" }], { baseDir: dir });
    const socket = tls.connect({ host: LOOP, port: server.port("tls"), ca: readFileSync(cert) });
    t.after(() => socket.destroy());
    let answer = "";
    socket.on("data", (d) => (answer += d.toString()));
    await new Promise<void>((r) => socket.once("secureConnect", () => r()));
    socket.write(sipRequest("OPTIONS", "z9hG4bKs1", { transport: "TLS" }));
    const [got] = await server.waitFor(1);
    assert.equal(got?.flow.transport, "tls");
    await server.layer.send(sipResponse(200, "SIP/2.0/TLS 127.0.0.1;branch=z9hG4bKs1"), got!.flow);
    await until(() => answer.includes("SIP/2.0 200"));

    const client = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }], { tlsClient: { ca: readFileSync(cert) } });
    const flow = await client.layer.send(sipRequest("OPTIONS", "z9hG4bKs2", { transport: "TLS" }), { transport: "tls", address: LOOP, port: server.port("tls") });
    assert.equal(flow.transport, "tls");
    await server.waitFor(2);
    assert.ok(key);
  });

  it("refuses an untrusted TLS peer with TANDEM_ERR_SIP_TRANSPORT_CONNECT", async (t) => {
    const { dir } = selfSignedCert(t);
    const server = await startLayer(t, [{ transport: "tls", host: LOOP, port: 0, cert: "cert.pem", key: "key.pem" }], { baseDir: dir });
    const client = await startLayer(t, [{ transport: "tcp", host: LOOP, port: 0 }]);
    await assert.rejects(client.layer.send(sipRequest("OPTIONS", "z9hG4bKs3"), { transport: "tls", address: LOOP, port: server.port("tls") }), /TANDEM_ERR_SIP_TRANSPORT_CONNECT|cannot connect/);
  });

  it("a missing certificate file fails start with TANDEM_ERR_SIP_TRANSPORT_TLS_FILES", async (t) => {
    await assert.rejects(startLayer(t, [{ transport: "tls", host: LOOP, port: 0, cert: "/nonexistent.pem", key: "/nonexistent.key" }]), (e: Error & { code?: string }) => e.code === "TANDEM_ERR_SIP_TRANSPORT_TLS_FILES");
  });
});

describe("several listeners", { timeout: 300_000 }, () => {
  it("runs UDP, TCP and TLS at once and reports their ports; a busy port fails with TANDEM_ERR_SIP_TRANSPORT_LISTEN", async (t) => {
    const { dir } = selfSignedCert(t);
    const l = await startLayer(
      t,
      [
        { transport: "udp", host: LOOP, port: 0 },
        { transport: "tcp", host: LOOP, port: 0 },
        { transport: "tls", host: LOOP, port: 0, cert: "cert.pem", key: "key.pem" },
      ],
      { baseDir: dir },
    );
    assert.deepEqual(l.infos.map((i) => i.transport), ["udp", "tcp", "tls"]);
    assert.ok(l.infos.every((i) => i.port > 0 && i.host === LOOP));
    await assert.rejects(startLayer(t, [{ transport: "tcp", host: LOOP, port: l.port("tcp") }]), (e: Error & { code?: string }) => e.code === "TANDEM_ERR_SIP_TRANSPORT_LISTEN");
  });
});
