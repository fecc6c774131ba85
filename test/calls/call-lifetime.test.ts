/**
 * What a call keeps for its life was slimmed: the router drops its abort listener (and with it the route
 * request) once the call is answered (abort-watches.ts), and a `Call` lets go of an idle AbortController once it
 * is Established and keeps party times as numbers (call.ts). These prove the abort still reaches whoever listens,
 * and the snapshot still shows ISO times.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import type { InboundInvite } from "@tandem/sdk";
import { AbortWatches } from "../../plugins/routing/src/abort-watches.js";
import { Call } from "../../core/src/calls/call.js";
import { CallState } from "../../core/src/calls/call-types.js";

const listeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

describe("the router's abort watches", { timeout: 300_000 }, () => {
  it("one listener per call however often it is asked; the abort forgets the call once", () => {
    const forgotten: string[] = [];
    const watches = new AbortWatches((connId) => forgotten.push(connId));
    const controller = new AbortController();
    watches.watch("c1", controller.signal);
    watches.watch("c1", controller.signal);
    assert.equal(listeners(controller.signal), 1);
    assert.equal(watches.size, 1);
    controller.abort();
    assert.deepEqual(forgotten, ["c1"]);
    assert.equal(watches.size, 0);
  });

  it("unwatch (the call was answered) removes the listener: a later abort tells the router nothing", () => {
    const forgotten: string[] = [];
    const watches = new AbortWatches((connId) => forgotten.push(connId));
    const controller = new AbortController();
    watches.watch("c1", controller.signal);
    watches.unwatch("c1");
    assert.equal(listeners(controller.signal), 0);
    controller.abort();
    assert.deepEqual(forgotten, []);
    // A new signal for the same call replaces the old listener; clear() drops all.
    const first = new AbortController();
    const second = new AbortController();
    watches.watch("c2", first.signal);
    watches.watch("c2", second.signal);
    assert.equal(listeners(first.signal), 0);
    assert.equal(listeners(second.signal), 1);
    watches.clear();
    assert.equal(listeners(second.signal), 0);
  });
});

function call(): Call {
  const invite = {
    request: { from: { uri: "sip:5551234@10.0.0.9", host: "10.0.0.9", user: "5551234" } },
    dn: "5000",
  } as unknown as InboundInvite;
  return new Call({ invite, entryDn: "5000", kind: "routed", now: new Date("2026-01-01T10:00:00Z") });
}

function establish(c: Call): void {
  c.to(CallState.Routing);
  c.to(CallState.Ringing);
  c.to(CallState.Established);
}

describe("a call's AbortController", { timeout: 300_000 }, () => {
  it("is let go once Established with no listener; the next read gives a fresh one that still aborts", async () => {
    const c = call();
    const before = c.abort;
    assert.equal(c.abort, before, "the same controller while the call is routed");
    establish(c);
    assert.equal(c.abort, before, "kept until the EventEstablished listeners had their turn");
    await Promise.resolve();
    const after = c.abort;
    assert.notEqual(after, before);
    let aborted = false;
    after.signal.addEventListener("abort", () => (aborted = true));
    after.abort();
    assert.equal(aborted, true);
    assert.equal(before.signal.aborted, false);
  });

  it("is kept when something still listens (e.g. a consult waiting for the call's end)", async () => {
    const c = call();
    let aborted = false;
    c.abort.signal.addEventListener("abort", () => (aborted = true), { once: true });
    const before = c.abort;
    establish(c);
    await Promise.resolve();
    assert.equal(c.abort, before);
    c.abort.abort();
    assert.equal(aborted, true);
  });

  it("parties keep their times as numbers, the snapshot shows ISO strings", () => {
    const c = call();
    c.addParty("agent", "1001", new Date("2026-01-01T10:00:05Z"));
    c.endParty("1001", new Date("2026-01-01T10:01:00Z"));
    c.addParty("agent", "1002", new Date("2026-01-01T10:01:01Z"));
    assert.deepEqual(c.snapshot().parties, [
      { role: "customer", dn: "5551234", since: "2026-01-01T10:00:00.000Z" },
      { role: "agent", dn: "1001", since: "2026-01-01T10:00:05.000Z", until: "2026-01-01T10:01:00.000Z" },
      { role: "agent", dn: "1002", since: "2026-01-01T10:01:01.000Z" },
    ]);
    assert.deepEqual(c.activeDns(), ["1002"]);
    assert.deepEqual(c.dns(), ["1001", "1002"]);
  });
});
