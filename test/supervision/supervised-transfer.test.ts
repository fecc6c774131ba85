/**
 * A supervised call transferred to a second agent with a consultation, with real audio: agent 1001's phone calls
 * a customer, supervisor 1003 monitors it (mute: the call's legs move into the supervision room), 1001 consults
 * 1002 (the supervision room lends the legs to the call model for the hold and consultation) and completes the
 * transfer (the customer and 1002 come back into the same room, 1002 in 1001's seat). Every phone is a sipp party
 * phone sending its own tone. The supervisor stays on the room throughout: it hears the customer and agent 1, then
 * silence while the customer is held and agent 1 consults, then the customer and agent 2. An owner that does not
 * take legs back (no `rejoin`) keeps the call from being held or consulted, untouched. A coach's whisper follows a
 * single-step transfer to agent 2 (the target takes agent 1's seat, which the whisper names). A conference made on
 * a monitored call stays in the supervision room, the supervisor hearing all three. The last supervisor leaving a
 * held call gives the media back when it is retrieved (the phones bridged directly, the room closed).
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { MonitorMode } from "@tandem/sdk";
import { describeSegments, fractionHearing, toneSegments } from "@tandem/sdk/testing/media";
import { misheard as heardOtherThan } from "./support/hearing.js";
import { until } from "../support/until.js";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import type { PartyPhone } from "../conferencing/support/party-phone.js";
import { SharingOwner } from "./support/sharing-owner.js";
import { AGENT, AGENT_TONE, CUSTOMER_TONE, routedCallToAgent, startSupervisionRig, startWithAgentAndSupervisor, SUPERVISOR, SUPERVISOR_TONE, type SupervisionRig } from "./support/supervision-rig.js";

const CUSTOMER = "5550100";
const AGENT_2 = "1002";
const AGENT_2_TONE = 400;
const TONES = [AGENT_TONE, SUPERVISOR_TONE, CUSTOMER_TONE, AGENT_2_TONE];
const requester = { source: "desktop", principal: "supervisor", supervisor: true };

after(() => killAllSipp());

/** Agent 1 calls the customer and the supervisor monitors it in `mode`; resolves with the call once the supervisor is on it. */
async function monitoredCall(rig: SupervisionRig, mode: MonitorMode): Promise<string> {
  rig.h.ready(AGENT);
  const { connId } = await rig.h.model.callControl.makeCall({ dn: AGENT, referenceId: "m1", source: "desktop", destination: CUSTOMER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  await rig.control.monitorNextCall({ dn: SUPERVISOR, agentDn: AGENT, referenceId: "s1", requester, mode });
  await rig.waitFor("EventPartyAdded", (e) => e.dn === SUPERVISOR && e.connId === connId);
  return connId;
}

const misheard = (phone: PartyPhone, fromMs: number, toMs: number, tones: number[]): string | undefined => heardOtherThan(phone, TONES, fromMs, toMs, tones);

test("a monitored call transferred after a consultation: the supervisor hears customer and agent 1, silence while held, then customer and agent 2", { timeout: 180_000 }, async (t) => {
  const { rig, agent, supervisor } = await startWithAgentAndSupervisor(t, { [CUSTOMER]: CUSTOMER_TONE, [AGENT_2]: AGENT_2_TONE });
  const customer = rig.phones.get(CUSTOMER);
  const agent2 = rig.phones.get(AGENT_2);
  assert.ok(customer && agent2);
  const cc = rig.h.model.callControl;
  const connId = await monitoredCall(rig, "mute");
  const joined = performance.now();
  await sleep(1500);
  assert.equal(misheard(supervisor, joined + 300, joined + 1500, [AGENT_TONE, CUSTOMER_TONE]), undefined, "the supervisor hears the customer and agent 1");

  const held = performance.now();
  const consult = await cc.initiateTransfer({ dn: AGENT, referenceId: "t1", source: "desktop", connId, destination: AGENT_2 });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === AGENT_2);
  await sleep(1500);
  const consulted = performance.now();
  assert.equal(misheard(agent, consulted - 1000, consulted, [AGENT_2_TONE]), undefined, "agent 1 talks to agent 2");
  const onHold = supervisor.heard(TONES, held);
  assert.ok(fractionHearing(onHold, [], held + 800, consulted) >= 0.9, `the supervisor hears silence while the customer is held: ${describeSegments(toneSegments(onHold))}`);

  await cc.completeTransfer({ dn: AGENT, referenceId: "t2", source: "desktop", connId: consult.connId, heldConnId: connId });
  const transferred = performance.now();
  await sleep(2000);
  assert.equal(misheard(supervisor, transferred + 500, transferred + 2000, [AGENT_2_TONE, CUSTOMER_TONE]), undefined, "the supervisor hears the customer and agent 2");
  assert.equal(misheard(customer, transferred + 500, transferred + 2000, [AGENT_2_TONE]), undefined, "the customer hears agent 2 only");
  assert.equal(misheard(agent2, transferred + 500, transferred + 2000, [CUSTOMER_TONE]), undefined, "agent 2 hears the customer only");
  assert.deepEqual(
    rig.h.events.filter((e) => e.dn === SUPERVISOR && ["EventPartyDeleted", "EventMonitoringCancelled"].includes(e.name)).map((e) => e.name),
    [],
    "the supervisor stayed on the call",
  );
  assert.equal(sippOk(await agent.sipp), undefined, "agent 1's phone got its BYE");

  await cc.releaseCall({ dn: AGENT_2, referenceId: "r1", source: "desktop", connId });
  await rig.waitFor("EventMonitoringCancelled", (e) => e.dn === SUPERVISOR);
  for (const [name, phone] of [["customer", customer], ["agent 2", agent2], ["supervisor", supervisor]] as const) assert.equal(sippOk(await phone.sipp), undefined, name);
});

test("an owner without rejoin: hold and consultation are refused and the call stays in its room", { timeout: 180_000 }, async (t) => {
  const { rig, agent } = await startWithAgentAndSupervisor(t);
  const { customer, connId } = await routedCallToAgent(t, rig);
  const owner = new SharingOwner(rig.rooms, rig.takeover);
  await owner.take(connId);
  const cc = rig.h.model.callControl;
  const request = { dn: AGENT, source: "desktop", connId };
  await assert.rejects(cc.holdCall({ ...request, referenceId: "h1" }), { code: "TANDEM_ERR_CALL_CONTROL_BAD_STATE" });
  await assert.rejects(cc.initiateTransfer({ ...request, referenceId: "t1", destination: AGENT_2 }), { code: "TANDEM_ERR_CALL_CONTROL_BAD_STATE" });
  await assert.rejects(cc.singleStepTransfer({ ...request, referenceId: "t2", destination: AGENT_2 }), { code: "TANDEM_ERR_CALL_CONTROL_BAD_STATE" });
  assert.equal(customer.reinvites(), 1, "only the owner's move re-INVITEd the customer");
  const since = performance.now();
  await sleep(1000);
  assert.equal(heardOtherThan(agent, [AGENT_TONE, CUSTOMER_TONE], since + 300, since + 1000, [CUSTOMER_TONE]), undefined, "the call goes on in the owner's room");
  await cc.releaseCall({ ...request, referenceId: "r1" });
  assert.equal(sippOk(await customer.sipp), undefined, "customer");
  assert.equal(sippOk(await agent.sipp), undefined, "agent");
});

test("a coached call single-step transferred: the coach's whisper goes on to agent 2, in agent 1's seat", { timeout: 180_000 }, async (t) => {
  const { rig, supervisor } = await startWithAgentAndSupervisor(t, { [CUSTOMER]: CUSTOMER_TONE, [AGENT_2]: AGENT_2_TONE });
  const customer = rig.phones.get(CUSTOMER);
  const agent2 = rig.phones.get(AGENT_2);
  assert.ok(customer && agent2);
  const cc = rig.h.model.callControl;
  const connId = await monitoredCall(rig, "coach");
  await sleep(500);
  await cc.singleStepTransfer({ dn: AGENT, referenceId: "t1", source: "desktop", connId, destination: AGENT_2 });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId && e.dn === AGENT_2);
  const transferred = performance.now();
  await sleep(2000);
  assert.equal(misheard(agent2, transferred + 500, transferred + 2000, [SUPERVISOR_TONE, CUSTOMER_TONE]), undefined, "agent 2 hears the coach and the customer");
  assert.equal(misheard(customer, transferred + 500, transferred + 2000, [AGENT_2_TONE]), undefined, "the customer hears agent 2, not the coach");
  assert.equal(misheard(supervisor, transferred + 500, transferred + 2000, [AGENT_2_TONE, CUSTOMER_TONE]), undefined, "the coach hears the customer and agent 2");
  await cc.releaseCall({ dn: AGENT_2, referenceId: "r1", source: "desktop", connId });
  await rig.waitFor("EventMonitoringCancelled", (e) => e.dn === SUPERVISOR);
  for (const [name, phone] of [["customer", customer], ["agent 2", agent2], ["supervisor", supervisor]] as const) assert.equal(sippOk(await phone.sipp), undefined, name);
});

