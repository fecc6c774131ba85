/**
 * A recorded call conferenced with a second agent, with real audio: agent 1001's phone calls a customer, the call
 * is recorded (its media in the recording's room), 1001 consults 1002 (RequestInitiateConference: the recording
 * lends the legs for the hold and consultation) and completes the conference (the conferencing plugin asks the
 * call model, which hands all three legs back to the recording's room: the recording stays the owner). Every
 * phone is a sipp party phone sending its own tone. All three hear each other; the file has the customer on the
 * left and both agents on the right while the conference lasts, agent 1 alone once agent 2 left; the row lists
 * all three.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, test } from "node:test";
import { analyzeWav, describeSegments, fractionHearing, toneSegments } from "@tandem/sdk/testing/media";
import type { PartyPhone } from "../conferencing/support/party-phone.js";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { startRecordingRig } from "./support/recording-rig.js";
import { AGENT_1, AGENT_2, base, CUSTOMER, CUSTOMER_NUMBER, TONES } from "./support/recorded-parties.js";

after(() => killAllSipp());

/** Why `phone` did not hear exactly `tones` in ≥ 90 % of the windows of [fromMs, toMs] (performance.now() clock). */
function misheard(phone: PartyPhone, fromMs: number, toMs: number, tones: number[]): string | undefined {
  const windows = phone.heard(TONES, fromMs - 200);
  const share = fractionHearing(windows, tones, fromMs, toMs);
  return share >= 0.9 ? undefined : `${share.toFixed(2)} hold exactly ${tones.join("+")} Hz: ${describeSegments(toneSegments(windows))}`;
}

test("a recorded call conferenced: all three hear each other, the file has the customer left and both agents right", { timeout: 180_000 }, async (t) => {
  const rig = await startRecordingRig(t, { parties: { "1001": AGENT_1, "1002": AGENT_2, [CUSTOMER_NUMBER]: CUSTOMER }, conferencing: true });
  const cc = rig.h.model.callControl;
  const conf = rig.conf;
  const agent1 = rig.parties.get("1001");
  const agent2 = rig.parties.get("1002");
  const customer = rig.parties.get(CUSTOMER_NUMBER);
  assert.ok(conf && agent1 && agent2 && customer);
  const { connId } = await cc.makeCall({ ...base("m1"), destination: CUSTOMER_NUMBER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  await rig.control.start({ connId, dn: "1001", referenceId: "p3013", source: "desktop" });
  const startedAt = Date.parse((await rig.waitFor("EventRecordingStarted", (e) => e.connId === connId)).ts);
  await sleep(1500);

  const consult = await conf.initiateConference({ ...base("c1"), connId, destination: "1002" });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  await sleep(1000);
  assert.deepEqual(await conf.completeConference({ ...base("c2"), connId: consult.connId, heldConnId: connId }), { connId });
  const joinedAt = Date.now() - startedAt;
  const joined = performance.now();
  const snapshot = rig.h.model.active().find((c) => c.connId === connId);
  assert.deepEqual(snapshot?.parties.filter((p) => p.until === undefined).map((p) => `${p.role}:${p.dn}`), [`customer:${CUSTOMER_NUMBER}`, "agent:1001", "agent:1002"]);
  await sleep(3000);
  assert.equal(misheard(customer, joined + 800, joined + 3000, [AGENT_1, AGENT_2]), undefined, "the customer hears both agents");
  assert.equal(misheard(agent1, joined + 800, joined + 3000, [AGENT_2, CUSTOMER]), undefined, "agent 1 hears agent 2 and the customer");
  assert.equal(misheard(agent2, joined + 800, joined + 3000, [AGENT_1, CUSTOMER]), undefined, "agent 2 hears agent 1 and the customer");

  const leftAt = Date.now() - startedAt;
  await cc.releaseCall({ ...base("r2", "1002"), connId });
  assert.equal(sippOk(await agent2.sipp), undefined, "agent 2's phone got its BYE");
  await sleep(1500);
  const endedAt = Date.now() - startedAt;
  assert.ok(!rig.h.events.some((e) => e.name === "EventRecordingStopped" && e.connId === connId), "the recording goes on with the two left");
  await cc.releaseCall({ ...base("r1"), connId });
  await rig.waitFor("EventRecordingStopped", (e) => e.connId === connId);
  for (const [name, phone] of [["customer", customer], ["agent 1", agent1]] as const) assert.equal(sippOk(await phone.sipp), undefined, name);

  const row = rig.index.list({ connId }).recordings[0];
  assert.ok(row);
  assert.equal(row.status, "complete", `${row.errorCode ?? ""} ${row.errorMessage ?? ""}`);
  const bytes = readFileSync(`${rig.folder}/${row.file}`);
  assert.equal(row.sha256, createHash("sha256").update(bytes).digest("hex"));
  const [left, right] = analyzeWav(bytes, { frequencies: TONES }).channels;
  assert.ok(left && right);
  const lines = `left ${describeSegments(left.segments)} | right ${describeSegments(right.segments)}`;
  t.diagnostic(lines);
  const share = (windows: typeof left.windows, tones: number[], fromMs: number, toMs: number): number => fractionHearing(windows, tones, fromMs, toMs);
  assert.ok(share(left.windows, [CUSTOMER], joinedAt + 800, leftAt - 200) >= 0.9, `customer on the left in the conference: ${lines}`);
  assert.ok(share(right.windows, [AGENT_1, AGENT_2], joinedAt + 800, leftAt - 200) >= 0.9, `both agents on the right in the conference: ${lines}`);
  assert.ok(share(left.windows, [CUSTOMER], leftAt + 600, endedAt - 200) >= 0.9, `customer on the left after agent 2 left: ${lines}`);
  assert.ok(share(right.windows, [AGENT_1], leftAt + 600, endedAt - 200) >= 0.9, `agent 1 alone on the right after agent 2 left: ${lines}`);
  assert.deepEqual(row.parties.map((p) => `${p.role}:${p.dn}`).sort(), ["agent:1001", "agent:1002", `customer:${CUSTOMER_NUMBER}`]);
});
