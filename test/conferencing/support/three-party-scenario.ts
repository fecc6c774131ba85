/**
 * The three-party conference scenario, run against whichever MCU the rig is given: agent 1001's phone calls a
 * customer (RequestMakeCall), consults agent 1002 (RequestInitiateConference) and joins it in
 * (RequestCompleteConference). Each party sends its own tone: 1002 is a baresip phone (its recording must hold
 * exactly the other two tones), 1001 and the customer are sipp phones whose RTP test parties must hear exactly
 * the other two while the conference lasts, and only each other after RequestDeleteFromConference. Events, the
 * parties in the call snapshot and the agents' state are checked on the way; the last agent leaving ends the call.
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { DEFAULT_MEDIA_ROOMS, MEDIA_ROOMS } from "@tandem/sdk";
import { fractionHearing } from "@tandem/sdk/testing/media";
import { sleep, sippOk } from "../../desktop-calls/support/desktop-rig.js";
import { heardBy, longestSpan, startConferenceRig, timeline, type ConferenceRigOptions } from "./conference-rig.js";

const AGENT_1 = 700;
const AGENT_2 = 1100;
const CUSTOMER = 1700;
const CUSTOMER_NUMBER = "5550100";

/** `mcu`: the rig's MCU options (none: the embedded engine). */
export async function threePartyScenario(t: TestContext, mcu: Pick<ConferenceRigOptions, "janusUrl"> = {}): Promise<void> {
  const rig = await startConferenceRig(t, { ...mcu, phones: { "1002": AGENT_2 }, parties: { "1001": AGENT_1, [CUSTOMER_NUMBER]: CUSTOMER } });  const cc = rig.h.model.callControl;
  const agent1 = rig.parties.get("1001");
  const customer = rig.parties.get(CUSTOMER_NUMBER);
  assert.ok(agent1 && customer);
  const base = (referenceId: string, dn = "1001") => ({ dn, referenceId, source: "desktop" });
  const heard = (phone: typeof agent1, fromMs: number, toMs: number, tones: number[]): string | undefined => {
    const windows = phone.heard(rig.tones, fromMs - 200);
    const share = fractionHearing(windows, tones, fromMs, toMs);
    return share >= 0.9 ? undefined : `${share.toFixed(2)} of the windows hold exactly ${tones.join("+")} Hz: ${timeline(windows)}`;
  };

  const { connId } = await cc.makeCall({ ...base("m1"), destination: CUSTOMER_NUMBER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  const direct = performance.now();
  await sleep(1200);
  assert.equal(heard(agent1, direct + 300, direct + 1200, [CUSTOMER]), undefined);

  const consult = await rig.conf.initiateConference({ ...base("c1"), connId, destination: "1002" });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  assert.deepEqual(rig.h.dns.agent("1002")?.calls, [connId], "the consulted agent is Busy on the call");
  await sleep(800);

  const joined = performance.now();
  assert.deepEqual(await rig.conf.completeConference({ ...base("c2"), connId: consult.connId, heldConnId: connId }), { connId });
  t.diagnostic(`moving three legs into the room took ${(performance.now() - joined).toFixed(0)} ms`);
  const added = rig.h.events.filter((e) => e.referenceId === "c2").map((e) => `${e.name}@${e.dn}`);
  assert.deepEqual(added, ["EventReleased@1001", "EventReleased@1002", "EventPartyChanged@1002", "EventPartyAdded@1001"]);
  const partyAdded = rig.h.events.find((e) => e.name === "EventPartyAdded" && e.dn === "1001");
  assert.deepEqual(partyAdded?.data["parties"], [CUSTOMER_NUMBER, "1001", "1002"]);
  assert.equal(partyAdded?.connId, connId);
  const partyChanged = rig.h.events.find((e) => e.name === "EventPartyChanged" && e.dn === "1002");
  assert.deepEqual([partyChanged?.connId, partyChanged?.data["previousConnId"]], [connId, consult.connId], "agent 2's call is now the original ConnID");
  const snapshot = rig.h.model.active().find((c) => c.connId === connId);
  assert.deepEqual(snapshot?.parties.filter((p) => p.until === undefined).map((p) => `${p.role}:${p.dn}`), [`customer:${CUSTOMER_NUMBER}`, "agent:1001", "agent:1002"]);
  const rooms = rig.extensions.get(MEDIA_ROOMS, DEFAULT_MEDIA_ROOMS);
  assert.deepEqual([rooms?.adapterName, rooms?.health().rooms, rooms?.health().parties], [mcu.janusUrl !== undefined ? "mcu-janus" : "media-engine", 1, 3], "the MCU mixes one room of three");
  await assert.rejects(cc.holdCall({ ...base("h1"), connId }), { code: "TANDEM_ERR_CALL_CONTROL_BAD_STATE" });
  await sleep(3000);
  assert.equal(heard(agent1, joined + 1000, joined + 3000, [AGENT_2, CUSTOMER]), undefined, "agent 1");
  assert.equal(heard(customer, joined + 1000, joined + 3000, [AGENT_1, AGENT_2]), undefined, "customer");

  const deleted = performance.now();
  await rig.conf.deleteFromConference({ ...base("d1"), connId, otherDn: "1002" });
  assert.deepEqual(rig.h.events.filter((e) => e.referenceId === "d1").map((e) => `${e.name}@${e.dn}`), ["EventReleased@1002", "EventPartyDeleted@1001"]);
  assert.deepEqual(rig.h.dns.agent("1002")?.calls, [], "the deleted agent is free");
  await sleep(2500);
  assert.equal(heard(agent1, deleted + 1000, deleted + 2500, [CUSTOMER]), undefined, "agent 1 after the delete");
  assert.equal(heard(customer, deleted + 1000, deleted + 2500, [AGENT_1]), undefined, "customer after the delete");

  // The last agent leaving ends the call for the customer too (keepWithoutAgent is off).
  await cc.releaseCall({ ...base("r1"), connId });
  await rig.waitFor("EventReleased", (e) => e.connId === connId && e.dn === "1001");
  assert.equal(rig.h.model.active().length, 0);
  assert.deepEqual(rig.h.dns.agent("1001")?.calls, []);
  assert.equal(sippOk(await agent1.sipp), undefined);
  assert.equal(sippOk(await customer.sipp), undefined);

  // baresip closed its recording when its call ended (the delete).
  const agent2 = heardBy(rig, "1002");
  assert.ok(longestSpan(agent2, [AGENT_1, CUSTOMER]).ms >= 2500, `agent 2 hears the other two: ${timeline(agent2)}`);
}
