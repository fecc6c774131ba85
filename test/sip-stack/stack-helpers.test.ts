/**
 * Small pieces of the stack: trusted-peer CIDRs, next-hop reading of URIs (RFC 3261 §8.1.2, §19.1.1),
 * RFC 3261 §14.1 glare delays, RFC 6665 Subscription-State, RFC 3264 §8.4 hold SDP, Call-ID sharding.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { directionOf, TandemError, withDirection } from "@tandem/sdk";
import { createTrustedPeers } from "../../core/src/sip/stack/trusted-peers.js";
import { parseUriHop, uriTransport } from "../../core/src/sip/transport/next-hop.js";
import { glareDelayMs } from "../../core/src/sip/dialogs/leg-reinvite.js";
import { parseSubscriptionState } from "../../core/src/sip/subscriptions/subscription.js";
import { shardIndex } from "../../core/src/sip/stack/shard.js";
import { BranchMap } from "../../core/src/sip/stack/branch-map.js";
import { ResponseFlows } from "../../core/src/sip/stack/response-flows.js";
import { testSdp } from "../support/test-stack.js";

describe("trusted peers", { timeout: 300_000 }, () => {
  it("matches CIDRs, single addresses and IPv4-mapped sources", () => {
    const peers = createTrustedPeers(["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]);
    assert.equal(peers.allows("10.1.2.3"), true);
    assert.equal(peers.allows("::ffff:10.1.2.3"), true);
    assert.equal(peers.allows("192.0.2.7"), true);
    assert.equal(peers.allows("192.0.2.8"), false);
    assert.equal(peers.allows("2001:db8::1"), true);
    assert.equal(peers.allows("127.0.0.1"), false);
    assert.equal(peers.allows("not an address"), false);
    assert.equal(createTrustedPeers([]).allows("203.0.113.9"), true);
  });
  it("gives the same verdict once remembered, and past the remembered sources", () => {
    const peers = createTrustedPeers(["10.0.0.0/8"]);
    for (let round = 0; round < 2; round++) {
      assert.equal(peers.allows("10.9.9.9"), true);
      assert.equal(peers.allows("192.0.2.1"), false);
    }
    // A flood from many sources: the verdicts stay right as the remembered ones are dropped.
    for (let i = 0; i < 5000; i++) assert.equal(peers.allows(`10.${(i >> 8) & 255}.${i & 255}.1`), true);
    for (let i = 0; i < 5000; i++) assert.equal(peers.allows(`172.16.${(i >> 8) & 255}.${i & 255}`), false);
    assert.equal(peers.allows("10.9.9.9"), true);
    assert.equal(peers.allows("192.0.2.1"), false);
  });
  it("rejects a bad entry with a coded error", () => {
    assert.throws(() => createTrustedPeers(["10.0.0.0/33"]), (e: unknown) => e instanceof TandemError && e.code === "TANDEM_ERR_SIP_BAD_TRUSTED_PEER");
    assert.throws(() => createTrustedPeers(["cucm.example"]), TandemError);
  });
});

describe("next hop from a URI", { timeout: 300_000 }, () => {
  it("reads host, port and transport", () => {
    const hop = (text: string) => {
      const h = parseUriHop(text);
      return h && { host: h.host, port: h.port, transport: uriTransport(text) };
    };
    assert.deepEqual(hop("sip:1001@10.0.0.5:5070;transport=TCP"), { host: "10.0.0.5", port: 5070, transport: "tcp" });
    assert.deepEqual(hop("<sip:[2001:db8::1]:5080;lr>"), { host: "2001:db8::1", port: 5080, transport: undefined });
    assert.deepEqual(hop("sips:pbx.example"), { host: "pbx.example", port: undefined, transport: "tls" });
    // RFC 4475 §3.1.1.9: ';' and an escaped '@' in the user part.
    assert.deepEqual(hop("sip:user;par=u%40example.net@10.0.0.1"), { host: "10.0.0.1", port: undefined, transport: undefined });
    assert.equal(hop("tel:+15551234"), undefined);
  });
  it("knows loose routers (RFC 3261 §19.1.1)", () => {
    assert.equal(parseUriHop("<sip:10.0.0.1;lr>")?.lr, true);
    assert.equal(parseUriHop("<sip:10.0.0.1;lr=on;x=y>")?.lr, true);
    assert.equal(parseUriHop("<sip:10.0.0.1;lrx>")?.lr, false);
  });
});

describe("RFC 3261 §14.1 glare delay", { timeout: 300_000 }, () => {
  it("is 2.1–4 s for the Call-ID owner and 0–2 s otherwise, in 10 ms units", () => {
    for (let i = 0; i < 500; i++) {
      const own = glareDelayMs(true);
      const other = glareDelayMs(false);
      assert.ok(own >= 2100 && own <= 4000 && own % 10 === 0, String(own));
      assert.ok(other >= 0 && other <= 2000 && other % 10 === 0, String(other));
    }
  });
});

describe("Subscription-State", { timeout: 300_000 }, () => {
  it("reads state, expires, reason and retry-after", () => {
    assert.deepEqual(parseSubscriptionState("active;expires=3600"), { state: "active", expires: 3600 });
    assert.deepEqual(parseSubscriptionState("terminated;reason=noresource;retry-after=30"), { state: "terminated", reason: "noresource", retryAfter: 30 });
    assert.deepEqual(parseSubscriptionState("Pending"), { state: "pending" });
  });
});

describe("hold SDP (RFC 3264 §8.4)", { timeout: 300_000 }, () => {
  it("sets the direction on every stream and bumps the origin version", () => {
    const held = withDirection(testSdp(), "sendonly");
    assert.equal(directionOf(held), "sendonly");
    assert.match(held, /o=tandem 1 2 IN IP4/);
    assert.equal(directionOf(withDirection(held, "sendrecv")), "sendrecv");
    assert.throws(() => withDirection(undefined, "inactive"), (e: unknown) => e instanceof TandemError && e.code === "TANDEM_ERR_SIP_BAD_SDP");
  });
});

describe("Call-ID shards", { timeout: 300_000 }, () => {
  it("spreads random Call-IDs evenly and keeps one Call-ID on one shard", () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16000; i++) counts[shardIndex(`${i}-${Math.random()}@host`, 16)]!++;
    for (const c of counts) assert.ok(c > 800 && c < 1200, String(counts));
    assert.equal(shardIndex("abc@h", 16), shardIndex("abc@h", 16));
  });
});

describe("wire branches (RFC 3261 §8.1.1.7)", { timeout: 300_000 }, () => {
  it("replaces sip.js's branch with a random one, stable for its CANCEL/ACK, and maps responses back", () => {
    const map = new BranchMap(32_000);
    const wire = map.wireFor("z9hG4bK1234567", "call-1", "INVITE");
    assert.match(wire, /^z9hG4bK[A-Za-z0-9_-]{16,}$/);
    assert.equal(map.wireFor("z9hG4bK1234567", "call-1", "CANCEL"), wire);
    assert.notEqual(map.wireFor("z9hG4bK1234567", "call-2", "INVITE"), wire); // same sip.js branch, other call
    assert.equal(map.sipFor(wire), "z9hG4bK1234567");
    assert.equal(map.sipFor("z9hG4bKsomeoneelse"), undefined);
    map.stop();
  });
});

describe("per-branch state expiry (RFC 3261 §17: 64·T1 after a final response)", { timeout: 300_000 }, () => {
  it("a wire branch lives 64·T1 after the final response (RFC 6026 Timer L/M), then maps back no more", (t) => {
    t.mock.timers.enable({ apis: ["setInterval", "Date"] });
    const map = new BranchMap(32_000);
    t.after(() => map.stop());
    const wire = map.wireFor("z9hG4bKaaaaaaa", "call-1", "INVITE");
    t.mock.timers.tick(5 * 60_000); // still ringing: an INVITE entry lives 10 minutes
    assert.equal(map.sipFor(wire, true), "z9hG4bKaaaaaaa");
    t.mock.timers.tick(30_000); // a 2xx retransmitted within 64·T1 still maps back
    assert.equal(map.sipFor(wire, true), "z9hG4bKaaaaaaa");
    t.mock.timers.tick(10_000); // 40 s > 32 s after the first final (and the 5 s sweep)
    assert.equal(map.sipFor(wire), undefined);
    assert.equal(map.size, 0);
  });
  it("an ACK's wire branch stays the same for re-sent ACKs within 64·T1, then goes", (t) => {
    t.mock.timers.enable({ apis: ["setInterval", "Date"] });
    const map = new BranchMap(32_000);
    t.after(() => map.stop());
    const wire = map.wireFor("z9hG4bKack0001", "call-1", "ACK");
    t.mock.timers.tick(20_000);
    assert.equal(map.wireFor("z9hG4bKack0001", "call-1", "ACK"), wire); // sip.js re-sends it for a 2xx copy
    t.mock.timers.tick(40_000); // > 32 s after the last send (and the 5 s sweep)
    assert.equal(map.size, 0);
  });
  it("a request's flow lives 64·T1 after its final response; the latest flow wins", (t) => {
    t.mock.timers.enable({ apis: ["setInterval", "Date"] });
    const flows = new ResponseFlows(32_000);
    t.after(() => flows.stop());
    const a = { transport: "udp" as const, remoteAddress: "127.0.0.1", remotePort: 5070, localAddress: "127.0.0.1", localPort: 5060 };
    flows.remember("z9hG4bKbbb", "OPTIONS", a);
    flows.remember("z9hG4bKbbb", "OPTIONS", { ...a, remotePort: 5072 });
    assert.equal(flows.lookup("z9hG4bKbbb", true)?.remotePort, 5072);
    t.mock.timers.tick(30_000);
    assert.equal(flows.lookup("z9hG4bKbbb", false)?.remotePort, 5072);
    t.mock.timers.tick(10_000);
    assert.equal(flows.lookup("z9hG4bKbbb", false), undefined);
  });
});
