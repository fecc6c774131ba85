/** Call model flows against fake SIP verbs and the real registry, bus and hooks. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { routeCall, type RouteDecision, type RouteRequest } from "@tandem/sdk";
import { FakeSip } from "./support/fake-sip.js";
import { createCallsHarness, settle } from "./support/calls-harness.js";

const DNS = [
  { number: "5000", type: "RoutingPoint" as const },
  { number: "1001", type: "Extension" as const },
  { number: "1002", type: "Extension" as const },
  { number: "cucm", type: "Trunk" as const, options: { contact: "sip:127.0.0.1:5070" } },
];

function setup(t: Parameters<typeof createCallsHarness>[0], strategy?: (r: RouteRequest) => RouteDecision | Promise<RouteDecision | null> | null) {
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS });
  if (strategy) h.hooks.tap(routeCall, strategy);
  return { sip, h };
}

test("routed call to a Ready agent: events in order, BYE from the caller, record right", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t, (r) => ({ kind: "agent", dn: r.reserve("1001") ? "1001" : "1002" }));
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000", ani: "5551234", sdp: "v=0 caller" });
  await settle();
  assert.deepEqual(invite.progressed, [180]);
  const out = sip.outbound[0];
  assert.ok(out);
  assert.equal(out.options.target, "sip:1001@127.0.0.1:5070");
  assert.equal(out.options.sdp, "v=0 caller");
  assert.equal(h.dns.agent("1001")?.state, "Busy");
  out.answer("v=0 agent");
  await settle();
  assert.equal(invite.leg?.localSdp, "v=0 agent", "the caller is answered with the agent's SDP");
  const [call] = h.model.active();
  assert.ok(call);
  assert.equal(call.state, "Established");
  invite.leg?.remoteBye();
  await settle();
  assert.equal(out.leg?.state, "terminated", "BYE relayed to the agent");
  assert.deepEqual(h.trace(call.connId), [
    "EventRouteRequest@5000",
    "EventRouteUsed@5000",
    "EventRinging@1001",
    "EventEstablished@1001",
    "EventReleased@1001",
  ]);
  const established = h.events.find((e) => e.name === "EventEstablished");
  assert.equal(established?.data.ani, "5551234");
  assert.equal(established?.data.dnis, "5000");
  assert.deepEqual(established?.data.dns, ["5000", "1001"]);
  assert.equal(h.dns.agent("1001")?.state, "Ready");
  assert.equal(h.model.active().length, 0);
  const record = h.model.get(call.connId);
  assert.equal(record?.outcome, "answered");
  assert.equal(record?.releasedBy, "customer");
  assert.equal(record?.agentDn, "1001");
  assert.equal(record?.legs.length, 2);
  assert.deepEqual(record?.legs.map((l) => [l.role, l.status, l.endedBy]), [
    ["customer", 200, "remote"],
    ["agent", 200, "local"],
  ]);
  assert.ok(record?.answeredAt && record.endedAt);
});

test("BYE from the agent releases both legs and frees the agent (after-call work when configured)", { timeout: 180_000 }, async (t) => {
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS, config: { afterCall: "AfterCallWork" } });
  h.hooks.tap(routeCall, () => ({ kind: "agent", dn: "1001" }));
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  const agentLeg = sip.outbound[0]?.answer();
  await settle();
  agentLeg?.remoteBye();
  await settle();
  assert.equal(invite.leg?.state, "terminated");
  const [record] = h.model.history();
  assert.equal(record?.releasedBy, "agent");
  const agent = h.dns.agent("1001");
  assert.equal(agent?.state, "NotReady");
  assert.equal(agent?.workMode, "AfterCallWork");
});

test("no strategy: 480; unknown number: 404", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t);
  const a = await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(a.rejected, 480);
  const b = await sip.offer({ dn: "9999" });
  assert.equal(b.rejected, 404);
  assert.equal(h.model.history().find((r) => r.entryDn === "5000")?.outcome, "rejected");
});

test("caller CANCEL while the strategy holds the call: EventAbandoned, signal aborted", { timeout: 180_000 }, async (t) => {
  let seen: RouteRequest | undefined;
  const { sip, h } = setup(t, (r) => {
    seen = r;
    r.report({ kind: "queued", queue: "sales" });
    return new Promise<RouteDecision | null>((resolve) => r.signal.addEventListener("abort", () => resolve(null)));
  });
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(h.model.active()[0]?.state, "Queued");
  invite.cancel();
  await settle();
  assert.equal(seen?.signal.aborted, true);
  const connId = seen?.connId ?? "";
  assert.deepEqual(h.trace(connId), ["EventRouteRequest@5000", "EventQueued@5000", "EventAbandoned@5000"]);
  const record = h.model.get(connId);
  assert.equal(record?.outcome, "abandoned");
  assert.equal(record?.queue, "sales");
  assert.equal(invite.rejected, undefined, "the stack answers CANCEL itself (487)");
});

test("caller CANCEL while the agent rings: the agent INVITE is cancelled and the agent freed", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t, () => ({ kind: "agent", dn: "1001" }));
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  invite.cancel();
  await settle();
  assert.ok(sip.outbound[0]?.cancelledWith);
  const connId = h.model.history()[0]?.connId ?? "";
  assert.deepEqual(h.trace(connId).slice(-2), ["EventReleased@1001", "EventAbandoned@5000"]);
  assert.equal(h.dns.agent("1001")?.state, "Ready");
});

test("ring-no-answer: agent NotReady with a reason, the strategy asked again with the attempt", { timeout: 180_000 }, async (t) => {
  const requests: RouteRequest[] = [];
  const { sip, h } = setup(t, (r) => {
    requests.push(r);
    return { kind: "agent", dn: requests.length === 1 ? "1001" : "1002", ringTimeoutMs: 2000 };
  });
  h.ready("1001");
  h.ready("1002");
  await sip.offer({ dn: "5000" });
  await settle();
  sip.outbound[0]?.fail(408);
  await settle();
  assert.equal(h.dns.agent("1001")?.state, "NotReady");
  assert.equal(h.dns.agent("1001")?.reasonCode, "RingNoAnswer");
  assert.equal(
    h.events.filter((e) => e.name === "EventAgentReady" && e.dn === "1001").length,
    1,
    "never Ready between Busy and NotReady",
  );
  assert.equal(requests.length, 2);
  assert.deepEqual(
    requests[1]?.attempts.map((a) => [a.dn, a.outcome, a.status]),
    [["1001", "no-answer", 408]],
  );
  assert.equal(sip.outbound[1]?.options.target, "sip:1002@127.0.0.1:5070");
  assert.equal(h.dns.agent("1002")?.state, "Busy");
  // The agent's desktop (or presence) can make it Ready again: the NotReady is not a block of the call model's.
  assert.equal(h.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" }).applied, true);
  assert.equal(h.dns.agent("1001")?.state, "Ready");
});

test("an agent is never reserved for two calls at once", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t, (r) => (r.attempts.length === 0 ? { kind: "agent", dn: "1001" } : { kind: "reject", status: 486 }));
  h.ready("1001");
  await sip.offer({ dn: "5000" });
  const second = await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(sip.outbound.length, 1);
  assert.equal(second.rejected, 486);
  assert.deepEqual(h.dns.agent("1001")?.calls.length, 1);
});

test("direct DID call to an agent: no strategy, still events; busy agent gets 486", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t);
  const invite = await sip.offer({ dn: "1002", ani: "5550000" });
  await settle();
  assert.equal(sip.outbound[0]?.options.target, "sip:1002@127.0.0.1:5070");
  sip.outbound[0]?.answer();
  await settle();
  const busy = await sip.offer({ dn: "1002" });
  await settle();
  assert.equal(busy.rejected, 486);
  invite.leg?.remoteBye();
  await settle();
  const record = h.model.history({ outcome: "answered" })[0];
  assert.ok(record);
  assert.deepEqual(h.trace(record.connId), ["EventRinging@1002", "EventEstablished@1002", "EventReleased@1002"]);
});

test("a DID call the agent's phone answers busy: 486 to the caller, and routed calls cannot reserve the agent for busyHoldOffMs", { timeout: 180_000 }, async (t) => {
  const reserved: boolean[] = [];
  const { sip, h } = setup(t, (r) => {
    reserved.push(r.reserve("1002"));
    return { kind: "reject", status: 480 };
  });
  h.ready("1002");
  const did = await sip.offer({ dn: "1002" });
  await settle();
  sip.outbound[0]?.fail(486);
  await settle();
  assert.equal(did.rejected, 486);
  assert.equal(h.dns.agent("1002")?.state, "Ready", "no NotReady without busyNotReady");
  await sip.offer({ dn: "5000" });
  await settle();
  assert.deepEqual(reserved, [false], "held off: the strategy finds it Ready but cannot reserve it");
});

test("delayed-offer INVITE: the agent's offer goes to the caller, the caller's answer back (RFC 3725 flow I)", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t, () => ({ kind: "agent", dn: "1001" }));
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000", sdp: null });
  await settle();
  const out = sip.outbound[0];
  assert.equal(out?.options.sdp, undefined);
  const answer = await out?.options.onOffer?.("v=0 agent-offer");
  assert.equal(invite.leg?.localSdp, "v=0 agent-offer");
  assert.equal(answer, "v=0 caller-answer");
  out?.answer("v=0 agent-offer");
  await settle();
  assert.equal(h.model.active()[0]?.state, "Established");
});

test("486 from the agent's phone: attempt `busy`, the agent back to Ready (no NotReady), strategy asked again", { timeout: 180_000 }, async (t) => {
  const requests: RouteRequest[] = [];
  const { sip, h } = setup(t, (r) => {
    requests.push(r);
    return requests.length === 1 ? { kind: "agent", dn: "1001" } : { kind: "reject", status: 486 };
  });
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  sip.outbound[0]?.fail(486);
  await settle();
  assert.deepEqual(requests[1]?.attempts.map((a) => [a.dn, a.outcome, a.status]), [["1001", "busy", 486]]);
  assert.equal(h.dns.agent("1001")?.state, "Ready");
  assert.equal(invite.rejected, 486);
  const record = h.model.history()[0];
  assert.equal(record?.rejectStatus, 486);
  assert.deepEqual(record?.legs.map((l) => [l.role, l.status]), [["customer", 486], ["agent", 486]]);
});

test("no response from the trunk: attempt `failed` (408), the agent never rang so it stays Ready, no ring-no-answer NotReady", { timeout: 180_000 }, async (t) => {
  const requests: RouteRequest[] = [];
  const { sip, h } = setup(t, (r) => {
    requests.push(r);
    return requests.length === 1 ? { kind: "agent", dn: "1001" } : { kind: "reject", status: 480 };
  });
  h.ready("1001");
  await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(sip.outbound[0]?.options.noResponseTimeoutMs, 4000, "the calls.noResponseTimeoutMs default");
  sip.outbound[0]?.noResponse();
  await settle();
  assert.deepEqual(requests[1]?.attempts.map((a) => [a.dn, a.outcome, a.status]), [["1001", "failed", 408]]);
  assert.deepEqual([h.dns.agent("1001")?.state, h.dns.agent("1001")?.reasonCode], ["Ready", undefined]);
});

test("reservations a strategy made but did not use are given back", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t, (r) => {
    assert.equal(r.reserve("1001"), true);
    assert.equal(r.reserve("1002"), true);
    return { kind: "agent", dn: "1002" };
  });
  h.ready("1001");
  h.ready("1002");
  await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(h.dns.agent("1001")?.state, "Ready");
  assert.equal(h.dns.agent("1002")?.state, "Busy");
  assert.equal(sip.outbound[0]?.options.target, "sip:1002@127.0.0.1:5070");
});

test("a strategy that only ever answers `queue` cannot spin: the caller gets 482 after a bounded number of asks", { timeout: 180_000 }, async (t) => {
  let asks = 0;
  const { sip } = setup(t, () => (asks++, { kind: "queue", queue: "nowhere" }));
  const invite = await sip.offer({ dn: "5000" });
  await settle(30);
  assert.equal(invite.rejected, 482);
  assert.ok(asks <= 10, `${asks} asks`);
});

test("a reject decision with a non-error status becomes 480", { timeout: 180_000 }, async (t) => {
  const { sip } = setup(t, () => ({ kind: "reject", status: 200 }));
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(invite.rejected, 480);
});

test("an INVITE already cancelled when the model sees it is abandoned at once", { timeout: 180_000 }, async (t) => {
  let asked = 0;
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS });
  h.hooks.tap(routeCall, () => (asked++, { kind: "agent", dn: "1001" }));
  const invite = await sip.offerCancelledFirst({ dn: "5000" });
  await settle();
  assert.equal(asked, 0);
  assert.equal(h.model.history()[0]?.outcome, "abandoned");
  void invite;
});

test("trunk failover: 503 with no provisional response → the next cluster member (contact-backup); never after 180", { timeout: 180_000 }, async (t) => {
  const sip = new FakeSip();
  const h = createCallsHarness(t, {
    sip,
    dns: [
      { number: "5000", type: "RoutingPoint" },
      { number: "1001", type: "Extension" },
      { number: "cucm", type: "Trunk", options: { contact: "sip:10.0.0.5:5060", "contact-backup": ["sip:10.0.0.6:5060"] } },
    ],
  });
  h.hooks.tap(routeCall, (r) => (r.attempts.length === 0 ? { kind: "agent", dn: "1001" } : { kind: "reject", status: 480 }));
  h.ready("1001");
  await sip.offer({ dn: "5000" });
  await settle();
  sip.outbound[0]?.fail(503);
  await settle();
  assert.deepEqual(sip.outbound.map((o) => o.options.target), ["sip:1001@10.0.0.5:5060", "sip:1001@10.0.0.6:5060"]);
  sip.outbound[1]?.options.onProgress?.({ status: 180, reason: "Ringing", body: "", header: () => undefined, headers: () => [] });
  sip.outbound[1]?.fail(503);
  await settle();
  assert.equal(sip.outbound.length, 2, "a 503 after ringing is the far end's answer, not a dead trunk");
  assert.deepEqual(h.model.history()[0]?.legs.map((l) => [l.role, l.status]), [["customer", 480], ["agent", 503], ["agent", 503]]);
});

test("a strategy that throws: the caller gets 480, the agent stays free, the model keeps working", { timeout: 180_000 }, async (t) => {
  let fail = true;
  const { sip, h } = setup(t, () => {
    if (fail) throw new Error("strategy bug");
    return { kind: "agent", dn: "1001" };
  });
  h.ready("1001");
  const first = await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(first.rejected, 480);
  assert.equal(h.dns.agent("1001")?.state, "Ready");
  fail = false;
  await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(sip.outbound.length, 1);
});

test("early media: a 183 with SDP from the agent's side is relayed to the caller", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t, () => ({ kind: "agent", dn: "1001" }));
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  const progress = (status: number, body: string) =>
    sip.outbound[0]?.options.onProgress?.({ status, reason: "", body, header: () => undefined, headers: () => [] });
  progress(180, "");
  progress(183, "v=0 ringback");
  assert.deepEqual(invite.progressed, [180, 183]);
  assert.deepEqual(invite.earlySdp, ["v=0 ringback"]);
});

test("early media from one agent, another answers: the 200 repeats the early answer, a re-INVITE moves the media (RFC 3261 §13.2.1)", { timeout: 180_000 }, async (t) => {
  let next = "1001";
  const { sip, h } = setup(t, () => ({ kind: "agent", dn: next }));
  h.ready("1001");
  h.ready("1002");
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  const progress = (i: number, body: string) =>
    sip.outbound[i]?.options.onProgress?.({ status: 183, reason: "", body, header: () => undefined, headers: () => [] });
  progress(0, "v=0 ringback-1001");
  next = "1002";
  sip.outbound[0]?.fail(486);
  await settle();
  // The second agent's own 183 cannot be offered: the caller already has an answer.
  progress(1, "v=0 ringback-1002");
  assert.deepEqual(invite.earlySdp, ["v=0 ringback-1001"]);
  sip.outbound[1]?.answer("v=0 agent-1002");
  await settle();
  assert.equal(invite.leg?.localSdp, "v=0 ringback-1001");
  assert.deepEqual(invite.leg?.reinviteSdps, ["v=0 agent-1002"]);
  assert.equal(h.model.active()[0]?.state, "Established");
});

test("the agent who sent the early media answers with the same SDP: no re-INVITE", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t, () => ({ kind: "agent", dn: "1001" }));
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  sip.outbound[0]?.options.onProgress?.({ status: 183, reason: "", body: "v=0\r\no=agent 1 1 IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0", header: () => undefined, headers: () => [] });
  sip.outbound[0]?.answer("v=0\r\no=agent 1 2 IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0");
  await settle();
  assert.equal(invite.leg?.reinvites, 0);
  assert.equal(h.model.active()[0]?.state, "Established");
});

test("a call waiting in a queue gets its provisional again every provisionalRefreshMs (RFC 3261 §13.3.1.1), 183 once it has early media", { timeout: 180_000 }, async (t) => {
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS, config: { provisionalRefreshMs: 1000 } });
  let release!: (d: RouteDecision) => void;
  h.hooks.tap(routeCall, () => new Promise<RouteDecision>((r) => (release = r)));
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  assert.deepEqual(invite.progressed, [180]);
  await new Promise((r) => setTimeout(r, 1100));
  // Read through a function: an `every` check inside assert.ok would narrow the array's type for what follows.
  const sent = (): number[] => invite.progressed;
  assert.ok(sent().length >= 2 && sent().every((s) => s === 180), String(sent()));
  release({ kind: "agent", dn: "1001" });
  await settle();
  sip.outbound[0]?.options.onProgress?.({ status: 183, reason: "", body: "v=0 early", header: () => undefined, headers: () => [] });
  const relayed = invite.progressed.length;
  await new Promise((r) => setTimeout(r, 1100));
  // After the early answer the refresh repeats the 183 with the same SDP, never a bare 180.
  assert.ok(invite.progressed.length > relayed, String(invite.progressed));
  assert.ok(sent().slice(relayed - 1).every((s) => s === 183), String(sent()));
  assert.ok(invite.earlySdp.length >= 2 && invite.earlySdp.every((sdp) => sdp === "v=0 early"));
  sip.outbound[0]?.answer("v=0 early");
  await settle();
  const answered = invite.progressed.length;
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(invite.progressed.length, answered, "nothing after the answer");
});
