/**
 * A supervisor monitoring a conference: a customer routed to agent 1001, agent 2 (1002) conferenced in through
 * RequestInitiateConference / RequestCompleteConference, then supervisor 1003 joins in mute (intrusion). The
 * conference shares its room, so the supervisor's party is added as a guest: the customer gets no re-INVITE for
 * it, the supervisor hears all three parties and none of them hears the supervisor. The supervisor leaving keeps
 * the conference in its room; the call's end closes it.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { until } from "../support/until.js";
import { callIn } from "./support/caller-phone.js";
import { misheard } from "./support/hearing.js";
import { AGENT, ROUTING_POINT, startSupervisionRig, SUPERVISOR } from "./support/supervision-rig.js";

const AGENT_2 = "1002";
const AGENT_TONE = 700;
const AGENT_2_TONE = 1300;
const SUPERVISOR_TONE = 1100;
const CUSTOMER_TONE = 1700;
const TONES = [AGENT_TONE, AGENT_2_TONE, SUPERVISOR_TONE, CUSTOMER_TONE];
const requester = { source: "desktop", supervisor: true };

after(() => killAllSipp());

test("a supervisor in mute on a three-party conference hears all three and nobody hears the supervisor", { timeout: 180_000 }, async (t) => {
  const rig = await startSupervisionRig(t, {
    phones: { [AGENT]: AGENT_TONE, [AGENT_2]: AGENT_2_TONE, [SUPERVISOR]: SUPERVISOR_TONE },
    supervision: { intrusionEnabled: true },
    conferencing: true,
  });
  const agent = rig.phones.get(AGENT);
  const agent2 = rig.phones.get(AGENT_2);
  const supervisor = rig.phones.get(SUPERVISOR);
  assert.ok(agent && agent2 && supervisor && rig.conf);
  rig.h.ready(AGENT);
  rig.h.ready(AGENT_2);
  const customer = await callIn({ port: rig.sipPort, service: ROUTING_POINT }, CUSTOMER_TONE);
  t.after(() => customer.close());
  const connId = (await rig.waitFor("EventEstablished", (e) => e.dn === AGENT)).connId;
  assert.ok(connId);

  const base = (referenceId: string) => ({ dn: AGENT, referenceId, source: "desktop" });
  const consult = await rig.conf.initiateConference({ ...base("c1"), connId, destination: AGENT_2 });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === AGENT_2);
  await rig.conf.completeConference({ ...base("c2"), connId: consult.connId, heldConnId: connId });
  await rig.waitFor("EventPartyChanged", (e) => e.dn === AGENT_2 && e.connId === connId);
  const rooms = rig.rooms.health().rooms;
  const customerReinvites = customer.reinvites();

  await rig.control.monitorNextCall({ dn: SUPERVISOR, agentDn: AGENT, referenceId: "s1", requester, mode: "mute" });
  await rig.waitFor("EventPartyAdded", (e) => e.dn === SUPERVISOR && e.connId === connId);
  assert.equal(customer.reinvites(), customerReinvites, "the supervisor joins the conference's room: no re-INVITE of the customer");
  assert.equal(rig.rooms.health().rooms, rooms, "no room of its own");
  const joined = performance.now();
  await sleep(2000);
  const from = joined + 500;
  const to = joined + 2000;
  assert.equal(misheard(supervisor, TONES, from, to, [AGENT_TONE, AGENT_2_TONE, CUSTOMER_TONE]), undefined, "the supervisor hears all three");
  assert.equal(misheard(agent, TONES, from, to, [AGENT_2_TONE, CUSTOMER_TONE]), undefined, "agent 1 does not hear the supervisor");
  assert.equal(misheard(agent2, TONES, from, to, [AGENT_TONE, CUSTOMER_TONE]), undefined, "agent 2 does not hear the supervisor");
  assert.equal(misheard(customer, TONES, from, to, [AGENT_TONE, AGENT_2_TONE]), undefined, "the customer does not hear the supervisor");

  await rig.control.cancelMonitoring({ dn: SUPERVISOR, referenceId: "x1", requester });
  assert.equal(sippOk(await supervisor.sipp), undefined, "the supervisor's phone got its BYE");
  const left = performance.now();
  await sleep(1500);
  assert.equal(misheard(customer, TONES, left + 300, left + 1500, [AGENT_TONE, AGENT_2_TONE]), undefined, "the conference goes on in its room");
  assert.equal(customer.reinvites(), customerReinvites, "nor does leaving re-INVITE the customer");

  await rig.h.model.callControl.releaseCall({ dn: AGENT, referenceId: "r1", source: "desktop", connId });
  await rig.h.model.callControl.releaseCall({ dn: AGENT_2, referenceId: "r2", source: "desktop", connId });
  assert.equal(sippOk(await customer.sipp), undefined, "customer");
  await until(() => rig.rooms.health().rooms === 0, 10_000);
});
