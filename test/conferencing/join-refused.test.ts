/**
 * A leg that refuses to move into the conference room (the customer's phone answers the room's re-INVITE 488):
 * RequestCompleteConference fails with a coded error, the legs already moved are re-INVITEd with their previous
 * SDP, and the consultation is as it was — agent 1 hears agent 2, the customer hears the hold music — so
 * RequestReconnectCall still brings agent 1 back to the customer (tone detection throughout).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fractionHearing, writeWav } from "@tandem/sdk/testing/media";
import { killAllSipp } from "../support/sipp.js";
import { until } from "../support/until.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { startConferenceRig, timeline } from "./support/conference-rig.js";
import type { PartyPhone } from "./support/party-phone.js";

const AGENT_1 = 700;
const AGENT_2 = 1100;
const CUSTOMER = 1700;
const MUSIC = 440;
const CUSTOMER_NUMBER = "5550100";

after(() => killAllSipp());

test("a party refusing the room's re-INVITE: a coded error, the consultation back as it was, then reconnected", { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "join-refused-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const music = join(dir, "music.wav");
  writeWav(music, [new Int16Array(8000 * 2).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * MUSIC * i) / 8000)))], 8000);
  const rig = await startConferenceRig(t, {
    parties: { "1001": AGENT_1, "1002": AGENT_2, [CUSTOMER_NUMBER]: CUSTOMER },
    refusing: [CUSTOMER_NUMBER],
    tones: [MUSIC],
    conferencing: { holdMusic: { file: music } },
  });
  const [agent1, agent2, customer] = ["1001", "1002", CUSTOMER_NUMBER].map((n) => rig.parties.get(n)) as [PartyPhone, PartyPhone, PartyPhone];
  const cc = rig.h.model.callControl;
  const heard = (phone: PartyPhone, from: number, tones: number[]): string | undefined => {
    const windows = phone.heard(rig.tones, from);
    return fractionHearing(windows, tones, from + 300, from + 1500) >= 0.9 ? undefined : timeline(windows);
  };
  const { connId } = await cc.makeCall({ dn: "1001", referenceId: "m1", destination: CUSTOMER_NUMBER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  const consult = await rig.conf.initiateConference({ dn: "1001", referenceId: "c1", connId, destination: "1002" });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  await until(() => agent1.target() === agent2.party.port && agent2.target() === agent1.party.port, 5000, "the consultation's media");
  const phoneTargets = { agent1: agent1.target(), agent2: agent2.target(), customer: customer.target() };

  await assert.rejects(rig.conf.completeConference({ dn: "1001", referenceId: "c2", connId: consult.connId, heldConnId: connId }), {
    code: "TANDEM_ERR_CALL_CONTROL_SIP_FAILED",
  });
  assert.deepEqual(rig.h.events.filter((e) => e.referenceId === "c2").map((e) => e.name), [], "no conference events");
  await until(
    () => agent1.target() === phoneTargets.agent1 && agent2.target() === phoneTargets.agent2 && customer.target() === phoneTargets.customer,
    5000,
    "every phone back where it sent before",
  );
  const restored = performance.now();
  await sleep(1500);
  assert.equal(heard(agent1, restored, [AGENT_2]), undefined, "agent 1 talks to agent 2 again");
  assert.equal(heard(customer, restored, [MUSIC]), undefined, "the customer hears the hold music again");

  await cc.reconnectCall({ dn: "1001", referenceId: "r1", connId: consult.connId, heldConnId: connId });
  await until(() => customer.target() === agent1.party.port, 5000, "the customer back to agent 1");
  const back = performance.now();
  await sleep(1500);
  assert.equal(heard(customer, back, [AGENT_1]), undefined, "the customer hears agent 1");
  assert.equal(sippOk(await agent2.sipp), undefined, "agent 2's phone got its BYE");
  await cc.releaseCall({ dn: "1001", referenceId: "x1", connId });
  assert.deepEqual([rig.h.dns.agent("1001")?.calls, rig.h.dns.agent("1002")?.calls], [[], []]);
  assert.equal(sippOk(await customer.sipp), undefined);
});
