/** The routing plugin's router driving the real call model (fake SIP verbs, real registry/bus/hooks, fake timers). */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { routeCall } from "@tandem/sdk";
import { manifest } from "../../plugins/routing/src/manifest.js";
import { Router } from "../../plugins/routing/src/router.js";
import { withDefaults, type QueueConfig } from "../../plugins/routing/src/routing-config.js";
import { FakeSip } from "./support/fake-sip.js";
import { createCallsHarness, settle } from "./support/calls-harness.js";

const AGENTS = ["1001", "1002", "1003"];

function setup(
  t: TestContext,
  queues: Record<string, Partial<QueueConfig>>,
  extraDns: { number: string; type: "Extension"; options?: Record<string, unknown> }[] = [],
  supportPriority = 0,
) {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"], now: Date.parse("2026-01-01T10:00:00Z") });
  const sip = new FakeSip();
  const h = createCallsHarness(t, {
    sip,
    plugins: [manifest],
    dns: [
      { number: "5000", type: "RoutingPoint", options: { queues: ["sales"] } },
      { number: "5001", type: "RoutingPoint" },
      ...AGENTS.map((number) => ({ number, type: "Extension" as const })),
      ...extraDns,
      { number: "cucm", type: "Trunk", options: { contact: "sip:127.0.0.1:5070" } },
    ],
  });
  const router = new Router({
    dns: h.dns,
    bus: h.bus,
    log: silent(),
    config: withDefaults({ queues, routingPoints: { "5001": { queue: "support", priority: supportPriority } } }),
  });
  h.hooks.tap(routeCall, (r) => router.route(r));
  router.start();
  t.after(() => router.stop());
  const tick = async (ms: number) => {
    t.mock.timers.tick(ms);
    await settle();
  };
  return { sip, h, router, tick };
}

function silent() {
  const noop = () => undefined;
  const log = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => log };
  return log;
}

const targets = (sip: FakeSip) => sip.outbound.map((o) => o.options.target.replace(/@.*/, "").replace("sip:", ""));

test("no Ready agent: the call is queued (180 meanwhile), then delivered when an agent turns Ready", { timeout: 180_000 }, async (t) => {
  const { sip, h, tick } = setup(t, { sales: { agents: AGENTS } });
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  assert.deepEqual(invite.progressed, [180]);
  assert.equal(sip.outbound.length, 0);
  assert.equal(h.model.active()[0]?.state, "Queued");
  await tick(5000);
  h.ready("1002");
  await settle();
  assert.deepEqual(targets(sip), ["1002"]);
  await tick(3000);
  sip.outbound[0]?.answer();
  await settle();
  const connId = h.model.active()[0]?.connId ?? "";
  assert.deepEqual(h.trace(connId), [
    "EventRouteRequest@5000",
    "EventQueued@5000",
    "EventRouteUsed@5000",
    "EventRinging@1002",
    "EventEstablished@1002",
  ]);
  invite.leg?.remoteBye();
  await settle();
  assert.equal(h.model.get(connId)?.queueWaitMs, 5000, "queue wait ends when the agent's phone starts ringing");
});

test("longest idle Ready agent first; among waiting calls, arrival order", { timeout: 180_000 }, async (t) => {
  const { sip, h, tick } = setup(t, { sales: { agents: AGENTS }, support: { agents: AGENTS } });
  await sip.offer({ dn: "5000" });
  await tick(10);
  await sip.offer({ dn: "5001" });
  h.ready("1003");
  await tick(1000);
  h.ready("1001");
  await settle();
  // Both calls waited when 1003 turned Ready: the older (sales) call got it.
  assert.deepEqual(targets(sip), ["1003", "1001"]);
  const [older] = h.model.history().reverse();
  assert.equal(h.model.active().find((c) => c.connId === older?.connId)?.agentDn, "1003");
});

test("a higher-priority call is served before older calls", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t, { sales: { agents: AGENTS }, support: { agents: AGENTS } }, [], 5);
  await sip.offer({ dn: "5000" });
  await sip.offer({ dn: "5000" });
  const vip = await sip.offer({ dn: "5001" });
  await settle();
  h.ready("1002");
  await settle();
  assert.equal(sip.outbound[0]?.options.headers?.["X-Tandem-ConnID"], h.model.active().find((c) => c.entryDn === "5001")?.connId);
  void vip;
});

test("ring-no-answer: back to the head of the queue, agent NotReady with the reason", { timeout: 180_000 }, async (t) => {
  const { sip, h, tick } = setup(t, { sales: { agents: AGENTS, ringTimeoutMs: 10_000, noAnswerReason: "RNA" } });
  h.ready("1001");
  await sip.offer({ dn: "5000" });
  await settle();
  await tick(1000);
  await sip.offer({ dn: "5000" });
  await settle();
  assert.deepEqual(targets(sip), ["1001"]);
  await tick(10_000);
  const agent = h.dns.agent("1001");
  assert.equal(agent?.state, "NotReady");
  assert.equal(agent?.reasonCode, "RNA");
  const [first, second] = h.model.history().reverse();
  assert.ok(first && second);
  assert.deepEqual(h.trace(first.connId).slice(-2), ["EventReleased@1001", "EventQueued@5000"]);
  const queued = h.events.filter((e) => e.name === "EventQueued" && e.connId === first.connId).at(-1);
  assert.equal(queued?.data.position, 1, "requeued at the head, ahead of the newer call");
  h.ready("1002");
  await settle();
  assert.deepEqual(targets(sip), ["1001", "1002"]);
  assert.equal(sip.outbound[1]?.options.headers?.["X-Tandem-ConnID"], first.connId);
});

