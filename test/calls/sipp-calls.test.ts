/**
 * Contact-centre calls end to end over real sockets: sipp plays the PBX trunk (customer UAC) and the agent
 * phones (UAS at the trunk contact); Tandem's SIP stack, call model, registry, bus and routing plugin in between.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { sleep, startSippCalls } from "./support/sipp-calls.js";

const ok = (r: { code: number | null; successful: number; failed: number; errors: string; stderr: string }, n = 1) => {
  assert.equal(r.failed, 0, r.errors || r.stderr);
  assert.equal(r.successful, n, r.errors || r.stderr);
};

test("Ready agent answers, the customer hangs up: events in order, agent back to Ready, record right", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } } });
  rig.h.ready("1001");
  const agent = rig.agents("calls-agent-answer.xml");
  await sleep(200);
  const customer = await rig.customer("calls-customer-bye.xml", "5000", { durationMs: 300 });
  ok(customer);
  ok(await agent);
  await sleep(50);
  const [record] = rig.h.model.history();
  assert.ok(record);
  assert.deepEqual(rig.h.trace(record.connId), [
    "EventRouteRequest@5000",
    "EventRouteUsed@5000",
    "EventRinging@1001",
    "EventEstablished@1001",
    "EventReleased@1001",
  ]);
  const released = rig.h.events.find((e) => e.name === "EventReleased");
  assert.equal(released?.data.ani, "5551234");
  assert.equal(released?.data.dnis, "5000");
  assert.equal(record.outcome, "answered");
  assert.equal(record.releasedBy, "customer");
  assert.equal(record.agentDn, "1001");
  assert.deepEqual(record.legs.map((l) => [l.role, l.status, l.endedBy]), [
    ["customer", 200, "remote"],
    ["agent", 200, "local"],
  ]);
  assert.equal(rig.h.dns.agent("1001")?.state, "Ready");
  assert.equal(rig.h.model.active().length, 0);
});

test("the agent hangs up: BYE relayed to the customer, record says agent", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } } });
  rig.h.ready("1001");
  const agent = rig.agents("calls-agent-hangup.xml", { durationMs: 300 });
  await sleep(200);
  ok(await rig.customer("calls-customer-wait-bye.xml", "5000"));
  ok(await agent);
  await sleep(50);
  const [record] = rig.h.model.history();
  assert.equal(record?.releasedBy, "agent");
  assert.equal(rig.h.trace(record?.connId ?? "").at(-1), "EventReleased@1001");
  assert.equal(rig.h.dns.agent("1001")?.state, "Ready");
});

test("no Ready agent: queued (180), delivered once the agent is made Ready", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } } });
  rig.h.dns.requestAgentState({ dn: "1001", request: "Login", source: "desktop" });
  const agent = rig.agents("calls-agent-answer.xml");
  await sleep(200);
  const customer = rig.customer("calls-customer-bye.xml", "5000");
  const queued = await rig.h.waitFor("EventQueued");
  await sleep(300);
  assert.equal(rig.h.model.active()[0]?.state, "Queued");
  rig.h.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
  ok(await customer);
  ok(await agent);
  await sleep(50);
  assert.deepEqual(rig.h.trace(queued.connId ?? ""), [
    "EventRouteRequest@5000",
    "EventQueued@5000",
    "EventRouteUsed@5000",
    "EventRinging@1001",
    "EventEstablished@1001",
    "EventReleased@1001",
  ]);
  const record = rig.h.model.get(queued.connId ?? "");
  assert.ok((record?.queueWaitMs ?? 0) >= 250, `queue wait ${record?.queueWaitMs}`);
});

test("the customer hangs up in queue (CANCEL): EventAbandoned, record abandoned", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } } });
  ok(await rig.customer("calls-customer-cancel.xml", "5000", { durationMs: 500 }));
  await sleep(50);
  const [record] = rig.h.model.history();
  assert.equal(record?.outcome, "abandoned");
  assert.deepEqual(rig.h.trace(record?.connId ?? ""), ["EventRouteRequest@5000", "EventQueued@5000", "EventAbandoned@5000"]);
  assert.equal(rig.router.stats()[0]?.waiting, 0);
});

test("ring-no-answer: the agent leg is cancelled, the call requeued, the agent NotReady with a reason", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"], ringTimeoutMs: 1000, noAnswerReason: "RNA" } } });
  rig.h.ready("1001");
  const agent = rig.agents("calls-agent-noanswer.xml");
  await sleep(200);
  const customer = rig.customer("calls-customer-cancel.xml", "5000", { durationMs: 2500 });
  ok(await agent);
  const requeued = await rig.h.waitFor("EventQueued");
  assert.equal(rig.h.dns.agent("1001")?.state, "NotReady");
  assert.equal(rig.h.dns.agent("1001")?.reasonCode, "RNA");
  ok(await customer);
  await sleep(50);
  assert.deepEqual(rig.h.trace(requeued.connId ?? ""), [
    "EventRouteRequest@5000",
    "EventRouteUsed@5000",
    "EventRinging@1001",
    "EventReleased@1001",
    "EventQueued@5000",
    "EventAbandoned@5000",
  ]);
  // Only a person lifts a ring-no-answer NotReady: presence (the phone idle again) is refused, the desktop is not.
  assert.equal(rig.h.dns.requestAgentState({ dn: "1001", request: "Ready", source: "presence" }).code, "TANDEM_ERR_AGENT_PRIORITY");
  assert.equal(rig.h.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" }).applied, true);
  const record = rig.h.model.get(requeued.connId ?? "");
  assert.deepEqual(record?.legs.map((l) => [l.role, l.endedBy]), [
    ["customer", "cancel"],
    ["agent", "no-answer"],
  ]);
});

test("direct DID call to an agent: no strategy, still events", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: {} });
  const agent = rig.agents("calls-agent-answer.xml");
  await sleep(200);
  ok(await rig.customer("calls-customer-bye.xml", "1002"));
  ok(await agent);
  await sleep(50);
  const [record] = rig.h.model.history();
  assert.equal(record?.outcome, "answered");
  assert.deepEqual(rig.h.trace(record?.connId ?? ""), ["EventRinging@1002", "EventEstablished@1002", "EventReleased@1002"]);
});

test("20 agents, 200 concurrent calls: no agent ever gets two calls, every call ends with every leg released", { timeout: 180_000 }, async (t) => {
  const agents = Array.from({ length: 20 }, (_, i) => String(2000 + i));
  const rig = await startSippCalls(t, { queues: { sales: { agents } }, agents });
  for (const dn of agents) rig.h.ready(dn);
  let maxCallsPerAgent = 0;
  let maxActive = 0;
  rig.h.bus.on("EventRinging", () => {
    for (const a of rig.h.dns.agents()) maxCallsPerAgent = Math.max(maxCallsPerAgent, a.calls.length);
    maxActive = Math.max(maxActive, rig.h.model.active().length);
  });
  const pbx = rig.agents("calls-agent-answer.xml", { calls: 200, timeoutS: 90 });
  await sleep(200);
  // 20 agents serve 10 calls a second at 2 s a call: the calls overlap however slowly a loaded machine lets sipp
  // send them (at 300 ms a call they were served nearly as fast as sent: 160-179 up at once with three runs side
  // by side, close to the 150 asserted).
  const customers = await rig.customer("calls-customer-bye.xml", "5000", { calls: 200, rate: 200, durationMs: 2000, timeoutS: 90 });
  ok(customers, 200);
  ok(await pbx, 200);
  await sleep(100);
  assert.equal(maxCallsPerAgent, 1);
  assert.ok(maxActive >= 150, `only ${maxActive} calls were up at once`);
  assert.equal(rig.h.model.active().length, 0);
  assert.ok(rig.h.dns.agents().every((a) => a.calls.length === 0 && a.state === "Ready"));
  const records = rig.h.model.history({ limit: 1000 });
  assert.equal(records.length, 200);
  assert.ok(records.every((r) => r.outcome === "answered" && r.legs.length === 2 && r.legs.every((l) => l.endedAt)));
  // Each agent took about its share (longest idle spreads the load).
  const perAgent = new Map<string, number>();
  for (const r of records) perAgent.set(r.agentDn ?? "", (perAgent.get(r.agentDn ?? "") ?? 0) + 1);
  assert.equal(perAgent.size, 20);
});

test("a media gateway connected straight to Tandem (over TCP): the only PBX leg is the agent's", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } } });
  rig.h.ready("1001");
  const agent = rig.agents("calls-agent-answer.xml");
  await sleep(200);
  ok(await rig.customer("calls-customer-bye.xml", "5000", { transport: "t1" }));
  ok(await agent);
  await sleep(50);
  const [record] = rig.h.model.history();
  assert.equal(record?.outcome, "answered");
  assert.deepEqual(record?.legs.map((l) => [l.role, l.direction]), [
    ["customer", "inbound"],
    ["agent", "outbound"],
  ]);
});

test("the customer hangs up while the agent's phone rings: the agent leg is cancelled, the agent freed", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"], ringTimeoutMs: 10_000 } } });
  rig.h.ready("1001");
  const agent = rig.agents("calls-agent-noanswer.xml");
  await sleep(200);
  ok(await rig.customer("calls-customer-cancel.xml", "5000", { durationMs: 600 }));
  ok(await agent);
  await sleep(50);
  const [record] = rig.h.model.history();
  assert.equal(record?.outcome, "abandoned");
  assert.deepEqual(rig.h.trace(record?.connId ?? ""), [
    "EventRouteRequest@5000",
    "EventRouteUsed@5000",
    "EventRinging@1001",
    "EventReleased@1001",
    "EventAbandoned@5000",
  ]);
  assert.equal(rig.h.dns.agent("1001")?.state, "Ready", "no NotReady: the agent did nothing wrong");
});

test("trunk failover: the primary contact never answers, the call goes through contact-backup", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"], ringTimeoutMs: 1000 } }, deadPrimary: true });
  rig.h.ready("1001");
  const agent = rig.agents("calls-agent-answer.xml");
  await sleep(200);
  ok(await rig.customer("calls-customer-bye.xml", "5000"));
  ok(await agent);
  await sleep(50);
  const [record] = rig.h.model.history();
  assert.equal(record?.outcome, "answered");
  assert.equal(record?.legs.length, 3, "customer, dead primary, backup");
  assert.equal(record?.legs[2]?.status, 200);
  assert.deepEqual(rig.h.trace(record?.connId ?? "").filter((e) => e.startsWith("EventRinging")), ["EventRinging@1001"]);
});
