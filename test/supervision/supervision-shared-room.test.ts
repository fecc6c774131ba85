/**
 * A call whose media another feature already carries in a room it shares (a stand-in for a conference or a
 * recording): the supervisor joins that room as a guest in coach mode — the customer gets no re-INVITE for it,
 * only the agent hears the supervisor — and leaving hands the room back untouched, the call going on in it. And
 * the other way: a supervised call's room is kept while another feature uses it.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { until } from "../support/until.js";
import { misheard } from "./support/hearing.js";
import { SharingOwner } from "./support/sharing-owner.js";
import {
  AGENT,
  AGENT_TONE,
  CUSTOMER_TONE,
  routedCallToAgent,
  startWithAgentAndSupervisor,
  SUPERVISOR,
  SUPERVISOR_TONE,
} from "./support/supervision-rig.js";

const TONES = [AGENT_TONE, SUPERVISOR_TONE, CUSTOMER_TONE];
const requester = { source: "desktop", supervisor: true };

after(() => killAllSipp());

test("a supervisor coaches in another feature's shared room: no re-INVITE of the customer, the room left as it was", { timeout: 180_000 }, async (t) => {
  const { rig, agent, supervisor } = await startWithAgentAndSupervisor(t);
  const { customer, connId } = await routedCallToAgent(t, rig);
  const owner = new SharingOwner(rig.rooms, rig.takeover);
  await owner.take(connId);
  assert.equal(customer.reinvites(), 1, "the other feature moved the customer into its room");

  await rig.control.monitorNextCall({ dn: SUPERVISOR, agentDn: AGENT, referenceId: "s1", requester, mode: "coach" });
  await rig.waitFor("EventPartyAdded", (e) => e.dn === SUPERVISOR && e.connId === connId);
  assert.equal(owner.guests(), 1, "supervision listens to the owner's room");
  const joined = performance.now();
  await sleep(1500);
  assert.equal(misheard(agent, TONES, joined + 300, joined + 1500, [SUPERVISOR_TONE, CUSTOMER_TONE]), undefined, "the agent hears the supervisor");
  assert.equal(misheard(customer, TONES, joined + 300, joined + 1500, [AGENT_TONE]), undefined, "the customer does not");
  assert.equal(misheard(supervisor, TONES, joined + 300, joined + 1500, [AGENT_TONE, CUSTOMER_TONE]), undefined, "the supervisor hears both");
  assert.equal(customer.reinvites(), 1, "joining an existing room re-INVITEs nobody");

  await rig.control.cancelMonitoring({ dn: SUPERVISOR, referenceId: "c1", requester });
  assert.equal(sippOk(await supervisor.sipp), undefined, "the supervisor's phone got its BYE");
  assert.equal(owner.guests(), 0, "the guest left");
  assert.equal(rig.rooms.health().rooms, 1, "the owner's room is still there");
  const left = performance.now();
  await sleep(1000);
  assert.equal(misheard(agent, TONES, left + 300, left + 1000, [CUSTOMER_TONE]), undefined, "the call goes on in the owner's room");
  assert.equal(customer.reinvites(), 1);

  await rig.h.model.callControl.releaseCall({ dn: AGENT, referenceId: "r1", source: "desktop", connId });
  assert.equal(sippOk(await customer.sipp), undefined, "customer");
  assert.equal(sippOk(await agent.sipp), undefined, "agent");
});

test("a supervised call's room is shared: another feature's guest keeps it after the supervisor leaves, then it goes back to a direct bridge", { timeout: 180_000 }, async (t) => {
  const { rig } = await startWithAgentAndSupervisor(t);
  const { customer, connId } = await routedCallToAgent(t, rig);
  await rig.control.monitorNextCall({ dn: SUPERVISOR, agentDn: AGENT, referenceId: "s1", requester });
  await rig.waitFor("EventPartyAdded", (e) => e.dn === SUPERVISOR && e.connId === connId);

  const shared = rig.takeover.sharedRoom(connId);
  assert.ok(shared, "supervision shares its room");
  assert.equal(shared.agentPartyIds().length, 1);
  let ended = false;
  const stop = shared.onEnded(() => (ended = true));
  await rig.control.cancelMonitoring({ dn: SUPERVISOR, referenceId: "c1", requester });
  await sleep(500);
  assert.equal(rig.rooms.health().rooms, 1, "kept while a guest uses it");
  assert.equal(customer.reinvites(), 1);
  stop();
  await until(() => rig.rooms.health().rooms === 0, 8000, "the room closed once the last user left");
  assert.equal(ended, false, "a guest that left is not told of the end");
  assert.equal(customer.reinvites(), 2, "the media went back to a direct bridge");
  const back = performance.now();
  await sleep(1000);
  assert.equal(misheard(customer, TONES, back + 300, back + 1000, [AGENT_TONE]), undefined, "the customer hears the agent");
  await rig.h.model.callControl.releaseCall({ dn: AGENT, referenceId: "r1", source: "desktop", connId });
  assert.equal(sippOk(await customer.sipp), undefined, "customer");
});
