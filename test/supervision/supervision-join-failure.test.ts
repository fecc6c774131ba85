/**
 * A supervisor's phone that cannot be reached (no trunk leads to it): the supervisor gets EventError, the one-call
 * monitoring ends (EventMonitoringCancelled, cause `join-failed`), the call's media goes back to a direct bridge
 * (the room closes) and the customer and the agent go on hearing each other.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { until } from "../support/until.js";
import { misheard } from "./support/hearing.js";
import { AGENT, startSupervisionRig, SUPERVISOR } from "./support/supervision-rig.js";

const AGENT_TONE = 700;
const CUSTOMER_TONE = 1700;
const CUSTOMER = "5550100";
const TONES = [AGENT_TONE, CUSTOMER_TONE];

after(() => killAllSipp());

test("a supervisor's phone that cannot be rung: EventError, the monitoring ends, the call goes on bridged directly", { timeout: 180_000 }, async (t) => {
  // No phone for the supervisor's DN: selectTrunk finds no trunk for it.
  const rig = await startSupervisionRig(t, { phones: { [AGENT]: AGENT_TONE, [CUSTOMER]: CUSTOMER_TONE } });
  const agent = rig.phones.get(AGENT);
  const customer = rig.phones.get(CUSTOMER);
  assert.ok(agent && customer);
  rig.h.ready(AGENT);
  const { connId } = await rig.h.model.callControl.makeCall({ dn: AGENT, referenceId: "m1", source: "desktop", destination: CUSTOMER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  await rig.control.monitorNextCall({ dn: SUPERVISOR, agentDn: AGENT, referenceId: "s1", requester: { source: "desktop", supervisor: true } });

  const error = await rig.waitFor("EventError", (e) => e.dn === SUPERVISOR);
  assert.equal(error.connId, connId);
  assert.match(String(error.data["code"]), /^TANDEM_ERR_/);
  const cancelled = await rig.waitFor("EventMonitoringCancelled", (e) => e.dn === AGENT);
  assert.equal(cancelled.data["cause"], "join-failed");
  assert.ok(!rig.h.events.some((e) => e.name === "EventPartyAdded"), "the supervisor was never added");
  assert.deepEqual(rig.control.list(), []);
  await until(() => rig.rooms.health().rooms === 0, 8000, "the room closed once the media went back to the model");

  const back = performance.now();
  await sleep(1200);
  assert.equal(misheard(agent, TONES, back + 300, back + 1200, [CUSTOMER_TONE]), undefined, "the agent hears the customer");
  assert.equal(misheard(customer, TONES, back + 300, back + 1200, [AGENT_TONE]), undefined, "the customer hears the agent");
  assert.equal(rig.h.model.active().length, 1, "the call goes on");
  await rig.h.model.callControl.releaseCall({ dn: AGENT, referenceId: "r1", source: "desktop", connId });
  assert.equal(sippOk(await customer.sipp), undefined, "customer");
  assert.equal(sippOk(await agent.sipp), undefined, "agent");
});
