/**
 * RFC 3261 §17.2 server-transaction timers of the reliability layer, on fake timers (T1 = 500 ms,
 * T2 = 4 s, T4 = 5 s), and the §17.2.3 matching rule (branch + sent-by + method).
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { PEER_FLOW, advance, makeLayer, ourResponse, peerRequest, send, times } from "./helpers.js";

const VIA = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKpeer1;rport=5070;received=127.0.0.1";
const VIA_BYE = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKpeer2";

beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 }));
afterEach(() => mock.timers.reset());

describe("INVITE server transaction (RFC 3261 §17.2.1)", { timeout: 300_000 }, () => {
  it("Timer G retransmits a non-2xx final at T1, doubling, capped at T2, until Timer H (64·T1)", () => {
    const { layer, sent } = makeLayer();
    assert.equal(layer.incomingRequest(peerRequest("INVITE", VIA), PEER_FLOW), true);
    send(layer, ourResponse(486, VIA, "INVITE"), PEER_FLOW);
    advance(31_999);
    assert.ok(layer.stats().pending >= 1);
    assert.equal(layer.stats().cachedResponses, 1);
    advance(1); // Timer H
    assert.equal(layer.stats().pending, 0);
    assert.equal(layer.stats().cachedResponses, 0);
    advance(30_000);
    assert.deepEqual(times(sent, "SIP/2.0 486"), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    assert.ok(sent.every((s) => s.to === PEER_FLOW), "retransmitted on the request's flow");
    layer.stop();
  });

  it("the ACK stops Timer G; the first ACK reaches sip.js, copies are absorbed for Timer I (T4)", () => {
    const { layer, sent } = makeLayer();
    layer.incomingRequest(peerRequest("INVITE", VIA), PEER_FLOW);
    send(layer, ourResponse(487, VIA, "INVITE"), PEER_FLOW);
    advance(2000);
    assert.equal(layer.incomingRequest(peerRequest("ACK", VIA), PEER_FLOW), true);
    advance(1000);
    assert.equal(layer.incomingRequest(peerRequest("ACK", VIA), PEER_FLOW), false);
    advance(3999); // t = 6999: Timer I runs until 7000
    assert.equal(layer.incomingRequest(peerRequest("ACK", VIA), PEER_FLOW), false);
    advance(1);
    assert.equal(layer.incomingRequest(peerRequest("ACK", VIA), PEER_FLOW), true);
    advance(40_000);
    assert.deepEqual(times(sent, "SIP/2.0 487"), [0, 500, 1500]);
    layer.stop();
  });

  it("a retransmitted INVITE gets our last provisional, then our final, and never reaches sip.js", () => {
    const { layer, sent } = makeLayer();
    assert.equal(layer.incomingRequest(peerRequest("INVITE", VIA), PEER_FLOW), true);
    assert.equal(layer.incomingRequest(peerRequest("INVITE", VIA), PEER_FLOW), false, "absorbed before any response");
    send(layer, ourResponse(180, VIA, "INVITE"), PEER_FLOW);
    advance(400);
    assert.equal(layer.incomingRequest(peerRequest("INVITE", VIA), PEER_FLOW), false);
    assert.deepEqual(times(sent, "SIP/2.0 180"), [0, 400]);
    send(layer, ourResponse(603, VIA, "INVITE"), PEER_FLOW);
    advance(100);
    assert.equal(layer.incomingRequest(peerRequest("INVITE", VIA), PEER_FLOW), false);
    assert.deepEqual(times(sent, "SIP/2.0 603"), [400, 500]);
    assert.equal(layer.stats().absorbed, 3);
    layer.stop();
  });

  it("a 2xx is not retransmitted here (sip.js's dialog does it) and INVITE copies after it are absorbed silently", () => {
    const { layer, sent } = makeLayer();
    layer.incomingRequest(peerRequest("INVITE", VIA), PEER_FLOW);
    send(layer, ourResponse(200, VIA, "INVITE"), PEER_FLOW);
    advance(600);
    assert.equal(layer.incomingRequest(peerRequest("INVITE", VIA), PEER_FLOW), false);
    const ack2xx = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKack2xx";
    assert.equal(layer.incomingRequest(peerRequest("ACK", ack2xx), PEER_FLOW), true, "ACK to 2xx is its own transaction");
    advance(40_000);
    assert.deepEqual(times(sent, "SIP/2.0 200"), [0]);
    layer.stop();
  });
});

describe("non-INVITE server transaction (RFC 3261 §17.2.2)", { timeout: 300_000 }, () => {
  it("Timer J: a retransmitted BYE gets the cached 200 for 64·T1 (no 481 from sip.js)", () => {
    const { layer, sent } = makeLayer();
    assert.equal(layer.incomingRequest(peerRequest("BYE", VIA_BYE), PEER_FLOW), true);
    send(layer, ourResponse(200, VIA_BYE, "BYE"), PEER_FLOW);
    assert.equal(layer.stats().cachedResponses, 1);
    advance(500);
    assert.equal(layer.incomingRequest(peerRequest("BYE", VIA_BYE), PEER_FLOW), false);
    advance(31_499); // t = 31_999
    assert.equal(layer.incomingRequest(peerRequest("BYE", VIA_BYE), PEER_FLOW), false);
    advance(1); // Timer J
    assert.equal(layer.incomingRequest(peerRequest("BYE", VIA_BYE), PEER_FLOW), true);
    assert.deepEqual(times(sent, "SIP/2.0 200"), [0, 500, 31_999]);
    assert.equal(layer.stats().cachedResponses, 0);
    layer.stop();
  });

  it("a final is sent once (no Timer G for non-INVITE) and a 100 Trying is re-sent for copies", () => {
    const { layer, sent } = makeLayer();
    layer.incomingRequest(peerRequest("NOTIFY", VIA_BYE), PEER_FLOW);
    send(layer, ourResponse(100, VIA_BYE, "NOTIFY"), PEER_FLOW);
    assert.equal(layer.incomingRequest(peerRequest("NOTIFY", VIA_BYE), PEER_FLOW), false);
    send(layer, ourResponse(200, VIA_BYE, "NOTIFY"), PEER_FLOW);
    advance(40_000);
    assert.deepEqual(times(sent, "SIP/2.0 100"), [0, 0]);
    assert.deepEqual(times(sent, "SIP/2.0 200"), [0]);
    layer.stop();
  });
});

describe("matching (RFC 3261 §17.2.3): branch + sent-by + method, not the branch alone", { timeout: 300_000 }, () => {
  it("the same branch from another sent-by is a new request", () => {
    const { layer } = makeLayer();
    layer.incomingRequest(peerRequest("BYE", VIA_BYE), PEER_FLOW);
    const other = "SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bKpeer2";
    assert.equal(layer.incomingRequest(peerRequest("BYE", other), PEER_FLOW), true);
    layer.stop();
  });

  it("a CANCEL with the INVITE's branch is its own transaction", () => {
    const { layer } = makeLayer();
    layer.incomingRequest(peerRequest("INVITE", VIA), PEER_FLOW);
    assert.equal(layer.incomingRequest(peerRequest("CANCEL", VIA), PEER_FLOW), true);
    assert.equal(layer.incomingRequest(peerRequest("CANCEL", VIA), PEER_FLOW), false);
    layer.stop();
  });

  it("sent-by compares case-insensitively on the host, with the port", () => {
    const { layer } = makeLayer();
    layer.incomingRequest(peerRequest("OPTIONS", "SIP/2.0/UDP PBX.example.com:5060;branch=z9hG4bKx"), PEER_FLOW);
    assert.equal(layer.incomingRequest(peerRequest("OPTIONS", "SIP/2.0/UDP pbx.EXAMPLE.com:5060;branch=z9hG4bKx"), PEER_FLOW), false);
    assert.equal(layer.incomingRequest(peerRequest("OPTIONS", "SIP/2.0/UDP pbx.example.com;branch=z9hG4bKx"), PEER_FLOW), true);
    layer.stop();
  });

  it("requests on TCP pass straight through", () => {
    const { layer } = makeLayer();
    const tcp = { ...PEER_FLOW, transport: "tcp" as const, connectionId: "c1" };
    assert.equal(layer.incomingRequest(peerRequest("BYE", VIA_BYE), tcp), true);
    assert.equal(layer.incomingRequest(peerRequest("BYE", VIA_BYE), tcp), true);
    assert.equal(layer.stats().pending, 0);
    layer.stop();
  });
});
