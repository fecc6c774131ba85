/**
 * Small pieces of the stack: trusted-peer CIDRs, next-hop reading of URIs (RFC 3261 §8.1.2, §19.1.1),
 * RFC 3261 §14.1 glare delays, RFC 6665 Subscription-State, RFC 3264 §8.4 hold SDP, Call-ID sharding.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TandemError } from "@tandem/sdk";
import { createTrustedPeers } from "../../core/src/sip/stack/trusted-peers.js";
import { isLooseRoute, uriHop } from "../../core/src/sip/stack/uri-target.js";
import { glareDelayMs } from "../../core/src/sip/b2bua/leg-reinvite.js";
import { parseSubscriptionState } from "../../core/src/sip/b2bua/subscription.js";
import { directionOf, withDirection } from "../../core/src/sip/b2bua/sdp-direction.js";
import { shardIndex } from "../../core/src/sip/stack/shard.js";
import { BranchMap } from "../../core/src/sip/stack/branch-map.js";
import { testSdp } from "../support/test-stack.js";

describe("trusted peers", () => {
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
  it("rejects a bad entry with a coded error", () => {
    assert.throws(() => createTrustedPeers(["10.0.0.0/33"]), (e: unknown) => e instanceof TandemError && e.code === "TANDEM_ERR_SIP_BAD_TRUSTED_PEER");
    assert.throws(() => createTrustedPeers(["cucm.example"]), TandemError);
  });
});

describe("next hop from a URI", () => {
  it("reads host, port and transport", () => {
    assert.deepEqual(uriHop("sip:1001@10.0.0.5:5070;transport=TCP"), { host: "10.0.0.5", port: 5070, transport: "tcp", secure: false });
    assert.deepEqual(uriHop("<sip:[2001:db8::1]:5080;lr>"), { host: "2001:db8::1", port: 5080, transport: undefined, secure: false });
    assert.deepEqual(uriHop("sips:pbx.example"), { host: "pbx.example", port: undefined, transport: "tls", secure: true });
    assert.deepEqual(uriHop("sip:user;par=u%40example.net@10.0.0.1"), { host: "10.0.0.1", port: undefined, transport: undefined, secure: false });
    assert.equal(uriHop("tel:+15551234"), undefined);
  });
  it("knows loose routers", () => {
    assert.equal(isLooseRoute("<sip:10.0.0.1;lr>"), true);
    assert.equal(isLooseRoute("<sip:10.0.0.1;lr=on;x=y>"), true);
    assert.equal(isLooseRoute("<sip:10.0.0.1;lrx>"), false);
  });
});

describe("RFC 3261 §14.1 glare delay", () => {
  it("is 2.1–4 s for the Call-ID owner and 0–2 s otherwise, in 10 ms units", () => {
    for (let i = 0; i < 500; i++) {
      const own = glareDelayMs(true);
      const other = glareDelayMs(false);
      assert.ok(own >= 2100 && own <= 4000 && own % 10 === 0, String(own));
      assert.ok(other >= 0 && other <= 2000 && other % 10 === 0, String(other));
    }
  });
});

describe("Subscription-State", () => {
  it("reads state, expires, reason and retry-after", () => {
    assert.deepEqual(parseSubscriptionState("active;expires=3600"), { state: "active", expires: 3600 });
    assert.deepEqual(parseSubscriptionState("terminated;reason=noresource;retry-after=30"), { state: "terminated", reason: "noresource", retryAfter: 30 });
    assert.deepEqual(parseSubscriptionState("Pending"), { state: "pending" });
  });
});

describe("hold SDP (RFC 3264 §8.4)", () => {
  it("sets the direction on every stream and bumps the origin version", () => {
    const held = withDirection(testSdp(), "sendonly");
    assert.equal(directionOf(held), "sendonly");
    assert.match(held, /o=tandem 1 2 IN IP4/);
    assert.equal(directionOf(withDirection(held, "sendrecv")), "sendrecv");
    assert.throws(() => withDirection(undefined, "inactive"), (e: unknown) => e instanceof TandemError && e.code === "TANDEM_ERR_SIP_BAD_SDP");
  });
});

describe("Call-ID shards", () => {
  it("spreads random Call-IDs evenly and keeps one Call-ID on one shard", () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16000; i++) counts[shardIndex(`${i}-${Math.random()}@host`, 16)]!++;
    for (const c of counts) assert.ok(c > 800 && c < 1200, String(counts));
    assert.equal(shardIndex("abc@h", 16), shardIndex("abc@h", 16));
  });
});

describe("wire branches (RFC 3261 §8.1.1.7)", () => {
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
