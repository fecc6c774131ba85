/**
 * Next-call monitoring with real audio: supervisor 1003 asks to monitor agent 1001 while the agent is idle; the
 * customer's next call, routed from routing point 5000 to the agent, is joined silently (mute) and heard by the
 * supervisor, neither party hearing it. A second supervisor (1002, allowed by maxSupervisorsPerAgent 2) joining
 * the same call in progress adds no re-INVITE for the customer: the move into the room is the only one it gets.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { misheard as heardOtherThan, type Listener } from "./support/hearing.js";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { AGENT, ROUTING_POINT, startSupervisionRig, SUPERVISOR } from "./support/supervision-rig.js";
import { callIn } from "./support/caller-phone.js";

const AGENT_TONE = 700;
const SUPERVISOR_TONE = 1100;
const SECOND_TONE = 2300;
const CUSTOMER_TONE = 1700;
const TONES = [AGENT_TONE, SUPERVISOR_TONE, SECOND_TONE, CUSTOMER_TONE];
const SECOND = "1002";
const requester = { source: "desktop", principal: "supervisor", supervisor: true };

after(() => killAllSipp());

const misheard = (phone: Listener, fromMs: number, toMs: number, tones: number[]): string | undefined => heardOtherThan(phone, TONES, fromMs, toMs, tones);

test("the agent's next routed call is joined in mute; a second supervisor joins without a re-INVITE of the customer", { timeout: 180_000 }, async (t) => {
  const rig = await startSupervisionRig(t, {
    phones: { [AGENT]: AGENT_TONE, [SUPERVISOR]: SUPERVISOR_TONE, [SECOND]: SECOND_TONE },
    supervision: { teams: [{ name: "blue", supervisors: [SUPERVISOR, SECOND], agents: [AGENT], queues: [] }], maxSupervisorsPerAgent: 2 },
  });
  const agent = rig.phones.get(AGENT);
  const supervisor = rig.phones.get(SUPERVISOR);
  const second = rig.phones.get(SECOND);
  assert.ok(agent && supervisor && second);
  rig.h.ready(AGENT);
  const waiting = await rig.control.monitorNextCall({ dn: SUPERVISOR, agentDn: AGENT, referenceId: "n1", requester });
  assert.equal(waiting.state, "waiting", "the agent has no call: the next one is waited for");

  const customer = await callIn({ port: rig.sipPort, service: ROUTING_POINT }, CUSTOMER_TONE);
  t.after(() => customer.close());
  const established = await rig.waitFor("EventEstablished", (e) => e.dn === AGENT);
  const connId = established.connId;
  assert.ok(connId);
  const added = await rig.waitFor("EventPartyAdded", (e) => e.dn === SUPERVISOR && e.connId === connId);
  assert.equal(added.data["MonitorMode"], "mute");
  const joined = performance.now();
  await sleep(1500);
  assert.equal(misheard(supervisor, joined + 300, joined + 1500, [AGENT_TONE, CUSTOMER_TONE]), undefined, "the supervisor hears both");
  assert.equal(misheard(agent, joined + 300, joined + 1500, [CUSTOMER_TONE]), undefined, "the agent hears only the customer");
  assert.equal(misheard(customer, joined + 300, joined + 1500, [AGENT_TONE]), undefined, "the customer hears only the agent");
  assert.equal(customer.reinvites(), 1, "one re-INVITE moved the customer into the room");

  await rig.control.monitorNextCall({ dn: SECOND, agentDn: AGENT, referenceId: "n2", requester, mode: "connect" });
  await rig.waitFor("EventPartyAdded", (e) => e.dn === SECOND && e.connId === connId);
  const barged = performance.now();
  await sleep(1500);
  assert.equal(misheard(customer, barged + 300, barged + 1500, [AGENT_TONE, SECOND_TONE]), undefined, "the customer hears the barging supervisor, not the silent one");
  assert.equal(misheard(supervisor, barged + 300, barged + 1500, [AGENT_TONE, SECOND_TONE, CUSTOMER_TONE]), undefined, "the silent supervisor hears all three");
  assert.equal(customer.reinvites(), 1, "the room already existed: no new re-INVITE for the customer");

  await rig.h.model.callControl.releaseCall({ dn: AGENT, referenceId: "r1", source: "desktop", connId });
  await rig.waitFor("EventMonitoringCancelled", (e) => e.dn === SECOND);
  await rig.waitFor("EventMonitoringCancelled", (e) => e.dn === SUPERVISOR);
  assert.equal(sippOk(await customer.sipp), undefined, "customer");
  for (const [name, phone] of [["agent", agent], ["supervisor", supervisor], ["second supervisor", second]] as const) assert.equal(sippOk(await phone.sipp), undefined, name);
  assert.deepEqual(rig.control.list(), []);
  assert.deepEqual(rig.h.dns.agent(AGENT)?.calls, []);
});
