/**
 * RequestSingleStepConference and a conference's end: agent 1001 adds agent 1002 in one request (answered once
 * 1002 joined), drops the customer (an agent may drop a remote party), and the two agents go on talking in the
 * room, hearing each other; RequestReleaseCall from 1002 then leaves 1001 alone, so the call is released and
 * every phone gets its BYE. A destination that refuses leaves the call as it was, with a coded error.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { fractionHearing } from "@tandem/sdk/testing/media";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { startConferenceRig, timeline } from "./support/conference-rig.js";
import type { PartyPhone } from "./support/party-phone.js";

const AGENT_1 = 700;
const AGENT_2 = 1100;
const CUSTOMER = 1700;
const CUSTOMER_NUMBER = "5550100";

after(() => killAllSipp());

test("single-step conference, the customer dropped by an agent, the agents talk on, the last one leaving ends the call", { timeout: 180_000 }, async (t) => {
  const rig = await startConferenceRig(t, { parties: { "1001": AGENT_1, "1002": AGENT_2, [CUSTOMER_NUMBER]: CUSTOMER } });
  const cc = rig.h.model.callControl;
  const [agent1, agent2, customer] = ["1001", "1002", CUSTOMER_NUMBER].map((n) => rig.parties.get(n)) as [PartyPhone, PartyPhone, PartyPhone];
  const { connId } = await cc.makeCall({ dn: "1001", referenceId: "m1", destination: CUSTOMER_NUMBER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);

  assert.deepEqual(await rig.conf.singleStepConference({ dn: "1001", referenceId: "s1", connId, destination: "1002" }), { connId });
  const joined = rig.h.events.filter((e) => e.name.startsWith("EventParty") && e.referenceId === "s1").map((e) => `${e.name}@${e.dn}`);
  assert.deepEqual(joined, ["EventPartyChanged@1002", "EventPartyAdded@1001"]);
  assert.deepEqual(rig.h.dns.agent("1002")?.calls, [connId]);

  await rig.conf.deleteFromConference({ dn: "1001", referenceId: "d1", connId, otherDn: CUSTOMER_NUMBER });
  assert.deepEqual(rig.h.events.filter((e) => e.referenceId === "d1").map((e) => `${e.name}@${e.dn}`), ["EventPartyDeleted@1001", "EventPartyDeleted@1002"]);
  assert.equal(sippOk(await customer.sipp), undefined, "the customer's phone got its BYE");
  const snapshot = rig.h.model.active().find((c) => c.connId === connId);
  assert.deepEqual(snapshot?.parties.filter((p) => p.until === undefined).map((p) => p.dn), ["1001", "1002"]);
  const twoAgents = performance.now();
  await sleep(2000);
  const windows = agent1.heard(rig.tones, twoAgents);
  assert.ok(fractionHearing(windows, [AGENT_2], twoAgents + 500, twoAgents + 2000) >= 0.9, `agent 1 hears agent 2 alone: ${timeline(windows)}`);

  // 1002 hangs up from its desktop: it leaves; 1001 alone is no conference, so the call ends.
  await cc.releaseCall({ dn: "1002", referenceId: "r2", connId });
  assert.deepEqual(rig.h.events.filter((e) => e.referenceId === "r2").map((e) => `${e.name}@${e.dn}`), ["EventReleased@1002", "EventPartyDeleted@1001", "EventReleased@1001"]);
  assert.equal(rig.h.model.active().length, 0);
  assert.equal(rig.h.model.get(connId)?.outcome, "answered");
  for (const dn of ["1001", "1002"]) assert.deepEqual(rig.h.dns.agent(dn)?.calls, [], `${dn} is free`);
  assert.equal(sippOk(await agent1.sipp), undefined);
  assert.equal(sippOk(await agent2.sipp), undefined);
});

test("a single-step conference to a number that refuses: a coded error and the call as it was", { timeout: 180_000 }, async (t) => {
  const rig = await startConferenceRig(t, { parties: { "1001": AGENT_1, [CUSTOMER_NUMBER]: CUSTOMER } });
  const cc = rig.h.model.callControl;
  const { connId } = await cc.makeCall({ dn: "1001", referenceId: "m1", destination: CUSTOMER_NUMBER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  // 1003 has no phone in the rig: no trunk takes it, so the consultation fails at once.
  await assert.rejects(rig.conf.singleStepConference({ dn: "1001", referenceId: "s1", connId, destination: "1003" }), { code: "TANDEM_ERR_CONFERENCE_NOT_ANSWERED" });
  await rig.waitFor("EventRetrieved", (e) => e.connId === connId);
  await cc.holdCall({ dn: "1001", referenceId: "h1", connId });
  await cc.retrieveCall({ dn: "1001", referenceId: "r1", connId });
  await cc.releaseCall({ dn: "1001", referenceId: "x1", connId });
  assert.deepEqual(rig.h.dns.agent("1001")?.calls, []);
});