test("a monitored call conferenced with agent 2: the supervision room carries the conference and the supervisor hears all three", { timeout: 180_000 }, async (t) => {
  const rig = await startSupervisionRig(t, { phones: { [AGENT]: AGENT_TONE, [SUPERVISOR]: SUPERVISOR_TONE, [CUSTOMER]: CUSTOMER_TONE, [AGENT_2]: AGENT_2_TONE }, conferencing: true });
  const [agent, supervisor, customer, agent2] = [AGENT, SUPERVISOR, CUSTOMER, AGENT_2].map((dn) => rig.phones.get(dn));
  assert.ok(agent && supervisor && customer && agent2 && rig.conf);
  const cc = rig.h.model.callControl;
  const connId = await monitoredCall(rig, "mute");
  const rooms = rig.rooms.health().rooms;
  const consult = await rig.conf.initiateConference({ dn: AGENT, referenceId: "c1", source: "desktop", connId, destination: AGENT_2 });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === AGENT_2);
  await rig.conf.completeConference({ dn: AGENT, referenceId: "c2", source: "desktop", connId: consult.connId, heldConnId: connId });
  const joined = performance.now();
  await sleep(2500);
  assert.equal(misheard(supervisor, joined + 800, joined + 2500, [AGENT_TONE, AGENT_2_TONE, CUSTOMER_TONE]), undefined, "the supervisor hears all three");
  assert.equal(misheard(customer, joined + 800, joined + 2500, [AGENT_TONE, AGENT_2_TONE]), undefined, "the customer hears both agents");
  assert.equal(misheard(agent2, joined + 800, joined + 2500, [AGENT_TONE, CUSTOMER_TONE]), undefined, "agent 2 hears agent 1 and the customer");
  assert.ok(rig.rooms.health().rooms <= rooms, "no room of the conferencing plugin's was added for the call");
  await cc.releaseCall({ dn: AGENT_2, referenceId: "r2", source: "desktop", connId });
  await cc.releaseCall({ dn: AGENT, referenceId: "r1", source: "desktop", connId });
  await rig.waitFor("EventMonitoringCancelled", (e) => e.dn === SUPERVISOR);
  for (const [name, phone] of [["customer", customer], ["agent 1", agent], ["agent 2", agent2], ["supervisor", supervisor]] as const) assert.equal(sippOk(await phone.sipp), undefined, name);
});

