/**
 * Malformed and hostile streams never crash the process: each closes only its own connection, is
 * counted, and the layer keeps serving. Also RFC 3261 §18.1.1: large requests leave UDP for TCP.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { UdpToTcpMemory } from "../../core/src/sip/transport/udp-size.js";
import { rawTcpClient, rawUdpPeer, selfSignedCert, sipRequest, startLayer, until } from "./helpers.js";

const LOOP = "127.0.0.1";

describe("malformed streams (RFC 3261 §18.3)", { timeout: 300_000 }, () => {
  it("a message without Content-Length closes that connection only, counted and reported", async (t) => {
    const l = await startLayer(t, [{ transport: "tcp", host: LOOP, port: 0 }]);
    const bad = await rawTcpClient(t, l.port("tcp"));
    const good = await rawTcpClient(t, l.port("tcp"));
    bad.socket.write("OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKm1\r\n\r\n");
    await until(() => bad.closed());
    assert.equal(l.layer.stats().framingErrors, 1);
    assert.match(l.streamErrors[0] ?? "", /Content-Length/);
    good.socket.write(sipRequest("OPTIONS", "z9hG4bKm2"));
    await l.waitFor(1);
    assert.equal(good.closed(), false);
  });

  it("endless headers, a huge Content-Length and random bytes each close their connection", async (t) => {
    const l = await startLayer(t, [{ transport: "tcp", host: LOOP, port: 0 }], { limits: { maxHeaderBytes: 4096, maxContentLength: 65536 } });
    const endless = await rawTcpClient(t, l.port("tcp"));
    endless.socket.write("OPTIONS sip:a SIP/2.0\r\n" + "X-A: b\r\n".repeat(1000));
    const huge = await rawTcpClient(t, l.port("tcp"));
    huge.socket.write("OPTIONS sip:a SIP/2.0\r\nContent-Length: 900000000\r\n\r\n");
    const noise = await rawTcpClient(t, l.port("tcp"));
    noise.socket.write(randomBytes(20_000));
    await until(() => endless.closed() && huge.closed() && noise.closed());
    assert.equal(l.layer.stats().framingErrors, 3);
    assert.equal(l.received.length, 0);
  });

  it("survives a fuzz of mutated stream chunks and abrupt resets, then still serves", async (t) => {
    const l = await startLayer(t, [{ transport: "tcp", host: LOOP, port: 0 }], { limits: { maxHeaderBytes: 4096, maxContentLength: 65536 } });
    const valid = Buffer.from(sipRequest("INVITE", "z9hG4bKf0", { body: "v=0\r\n" }));
    for (let c = 0; c < 20; c++) {
      const client = await rawTcpClient(t, l.port("tcp"));
      for (let i = 0; i < 50; i++) {
        const chunk = Buffer.from(valid);
        for (let k = 0; k < 5; k++) chunk[Math.floor(Math.random() * chunk.length)] = Math.floor(Math.random() * 256);
        client.socket.write(chunk.subarray(0, 1 + Math.floor(Math.random() * chunk.length)));
      }
      if (c % 2 === 0) client.socket.resetAndDestroy();
      else client.socket.end();
    }
    await until(() => l.layer.stats().connections === 0, 5000);
    const after = await rawTcpClient(t, l.port("tcp"));
    const before = l.received.length;
    after.socket.write(valid);
    await until(() => l.received.length === before + 1);
  });

  it("plain-text SIP on a TLS port fails the handshake, counted, and the listener keeps serving", async (t) => {
    const { dir } = selfSignedCert(t);
    const l = await startLayer(t, [{ transport: "tls", host: LOOP, port: 0, cert: "cert.pem", key: "key.pem" }], { baseDir: dir });
    const plain = await rawTcpClient(t, l.port("tls"));
    plain.socket.write(sipRequest("OPTIONS", "z9hG4bKp1"));
    await until(() => plain.closed());
    assert.ok(l.layer.stats().socketErrors >= 1);
    assert.equal(l.received.length, 0);
  });

  it("an exception thrown by the message handler is contained", async (t) => {
    let calls = 0;
    const l = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }], {
      onMessage: () => {
        calls++;
        throw new Error("handler bug");
      },
    });
    const peer = await rawUdpPeer(t);
    peer.socket.send("garbage", l.port("udp"), LOOP);
    peer.socket.send("more garbage", l.port("udp"), LOOP);
    await until(() => calls === 2);
  });
});

describe("large requests over UDP (RFC 3261 §18.1.1)", { timeout: 300_000 }, () => {
  const big = (branch: string) => sipRequest("INVITE", branch, { transport: "UDP", via: `SIP/2.0/UDP 127.0.0.1:5999;branch=${branch}`, body: "a=x\r\n".repeat(240) });

  it("a request within 200 bytes of udpMtu goes over TCP with the Via transport changed; its ACK follows", async (t) => {
    const sender = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }]);
    const udpSide = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }]);
    const tcpSide = await startLayer(t, [{ transport: "tcp", host: LOOP, port: udpSide.port("udp") }]);
    const text = big("z9hG4bKbig1");
    assert.ok(Buffer.byteLength(text) > 1100);
    const flow = await sender.layer.send(text, { transport: "udp", address: LOOP, port: udpSide.port("udp") });
    assert.equal(flow.transport, "tcp");
    const [got] = await tcpSide.waitFor(1);
    assert.match(got!.text, /\r\nVia: SIP\/2.0\/TCP 127.0.0.1:5999;branch=z9hG4bKbig1\r\n/);
    const ack = sipRequest("ACK", "z9hG4bKbig1", { via: "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKbig1" });
    await sender.layer.send(ack, { transport: "udp", address: LOOP, port: udpSide.port("udp") });
    await tcpSide.waitFor(2);
    assert.match(tcpSide.received[1]!.text, /^ACK [^]*Via: SIP\/2.0\/TCP /);
    assert.equal(udpSide.received.length, 0);
    assert.equal(sender.layer.stats().udpToTcp, 2);
  });

  it("falls back to UDP, unchanged, when the peer does not take TCP", async (t) => {
    const sender = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }]);
    const peer = await rawUdpPeer(t);
    const text = big("z9hG4bKbig2");
    const flow = await sender.layer.send(text, { transport: "udp", address: LOOP, port: peer.port });
    assert.equal(flow.transport, "udp");
    await until(() => peer.messages.length === 1);
    assert.equal(peer.messages[0], text);
    assert.equal(sender.layer.stats().udpFallbacks, 1);
    // The refusal is remembered: the next large request goes straight to UDP, no second connect.
    await sender.layer.send(big("z9hG4bKbig3"), { transport: "udp", address: LOOP, port: peer.port });
    await until(() => peer.messages.length === 2);
    assert.equal(sender.layer.stats().udpFallbacks, 1);
    assert.equal(sender.layer.stats().connectFailures, 1);
  });

  it("UdpToTcpMemory forgets moved branches after 64 s and refusing peers after 5 min", () => {
    let now = 0;
    const memory = new UdpToTcpMemory(() => now);
    memory.rememberBranch("z9hG4bKb");
    memory.rememberRefusal(LOOP, 5060);
    now = 64_000;
    assert.equal(memory.branchMoved("z9hG4bKb"), true);
    now = 64_001;
    assert.equal(memory.branchMoved("z9hG4bKb"), false);
    assert.equal(memory.hasMovedBranches, false);
    assert.equal(memory.peerRefusesTcp(LOOP, 5060), true);
    now = 300_001;
    assert.equal(memory.peerRefusesTcp(LOOP, 5060), false);
  });

  it("small requests and responses of any size stay on UDP", async (t) => {
    const sender = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }]);
    const peer = await rawUdpPeer(t);
    await sender.layer.send(sipRequest("OPTIONS", "z9hG4bKsmall", { transport: "UDP" }), { transport: "udp", address: LOOP, port: peer.port });
    const bigResponse = `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKr\r\nCSeq: 1 OPTIONS\r\nX-Pad: ${"p".repeat(1500)}\r\nContent-Length: 0\r\n\r\n`;
    await sender.layer.send(bigResponse, { transport: "udp", address: LOOP, port: peer.port });
    await until(() => peer.messages.length === 2);
    assert.equal(sender.layer.stats().udpToTcp + sender.layer.stats().udpFallbacks, 0);
  });
});
