/**
 * A phone that answers 486 is not offered the same call again at once (end to end: sipp customer, sipp agent
 * phones behind a `selectTrunk` handler that gives each agent its own sipp port, the routing plugin's router).
 * The busy agent is held off routed calls for `calls.busyHoldOffMs`: the call goes to another Ready agent, or
 * waits in its queue and is offered again once the hold-off is over; `calls.busyNotReady` also makes it NotReady
 * (the ring-no-answer mechanism: only a person's Ready lifts it).
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { selectTrunk } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { sippUas } from "../support/sipp-peers.js";
import type { CallsConfig } from "../../core/src/calls/index.js";
import { sleep, startSippCalls } from "./support/sipp-calls.js";

const ok = (r: { successful: number; failed: number; errors: string; stderr: string }) => {
  assert.equal(r.failed, 0, r.errors || r.stderr);
  assert.equal(r.successful, 1, r.errors || r.stderr);
};

/** The sipp rig with agents 1001 and 1002 each at its own phone port. */
async function busyRig(t: TestContext, config: Partial<CallsConfig>) {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001", "1002"] } }, config });
  const ports = { "1001": await freePort(), "1002": await freePort() } as const;
  rig.h.hooks.tap(selectTrunk, (r) => ({ trunk: "cucm", target: `sip:${r.destination}@127.0.0.1:${ports[r.destination as "1001" | "1002"]}` }));
  return { rig, phone: (dn: "1001" | "1002") => sippUas(ports[dn]) };
}

/** Agent legs of the call: [dn, final status]. */
function agentLegs(rig: Awaited<ReturnType<typeof startSippCalls>>): Array<[string | undefined, number | undefined]> {
  const [record] = rig.h.model.history();
  return (record?.legs ?? []).filter((l) => l.role === "agent").map((l) => [l.dn, l.status]);
}

test("the only Ready agent answers 486: the call waits in queue, is not re-offered within the hold-off, then is answered", { timeout: 180_000 }, async (t) => {
  const { rig, phone } = await busyRig(t, { busyHoldOffMs: 1500 });
  rig.h.ready("1001");
  const busy = phone("1001")("desktop-far-busy.xml");
  await sleep(200);
  const customer = rig.customer("calls-customer-bye.xml", "5000", { timeoutS: 30 });
  ok(await busy);
  const requeued = await rig.h.waitFor("EventQueued");
  const busyAt = Date.now();
  assert.equal(rig.h.dns.agent("1001")?.state, "Ready", "busy is not NotReady unless busyNotReady");
  // The same phone, free now, answers the next offer.
  const answer = phone("1001")("calls-agent-answer.xml");
  ok(await customer);
  ok(await answer);
  await sleep(50);
  const ringings = rig.h.events.filter((e) => e.name === "EventRinging" && e.connId === requeued.connId);
  assert.equal(ringings.length, 2, "offered once, then once more after the hold-off");
  const reofferMs = Date.parse(ringings[1]?.ts ?? "") - busyAt;
  assert.ok(reofferMs >= 1200, `offered again ${reofferMs} ms after the 486`);
  assert.deepEqual(agentLegs(rig), [["1001", 486], ["1001", 200]]);
  assert.equal(rig.h.model.get(requeued.connId ?? "")?.outcome, "answered");
  assert.equal(rig.h.events.find((e) => e.name === "EventReleased" && e.connId === requeued.connId)?.data.cause, "busy");
});

test("busy with another agent Ready: the call goes to that agent at once; busyNotReady makes the busy one NotReady (Busy)", { timeout: 180_000 }, async (t) => {
  const { rig, phone } = await busyRig(t, { busyNotReady: true });
  rig.h.ready("1001");
  await sleep(20);
  rig.h.ready("1002"); // 1001 has been idle longest: it is offered first
  const busy = phone("1001")("desktop-far-busy.xml");
  const answer = phone("1002")("calls-agent-answer.xml");
  await sleep(200);
  ok(await rig.customer("calls-customer-bye.xml", "5000"));
  ok(await busy);
  ok(await answer);
  await sleep(50);
  assert.deepEqual(agentLegs(rig), [["1001", 486], ["1002", 200]]);
  assert.equal(rig.h.events.filter((e) => e.name === "EventQueued").length, 0, "no wait: another agent was Ready");
  const agent = rig.h.dns.agent("1001");
  assert.deepEqual([agent?.state, agent?.reasonCode], ["NotReady", "Busy"]);
  // As after a ring-no-answer: the phone idle again (presence) does not lift it, the desktop does.
  assert.equal(rig.h.dns.requestAgentState({ dn: "1001", request: "Ready", source: "presence" }).code, "TANDEM_ERR_AGENT_PRIORITY");
  assert.equal(rig.h.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" }).applied, true);
});
