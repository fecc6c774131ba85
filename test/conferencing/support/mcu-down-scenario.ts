/**
 * The MCU failing under a three-party conference, whichever MCU the rig is given and however it fails: every
 * agent gets EventError TANDEM_ERR_CONFERENCE_MEDIA_LOST, the second agent is dropped (freed, its phone gets BYE),
 * and the customer and the first agent are re-INVITEd towards each other and heard directly again (tone detection
 * on both RTP test parties); the call then ends normally and no agent is left Busy.
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { CALL_PARTIES, DEFAULT_CALL_PARTIES } from "@tandem/sdk";
import { fractionHearing } from "@tandem/sdk/testing/media";
import { until } from "../../support/until.js";
import { sleep, sippOk } from "../../desktop-calls/support/desktop-rig.js";
import { startConferenceRig, timeline, type ConferenceRigOptions } from "./conference-rig.js";
import type { PartyPhone } from "./party-phone.js";

const AGENT_1 = 700;
const AGENT_2 = 1100;
const CUSTOMER = 1700;
const CUSTOMER_NUMBER = "5550100";

/** `mcu`: the rig's MCU options; `fail`: makes that MCU fail once the three parties are heard in its room. */
export async function mcuDownScenario(t: TestContext, mcu: Pick<ConferenceRigOptions, "adapters" | "adapter" | "janusUrl">, fail: () => Promise<void>): Promise<void> {
  const rig = await startConferenceRig(t, { ...mcu, parties: { "1001": AGENT_1, "1002": AGENT_2, [CUSTOMER_NUMBER]: CUSTOMER } });
  const cc = rig.h.model.callControl;
  const [agent1, agent2, customer] = ["1001", "1002", CUSTOMER_NUMBER].map((n) => rig.parties.get(n)) as [PartyPhone, PartyPhone, PartyPhone];
  const base = (referenceId: string) => ({ dn: "1001", referenceId, source: "desktop" });
  const heard = (phone: PartyPhone, fromMs: number, toMs: number, tones: number[]): string | undefined => {
    const windows = phone.heard(rig.tones, fromMs - 200);
    const share = fractionHearing(windows, tones, fromMs, toMs);
    return share >= 0.9 ? undefined : `${share.toFixed(2)} of the windows hold exactly ${tones.join("+")} Hz: ${timeline(windows)}`;
  };

  const { connId } = await cc.makeCall({ ...base("m1"), destination: CUSTOMER_NUMBER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  const consult = await rig.conf.initiateConference({ ...base("c1"), connId, destination: "1002" });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  await rig.conf.completeConference({ ...base("c2"), connId: consult.connId, heldConnId: connId });
  const joined = performance.now();
  await sleep(2000);
  assert.equal(heard(customer, joined + 800, joined + 2000, [AGENT_1, AGENT_2]), undefined, "customer in the room");

  const failed = performance.now();
  await fail();
  const lost = await Promise.all(["1001", "1002"].map((dn) => rig.waitFor("EventError", (e) => e.dn === dn && e.connId === connId)));
  assert.deepEqual(lost.map((e) => e.data["code"]), ["TANDEM_ERR_CONFERENCE_MEDIA_LOST", "TANDEM_ERR_CONFERENCE_MEDIA_LOST"]);
  await rig.waitFor("EventReleased", (e) => e.connId === connId && e.dn === "1002");
  const parties = rig.extensions.get(CALL_PARTIES, DEFAULT_CALL_PARTIES);
  await until(() => parties?.parties(connId).length === 0, 10_000, "the call to be bridged directly again");
  const rebridged = performance.now();
  t.diagnostic(`from the MCU's failure to a direct bridge: ${(rebridged - failed).toFixed(0)} ms`);
  assert.equal(sippOk(await agent2.sipp), undefined, "the dropped agent's phone got its BYE");
  assert.deepEqual(rig.h.dns.agent("1002")?.calls, []);
  assert.deepEqual(rig.h.dns.agent("1001")?.calls, [connId]);
  // Each phone follows the SDP of the re-INVITE it got: its media goes to the other phone, no longer to a room.
  await until(() => agent1.target() === customer.party.port && customer.target() === agent1.party.port, 5000, "both phones to point at each other");
  await sleep(2000);
  assert.equal(heard(agent1, rebridged + 500, rebridged + 2000, [CUSTOMER]), undefined, "agent 1 after the room was lost");
  assert.equal(heard(customer, rebridged + 500, rebridged + 2000, [AGENT_1]), undefined, "customer after the room was lost");

  // A plain call again: released as usual, both phones get BYE, nobody Busy.
  await cc.releaseCall({ ...base("r1"), connId });
  assert.equal(rig.h.model.active().length, 0);
  assert.deepEqual(rig.h.dns.agent("1001")?.calls, []);
  assert.equal(sippOk(await agent1.sipp), undefined);
  assert.equal(sippOk(await customer.sipp), undefined);
}