test("the last supervisor leaving while the call is held: the retrieve bridges the phones directly and the room closes", { timeout: 180_000 }, async (t) => {
  const { rig, agent, supervisor } = await startWithAgentAndSupervisor(t, { [CUSTOMER]: CUSTOMER_TONE });
  const customer = rig.phones.get(CUSTOMER);
  assert.ok(customer);
  const cc = rig.h.model.callControl;
  const connId = await monitoredCall(rig, "mute");
  await cc.holdCall({ dn: AGENT, referenceId: "h1", source: "desktop", connId });
  await rig.control.cancelMonitoring({ dn: SUPERVISOR, referenceId: "c1", requester });
  assert.equal(sippOk(await supervisor.sipp), undefined, "the supervisor's phone got its BYE");
  assert.equal(rig.rooms.health().rooms, 1, "the room stays while the legs are lent");
  await cc.retrieveCall({ dn: AGENT, referenceId: "h2", source: "desktop", connId });
  await until(() => rig.rooms.health().rooms === 0, 8000, "the room closed once the legs were bridged directly");
  await until(() => agent.target() === customer.party.port && customer.target() === agent.party.port, 5000, "the phones sending to each other");
  const direct = performance.now();
  await sleep(1200);
  assert.equal(misheard(customer, direct + 300, direct + 1200, [AGENT_TONE]), undefined, "the customer hears the agent directly");
  await cc.releaseCall({ dn: AGENT, referenceId: "r1", source: "desktop", connId });
  assert.equal(sippOk(await customer.sipp), undefined, "customer");
  assert.equal(sippOk(await agent.sipp), undefined, "agent");
});
