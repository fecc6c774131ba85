/**
 * Monitoring ends when the supervisor logs out, with real phones: the supervisor's phone gets its BYE,
 * EventPartyDeleted and EventMonitoringCancelled (cause `logout`) go to both DNs, the call's media goes back to a
 * direct bridge (the room closes, the agent can hold again) and the customer and the agent go on hearing each other.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { until } from "../support/until.js";
import { misheard } from "./support/hearing.js";
import { AGENT, AGENT_TONE, CUSTOMER_TONE, startWithAgentAndSupervisor, SUPERVISOR, SUPERVISOR_TONE } from "./support/supervision-rig.js";

const CUSTOMER = "5550100";
const TONES = [AGENT_TONE, SUPERVISOR_TONE, CUSTOMER_TONE];

after(() => killAllSipp());

test("the supervisor logging out leaves the call, whose media goes back to a direct bridge; the customer and the agent talk on", { timeout: 180_000 }, async (t) => {
  const { rig, agent, supervisor } = await startWithAgentAndSupervisor(t, { [CUSTOMER]: CUSTOMER_TONE });
  const customer = rig.phones.get(CUSTOMER);
  assert.ok(customer);
  rig.h.ready(AGENT);
  rig.h.ready(SUPERVISOR);
  const { connId } = await rig.h.model.callControl.makeCall({ dn: AGENT, referenceId: "m1", source: "desktop", destination: CUSTOMER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  await rig.control.monitorNextCall({ dn: SUPERVISOR, agentDn: AGENT, referenceId: "s1", requester: { source: "desktop", supervisor: true }, mode: "connect" });
  await rig.waitFor("EventPartyAdded", (e) => e.dn === SUPERVISOR && e.connId === connId);
  await sleep(800);

  rig.h.dns.requestAgentState({ dn: SUPERVISOR, request: "Logout", source: "desktop" });
  await rig.waitFor("EventMonitoringCancelled", (e) => e.dn === AGENT);
  const ends = rig.h.events.filter((e) => e.connId === connId || e.name === "EventMonitoringCancelled").filter((e) => ["EventPartyDeleted", "EventMonitoringCancelled"].includes(e.name));
  assert.deepEqual(ends.map((e) => `${e.name}@${e.dn}:${String(e.data["cause"])}`), [
    `EventPartyDeleted@${SUPERVISOR}:logout`,
    `EventPartyDeleted@${AGENT}:logout`,
    `EventMonitoringCancelled@${SUPERVISOR}:logout`,
    `EventMonitoringCancelled@${AGENT}:logout`,
  ]);
  assert.equal(sippOk(await supervisor.sipp), undefined, "the supervisor's phone got its BYE");
  await until(() => rig.rooms.health().rooms === 0, 8000, "the room closed once the media went back to the model");
  const left = performance.now();
  await sleep(1200);
  assert.equal(rig.h.model.active().length, 1, "the call goes on");
  assert.equal(misheard(agent, TONES, left + 300, left + 1200, [CUSTOMER_TONE]), undefined, "the agent hears the customer only");
  assert.equal(misheard(customer, TONES, left + 300, left + 1200, [AGENT_TONE]), undefined, "the customer hears the agent only");
  const request = { dn: AGENT, source: "desktop", connId };
  await rig.h.model.callControl.holdCall({ ...request, referenceId: "h1" });
  await rig.h.model.callControl.retrieveCall({ ...request, referenceId: "h2" });
  await rig.h.model.callControl.releaseCall({ dn: AGENT, referenceId: "r1", source: "desktop", connId });
  assert.equal(sippOk(await customer.sipp), undefined, "customer");
  assert.equal(sippOk(await agent.sipp), undefined, "agent");
});