test("queue time-out overflows to another queue (EventDiverted), then to refusal", { timeout: 180_000 }, async (t) => {
  const { sip, h, tick } = setup(t, {
    sales: { agents: ["1001"], timeoutMs: 30_000, overflow: { queue: "support" } },
    support: { agents: ["1002"], timeoutMs: 20_000 },
  });
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  await tick(30_000);
  const connId = h.model.active()[0]?.connId ?? "";
  assert.deepEqual(h.trace(connId).slice(-2), ["EventDiverted@5000", "EventQueued@5000"]);
  assert.equal(h.model.active()[0]?.queue, "support");
  await tick(20_000);
  assert.equal(invite.rejected, 480);
  assert.equal(h.model.get(connId)?.outcome, "rejected");
});

test("queue time-out overflow to a DN: the call is delivered there through the trunk", { timeout: 180_000 }, async (t) => {
  const { sip, tick } = setup(t, { sales: { agents: ["1001"], timeoutMs: 10_000, overflow: { dn: "8000" } } });
  await sip.offer({ dn: "5000" });
  await settle();
  await tick(10_000);
  assert.deepEqual(targets(sip), ["8000"]);
});

test("nobody logged in: refuse at once when configured", { timeout: 180_000 }, async (t) => {
  const { sip } = setup(t, { sales: { agents: AGENTS, whenNoAgents: "reject", rejectStatus: 480 } });
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(invite.rejected, 480);
});

test("CANCEL in queue: EventAbandoned and the queue is empty", { timeout: 180_000 }, async (t) => {
  const { sip, h, router } = setup(t, { sales: { agents: AGENTS } });
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(router.stats().find((s) => s.name === "sales")?.waiting, 1);
  invite.cancel();
  await settle();
  const [record] = h.model.history();
  assert.equal(record?.outcome, "abandoned");
  assert.equal(h.trace(record?.connId ?? "").at(-1), "EventAbandoned@5000");
  assert.equal(router.stats().find((s) => s.name === "sales")?.waiting, 0);
  assert.equal(router.tracked(), 0);
});

test("20 agents, 200 calls: no agent ever has two calls, every call ends with every leg released", { timeout: 180_000 }, async (t) => {
  const agents = Array.from({ length: 20 }, (_, i) => String(2000 + i));
  const { sip, h, router } = setup(t, { sales: { agents } }, agents.map((number) => ({ number, type: "Extension" as const })));
  let maxPerAgent = 0;
  h.bus.on("EventRinging", () => {
    for (const a of h.dns.agents()) maxPerAgent = Math.max(maxPerAgent, a.calls.length);
  });
  for (const dn of agents) h.ready(dn);
  const invites = await Promise.all(Array.from({ length: 200 }, () => sip.offer({ dn: "5000" })));
  await settle();
  let answered = 0;
  for (let round = 0; round < 30 && answered < 200; round++) {
    const ringing = sip.outbound.filter((o) => !o.leg && !o.cancelledWith);
    for (const out of ringing) {
      const leg = out.answer();
      answered++;
      await settle(3);
      leg.remoteBye();
    }
    await settle();
  }
  assert.equal(answered, 200);
  assert.equal(maxPerAgent, 1);
  assert.equal(h.model.active().length, 0);
  assert.ok(invites.every((i) => i.leg?.state === "terminated"));
  assert.ok(sip.outbound.every((o) => o.leg?.state === "terminated"));
  assert.ok(h.dns.agents().every((a) => a.calls.length === 0));
  assert.equal(h.model.history({ outcome: "answered", limit: 1000 }).length, 200);
  assert.equal(router.tracked(), 0, "the router forgets every call once it ends");
});

test("a call delivered at once and then refused is forgotten too", { timeout: 180_000 }, async (t) => {
  const { sip, h, router, tick } = setup(t, { sales: { agents: ["1001"], ringTimeoutMs: 1000, timeoutMs: 3000 } });
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(router.tracked(), 1);
  await tick(1000);
  await tick(3000);
  assert.equal(invite.rejected, 480);
  assert.equal(router.tracked(), 0);
});

test("a queue with skills only offers its calls to agents that have them, even when others idled longer", { timeout: 180_000 }, async (t) => {
  const { sip, h, tick } = setup(t, { sales: { agents: ["1001", "1004"], skills: ["es"] } }, [
    { number: "1004", type: "Extension", options: { skills: ["es", "billing"] } },
  ]);
  h.ready("1001");
  await tick(1000);
  h.ready("1004");
  await sip.offer({ dn: "5000" });
  await settle();
  assert.deepEqual(targets(sip), ["1004"]);
});
