/**
 * RFC 3261 §17.1 client-transaction timers of the reliability layer, on fake timers (T1 = 500 ms,
 * T2 = 4 s, T4 = 5 s). Each test asserts the exact transmission schedule in ms from the first send.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { ReliabilityLayer } from "../../core/src/sip/transactions/reliability-layer.js";
import { advance, makeLayer, silentLogger, ourRequest, peerResponse, send, times } from "./helpers.js";

beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 }));
afterEach(() => mock.timers.reset());

describe("INVITE client transaction (RFC 3261 §17.1.1.2)", { timeout: 300_000 }, () => {
  it("Timer A retransmits at T1, 2·T1, 4·T1 … and Timer B (64·T1) ends it: 7 transmissions", () => {
    const { layer, sent } = makeLayer();
    send(layer, ourRequest("INVITE", "z9hG4bKa1"));
    advance(31_999);
    assert.equal(layer.stats().pending, 1);
    advance(1); // Timer B
    assert.equal(layer.stats().pending, 0);
    advance(60_000);
    assert.deepEqual(times(sent, "INVITE"), [0, 500, 1500, 3500, 7500, 15500, 31500]);
    assert.equal(layer.stats().retransmissions, 6);
    layer.stop();
  });

  it("Timer A stops at the first provisional response (§17.1.1.2 Proceeding)", () => {
    const { layer, sent } = makeLayer();
    send(layer, ourRequest("INVITE", "z9hG4bKa2"));
    advance(700);
    assert.equal(layer.incomingResponse(peerResponse(100, "z9hG4bKa2", "INVITE"), flow()), true);
    advance(40_000);
    assert.deepEqual(times(sent, "INVITE"), [0, 500]);
    layer.stop();
  });

  it("a 2xx passes through (sip.js re-ACKs 2xx copies itself) and stops Timer A", () => {
    const { layer, sent } = makeLayer();
    send(layer, ourRequest("INVITE", "z9hG4bKa3"));
    advance(600);
    assert.equal(layer.incomingResponse(peerResponse(200, "z9hG4bKa3", "INVITE"), flow()), true);
    assert.equal(layer.incomingResponse(peerResponse(200, "z9hG4bKa3", "INVITE"), flow()), true);
    advance(40_000);
    assert.deepEqual(times(sent, "INVITE"), [0, 500]);
    assert.equal(layer.stats().absorbed, 0);
    layer.stop();
  });

  it("Timer D: a retransmitted non-2xx final is re-ACKed and absorbed for 32 s", () => {
    const { layer, sent } = makeLayer();
    send(layer, ourRequest("INVITE", "z9hG4bKd1"));
    advance(200);
    assert.equal(layer.incomingResponse(peerResponse(486, "z9hG4bKd1", "INVITE"), flow()), true);
    send(layer, ourRequest("ACK", "z9hG4bKd1", "ACK")); // sip.js's ICT builds the ACK (§17.1.1.3)
    advance(300);
    assert.equal(layer.incomingResponse(peerResponse(486, "z9hG4bKd1", "INVITE"), flow()), false);
    advance(31_699); // t = 32_199: still within Timer D (32 s from the final at 200)
    assert.equal(layer.incomingResponse(peerResponse(486, "z9hG4bKd1", "INVITE"), flow()), false);
    advance(1); // Timer D fires
    assert.equal(layer.incomingResponse(peerResponse(486, "z9hG4bKd1", "INVITE"), flow()), true);
    assert.deepEqual(times(sent, "INVITE"), [0], "no Timer A after a response");
    assert.deepEqual(times(sent, "ACK"), [200, 500, 32_199]);
    assert.equal(layer.stats().absorbed, 2);
    layer.stop();
  });

  it("Timer D also covers a final that arrives after Timer B (long ringing)", () => {
    const { layer, sent } = makeLayer();
    send(layer, ourRequest("INVITE", "z9hG4bKd2"));
    layer.incomingResponse(peerResponse(180, "z9hG4bKd2", "INVITE"), flow());
    advance(90_000);
    assert.equal(layer.incomingResponse(peerResponse(487, "z9hG4bKd2", "INVITE"), flow()), true);
    send(layer, ourRequest("ACK", "z9hG4bKd2", "ACK"));
    assert.equal(layer.incomingResponse(peerResponse(487, "z9hG4bKd2", "INVITE"), flow()), false);
    assert.equal(times(sent, "ACK").length, 2);
    layer.stop();
  });
});

describe("non-INVITE client transaction (RFC 3261 §17.1.2.2)", { timeout: 300_000 }, () => {
  it("Timer E doubles from T1 up to T2 and Timer F (64·T1) ends it: 11 transmissions", () => {
    const { layer, sent } = makeLayer();
    send(layer, ourRequest("OPTIONS", "z9hG4bKe1"));
    advance(32_000);
    assert.equal(layer.stats().pending, 0);
    advance(30_000);
    assert.deepEqual(times(sent, "OPTIONS"), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    layer.stop();
  });

  it("after a provisional Timer E fires every T2, until the final", () => {
    const { layer, sent } = makeLayer();
    send(layer, ourRequest("SUBSCRIBE", "z9hG4bKe2"));
    advance(600);
    assert.equal(layer.incomingResponse(peerResponse(100, "z9hG4bKe2", "SUBSCRIBE"), flow()), true);
    advance(9400); // t = 10_000
    assert.equal(layer.incomingResponse(peerResponse(200, "z9hG4bKe2", "SUBSCRIBE"), flow()), true);
    advance(40_000);
    // 1500 was already scheduled (min(2·T1, T2) after 500); from then on T2.
    assert.deepEqual(times(sent, "SUBSCRIBE"), [0, 500, 1500, 5500, 9500]);
    layer.stop();
  });

  it("T1/T2 come from the config: T1 = 100 ms, T2 = 400 ms gives 0, 100, 300, 700, 1100 … until 64·T1", () => {
    const sent: number[] = [];
    const layer = new ReliabilityLayer({
      timers: { t1: 100, t2: 400, t4: 1000 },
      logger: silentLogger,
      clock: Date.now,
      send: () => void sent.push(Date.now()),
    });
    send(layer, ourRequest("OPTIONS", "z9hG4bKcfg"));
    advance(10_000);
    assert.deepEqual(sent, [0, 100, 300, 700, 1100, 1500, 1900, 2300, 2700, 3100, 3500, 3900, 4300, 4700, 5100, 5500, 5900, 6300]);
    layer.stop();
  });

  it("Timer K (T4) absorbs duplicate responses after the final, then lets go", () => {
    const { layer } = makeLayer();
    send(layer, ourRequest("BYE", "z9hG4bKk1"));
    advance(100);
    assert.equal(layer.incomingResponse(peerResponse(200, "z9hG4bKk1", "BYE"), flow()), true);
    advance(4_999);
    assert.equal(layer.incomingResponse(peerResponse(200, "z9hG4bKk1", "BYE"), flow()), false);
    advance(1); // Timer K
    assert.equal(layer.incomingResponse(peerResponse(200, "z9hG4bKk1", "BYE"), flow()), true);
    assert.equal(layer.stats().absorbed, 1);
    layer.stop();
  });

  it("a CANCEL keeps its own Timer E beside the INVITE with the same branch (key = branch + method)", () => {
    const { layer, sent } = makeLayer();
    send(layer, ourRequest("INVITE", "z9hG4bKc1"));
    layer.incomingResponse(peerResponse(180, "z9hG4bKc1", "INVITE"), flow());
    send(layer, ourRequest("CANCEL", "z9hG4bKc1"));
    advance(1600);
    assert.equal(layer.incomingResponse(peerResponse(200, "z9hG4bKc1", "CANCEL"), flow()), true);
    advance(40_000);
    assert.deepEqual(times(sent, "CANCEL"), [0, 500, 1500]);
    assert.deepEqual(times(sent, "INVITE"), [0]);
    layer.stop();
  });
});

describe("what the layer leaves alone", { timeout: 300_000 }, () => {
  it("TCP/TLS targets and flows: sent once, no timers, nothing absorbed (§17.1.1.2: no Timer A on reliable transports)", () => {
    const { layer, sent } = makeLayer();
    send(layer, ourRequest("INVITE", "z9hG4bKt1"), { transport: "tcp", address: "127.0.0.1", port: 5070 });
    advance(40_000);
    assert.equal(sent.length, 1);
    const tcp = { ...flow(), transport: "tcp" as const, connectionId: "c1" };
    assert.equal(layer.incomingResponse(peerResponse(486, "z9hG4bKt1", "INVITE"), tcp), true);
    assert.equal(layer.incomingResponse(peerResponse(486, "z9hG4bKt1", "INVITE"), tcp), true);
    assert.equal(layer.stats().pending, 0);
    layer.stop();
  });

  it("a request that the transport moves to TCP (RFC 3261 §18.1.1) gets no UDP retransmissions", () => {
    const { layer, sent } = makeLayer({ udpMtu: 400 });
    const big = ourRequest("INVITE", "z9hG4bKm1").replace("Content-Length: 0\r\n", `X-Pad: ${"x".repeat(300)}\r\nContent-Length: 0\r\n`);
    send(layer, big);
    advance(40_000);
    assert.equal(sent.length, 1);
    layer.stop();
  });

  it("a send callback that reports the flow used decides: TCP stops the timers, a UDP fallback keeps them", async () => {
    const big = ourRequest("OPTIONS", "z9hG4bKm2").replace("Content-Length: 0\r\n", `X-Pad: ${"x".repeat(1500)}\r\nContent-Length: 0\r\n`);
    for (const [used, expected] of [["tcp", [0]], ["udp", [0, 500, 1500]]] as const) {
      const sent: number[] = [];
      const start = Date.now();
      const layer = new ReliabilityLayer({
        timers: { t1: 500, t2: 4000, t4: 5000 },
        logger: silentLogger,
        clock: Date.now,
        send: (text) => {
          if (text.startsWith("OPTIONS")) sent.push(Date.now() - start);
          return Promise.resolve({ transport: used, remoteAddress: "127.0.0.1", remotePort: 5070, localAddress: "127.0.0.1", localPort: 5060 });
        },
      });
      send(layer, big);
      await Promise.resolve();
      await Promise.resolve();
      advance(2000);
      assert.deepEqual(sent, expected, `flow used: ${used}`);
      layer.stop();
    }
  });

  it("a rejected send is contained and the timers carry on (the loss is covered by Timer E)", async () => {
    const sent: number[] = [];
    const layer = new ReliabilityLayer({
      timers: { t1: 500, t2: 4000, t4: 5000 },
      logger: silentLogger,
      clock: Date.now,
      send: () => {
        sent.push(Date.now());
        return Promise.reject(new Error("ECONNREFUSED"));
      },
    });
    send(layer, ourRequest("OPTIONS", "z9hG4bKm3"));
    await new Promise((r) => setImmediate(r));
    advance(600);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(sent, [0, 500]);
    layer.stop();
  });

  it("RFC 2543 branches (no magic cookie) are sent once and never matched", () => {
    const { layer, sent } = makeLayer();
    send(layer, ourRequest("OPTIONS", "old1234"));
    advance(40_000);
    assert.equal(sent.length, 1);
    layer.stop();
  });
});

function flow() {
  return { transport: "udp" as const, remoteAddress: "127.0.0.1", remotePort: 5070, localAddress: "127.0.0.1", localPort: 5060 };
}
