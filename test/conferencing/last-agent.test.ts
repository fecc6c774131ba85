/**
 * The last agent leaving a conference with two other parties (the customer and an outside number): by default the
 * call is released and both get BYE; with `keepWithoutAgent` the two go on talking in the room (heard by tone
 * detection) while the agent is free.
 */
import assert from "node:assert/strict";
import { after, test, type TestContext } from "node:test";
import { fractionHearing } from "@tandem/sdk/testing/media";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { startConferenceRig, timeline } from "./support/conference-rig.js";
import type { PartyPhone } from "./support/party-phone.js";

const AGENT = 700;
const OUTSIDE = 1100;
const CUSTOMER = 1700;
const CUSTOMER_NUMBER = "5550100";
const OUTSIDE_NUMBER = "5550200";

after(() => killAllSipp());

async function conferenceWithOutsideParty(t: TestContext, keepWithoutAgent: boolean) {
  const rig = await startConferenceRig(t, {
    parties: { "1001": AGENT, [CUSTOMER_NUMBER]: CUSTOMER, [OUTSIDE_NUMBER]: OUTSIDE },
    conferencing: { keepWithoutAgent },
  });
  const cc = rig.h.model.callControl;
  const { connId } = await cc.makeCall({ dn: "1001", referenceId: "m1", destination: CUSTOMER_NUMBER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  await rig.conf.singleStepConference({ dn: "1001", referenceId: "s1", connId, destination: OUTSIDE_NUMBER });
  const phones = [CUSTOMER_NUMBER, OUTSIDE_NUMBER, "1001"].map((n) => rig.parties.get(n)) as [PartyPhone, PartyPhone, PartyPhone];
  await cc.releaseCall({ dn: "1001", referenceId: "r1", connId });
  return { rig, connId, phones };
}

test("by default the last agent leaving releases the customer and the outside party", { timeout: 180_000 }, async (t) => {
  const { rig, connId, phones } = await conferenceWithOutsideParty(t, false);
  // EventPartyDeleted goes to agents only; the release reaches every number still on the call, as for any call.
  assert.deepEqual(rig.h.events.filter((e) => e.referenceId === "r1").map((e) => `${e.name}@${e.dn}`), ["EventReleased@1001", "EventReleased@5550200"]);
  assert.equal(rig.h.model.active().length, 0);
  assert.equal(rig.h.model.get(connId)?.releasedBy, "agent");
  for (const phone of phones) assert.equal(sippOk(await phone.sipp), undefined, "every phone got its BYE");
  assert.deepEqual(rig.h.dns.agent("1001")?.calls, []);
});

test("with keepWithoutAgent the customer and the outside party go on talking; the agent is free", { timeout: 180_000 }, async (t) => {
  const { rig, connId, phones } = await conferenceWithOutsideParty(t, true);
  const [customer, outside] = phones;
  assert.deepEqual(rig.h.dns.agent("1001")?.calls, []);
  const call = rig.h.model.active().find((c) => c.connId === connId);
  assert.deepEqual(call?.parties.filter((p) => p.until === undefined).map((p) => `${p.role}:${p.dn}`), [`customer:${CUSTOMER_NUMBER}`, `destination:${OUTSIDE_NUMBER}`]);
  const left = performance.now();
  await sleep(2000);
  for (const [phone, tone] of [[customer, OUTSIDE], [outside, CUSTOMER]] as const) {
    const windows = phone.heard(rig.tones, left);
    assert.ok(fractionHearing(windows, [tone], left + 500, left + 2000) >= 0.9, `hears only ${tone} Hz: ${timeline(windows)}`);
  }
});
