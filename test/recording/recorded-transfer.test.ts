/**
 * A recorded call transferred to a second agent with a consultation, with real audio: agent 1001's phone calls a
 * customer (RequestMakeCall), the call is recorded (its media in the recording's room), 1001 consults 1002
 * (RequestInitiateTransfer: the recording lends the legs to the call model for the hold and the consultation) and
 * completes the transfer (the customer and 1002 go back into the same room, 1002 in 1001's seat). All three
 * phones are sipp UASes whose audio is an RTP test party sending its own tone. The file, by tone detection: the
 * customer's tone on the left, 1001's on the right, both silent while held, then the customer's on the left and
 * 1002's on the right; the row lists 1002 as a party and as the agent. Then a recorded call held and retrieved:
 * silence in the file while held, both phones recorded again after; a single-step transfer (agent 2 in agent 1's
 * place on the right, no gap); and RequestAlternateCall during the consultation (back with the customer is in the
 * recorded room again, the consultation silent, then the transfer completes); and a hold with music on hold (the
 * customer hears the music alone: the recording's room stops sending to the lent legs); and a recording stopped
 * while held, or its MCU lost while held (either way the retrieve bridges the phones directly).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test, type TestContext } from "node:test";
import { analyzeWav, describeSegments, fractionHearing, toneSamples, toneSegments, writeWav } from "@tandem/sdk/testing/media";
import { killAllSipp } from "../support/sipp.js";
import { until } from "../support/until.js";
import { unpluggablePlugin, type UnpluggableMcu } from "../conferencing/support/unpluggable-mcu.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { startRecordingRig, type RecordingRig } from "./support/recording-rig.js";
import { AGENT_1, AGENT_2, base, CUSTOMER, CUSTOMER_NUMBER, TONES as PARTY_TONES } from "./support/recorded-parties.js";

const MUSIC = 1700;
const TONES = [...PARTY_TONES, MUSIC];

after(() => killAllSipp());

/** A recorded call 1001 → customer; resolves once the recording runs, with the wall clock of its start. */
async function recordedCall(rig: RecordingRig): Promise<{ connId: string; startedAt: number }> {
  const { connId } = await rig.h.model.callControl.makeCall({ ...base("m1"), destination: CUSTOMER_NUMBER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  await rig.control.start({ connId, dn: "1001", referenceId: "p3013", source: "desktop" });
  const started = await rig.waitFor("EventRecordingStarted", (e) => e.connId === connId);
  return { connId, startedAt: Date.parse(started.ts) };
}

/** `dn` hangs up the recorded call; once the recording stops and every phone has ended cleanly, its finished file. */
async function releasedRecording(rig: RecordingRig, connId: string, dn = "1001") {
  await rig.h.model.callControl.releaseCall({ ...base("r1", dn), connId });
  await rig.waitFor("EventRecordingStopped", (e) => e.connId === connId);
  for (const phone of rig.parties.values()) assert.equal(sippOk(await phone.sipp), undefined);
  return recordedFile(rig, connId);
}

/** The finished recording of `connId`: its row, and the share of windows holding exactly `tones` on one channel. */
function recordedFile(rig: RecordingRig, connId: string) {
  const row = rig.index.list({ connId }).recordings[0];
  assert.ok(row);
  assert.equal(row.status, "complete", `${row.errorCode ?? ""} ${row.errorMessage ?? ""}`);
  const bytes = readFileSync(`${rig.folder}/${row.file}`);
  assert.equal(row.sha256, createHash("sha256").update(bytes).digest("hex"));
  const wav = analyzeWav(bytes, { frequencies: TONES });
  const [left, right] = wav.channels;
  assert.ok(left && right);
  return {
    row,
    lines: `left ${describeSegments(left.segments)} | right ${describeSegments(right.segments)}`,
    share: (side: "left" | "right", tones: number[], fromMs: number, toMs: number) => fractionHearing((side === "left" ? left : right).windows, tones, fromMs, toMs),
  };
}

test("a recorded call transferred after a consultation: customer left; agent 1, silence while held, then agent 2 right", { timeout: 180_000 }, async (t: TestContext) => {
  const rig = await startRecordingRig(t, { parties: { "1001": AGENT_1, "1002": AGENT_2, [CUSTOMER_NUMBER]: CUSTOMER } });
  const cc = rig.h.model.callControl;
  const { connId, startedAt } = await recordedCall(rig);
  await sleep(2000);

  const held = Date.now() - startedAt;
  const consult = await cc.initiateTransfer({ ...base("t1"), connId, destination: "1002" });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  await sleep(2000);
  const completing = Date.now() - startedAt;
  assert.deepEqual(await cc.completeTransfer({ ...base("t2"), connId: consult.connId, heldConnId: connId }), { connId });
  const completed = Date.now() - startedAt;
  t.diagnostic(`the customer and agent 2 moved into the recorded room in ${completed - completing} ms`);
  assert.deepEqual(rig.h.dns.agent("1001")?.calls, [], "agent 1 is free");
  assert.deepEqual(rig.h.dns.agent("1002")?.calls, [connId], "agent 2 is on the call");
  assert.ok(!rig.h.events.some((e) => e.name === "EventRecordingStopped" && e.connId === connId), "the recording goes on through the transfer");

  const customer = rig.parties.get(CUSTOMER_NUMBER);
  const agent2 = rig.parties.get("1002");
  assert.ok(customer && agent2);
  const talking = performance.now();
  await sleep(2500);
  const customerHeard = customer.heard(TONES, talking + 500);
  assert.ok(fractionHearing(customerHeard, [AGENT_2]) >= 0.9, `the customer hears agent 2: ${describeSegments(toneSegments(customerHeard))}`);
  const agent2Heard = agent2.heard(TONES, talking + 500);
  assert.ok(fractionHearing(agent2Heard, [CUSTOMER]) >= 0.9, `agent 2 hears the customer: ${describeSegments(toneSegments(agent2Heard))}`);
  const ended = Date.now() - startedAt;

  const file = await releasedRecording(rig, connId, "1002");
  t.diagnostic(file.lines);
  // The first few hundred ms after each move are the phones' re-INVITEs and their first RTP.
  assert.ok(file.share("left", [CUSTOMER], 500, held - 200) >= 0.9, `customer on the left before the hold: ${file.lines}`);
  assert.ok(file.share("right", [AGENT_1], 500, held - 200) >= 0.9, `agent 1 on the right before the hold: ${file.lines}`);
  assert.ok(file.share("left", [], held + 600, completing - 200) >= 0.9, `left silent while held: ${file.lines}`);
  assert.ok(file.share("right", [], held + 600, completing - 200) >= 0.9, `right silent while agent 1 consults: ${file.lines}`);
  assert.ok(file.share("left", [CUSTOMER], completed + 600, ended - 200) >= 0.9, `customer on the left after the transfer: ${file.lines}`);
  assert.ok(file.share("right", [AGENT_2], completed + 600, ended - 200) >= 0.9, `agent 2 on the right after the transfer: ${file.lines}`);
  assert.deepEqual(file.row.parties.map((p) => `${p.role}:${p.dn}`).sort(), ["agent:1001", "agent:1002", `customer:${CUSTOMER_NUMBER}`]);
  assert.equal(file.row.agentDn, "1002");
});

test("a recorded call held and retrieved: silence while held, then both phones in the room again", { timeout: 180_000 }, async (t: TestContext) => {
  const rig = await startRecordingRig(t, { parties: { "1001": AGENT_1, [CUSTOMER_NUMBER]: CUSTOMER } });
  const cc = rig.h.model.callControl;
  const { connId, startedAt } = await recordedCall(rig);
  await sleep(1500);
  const held = Date.now() - startedAt;
  await cc.holdCall({ ...base("h1"), connId });
  await sleep(1500);
  const retrieving = Date.now() - startedAt;
  await cc.retrieveCall({ ...base("h2"), connId });
  const retrieved = Date.now() - startedAt;
  assert.deepEqual(
    rig.h.events.filter((e) => e.connId === connId && (e.referenceId === "h1" || e.referenceId === "h2")).map((e) => e.name),
    ["EventHeld", "EventRetrieved"],
  );
  await sleep(2000);
  const ended = Date.now() - startedAt;
  const file = await releasedRecording(rig, connId);
  assert.ok(file.share("left", [], held + 600, retrieving - 200) >= 0.9, `left silent while held: ${file.lines}`);
  assert.ok(file.share("right", [], held + 600, retrieving - 200) >= 0.9, `right silent while held: ${file.lines}`);
  assert.ok(file.share("left", [CUSTOMER], retrieved + 600, ended - 200) >= 0.9, `customer after the retrieve: ${file.lines}`);
  assert.ok(file.share("right", [AGENT_1], retrieved + 600, ended - 200) >= 0.9, `agent after the retrieve: ${file.lines}`);
});

test("a recorded call single-step transferred: the customer on the left, agent 1 then agent 2 on the right", { timeout: 180_000 }, async (t: TestContext) => {
  const rig = await startRecordingRig(t, { parties: { "1001": AGENT_1, "1002": AGENT_2, [CUSTOMER_NUMBER]: CUSTOMER } });
  const cc = rig.h.model.callControl;
  const { connId, startedAt } = await recordedCall(rig);
  await sleep(1500);
  const asked = Date.now() - startedAt;
  await cc.singleStepTransfer({ ...base("s1"), connId, destination: "1002" });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId && e.dn === "1002");
  const transferred = Date.now() - startedAt;
  assert.deepEqual(rig.h.dns.agent("1001")?.calls, [], "agent 1 is free");
  await sleep(2000);
  const ended = Date.now() - startedAt;
  const file = await releasedRecording(rig, connId, "1002");
  t.diagnostic(file.lines);
  // The customer is re-INVITEd to its own room party when the target is taken in: each side of that moment.
  assert.ok(file.share("left", [CUSTOMER], 500, asked - 200) >= 0.9, `customer on the left while the target rings: ${file.lines}`);
  assert.ok(file.share("left", [CUSTOMER], transferred + 600, ended - 200) >= 0.9, `customer on the left after the transfer: ${file.lines}`);
  assert.ok(file.share("right", [AGENT_1], 500, asked - 200) >= 0.9, `agent 1 on the right while the target rings: ${file.lines}`);
  assert.ok(file.share("right", [AGENT_2], transferred + 600, ended - 200) >= 0.9, `agent 2 on the right after the transfer: ${file.lines}`);
  assert.deepEqual(file.row.parties.map((p) => `${p.role}:${p.dn}`).sort(), ["agent:1001", "agent:1002", `customer:${CUSTOMER_NUMBER}`]);
});

test("alternating on a recorded consultation: back with the customer is recorded, the target held, then the transfer completes", { timeout: 180_000 }, async (t: TestContext) => {
  const rig = await startRecordingRig(t, { parties: { "1001": AGENT_1, "1002": AGENT_2, [CUSTOMER_NUMBER]: CUSTOMER } });
  const cc = rig.h.model.callControl;
  const { connId, startedAt } = await recordedCall(rig);
  await sleep(1000);
  const consult = await cc.initiateTransfer({ ...base("t1"), connId, destination: "1002" });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  await sleep(1000);
  await cc.alternateCall({ ...base("a1"), connId: consult.connId, heldConnId: connId });
  const backAt = Date.now() - startedAt;
  await sleep(1500);
  const awayAt = Date.now() - startedAt;
  await cc.alternateCall({ ...base("a2"), connId, heldConnId: consult.connId });
  await sleep(1000);
  const completing = Date.now() - startedAt;
  await cc.completeTransfer({ ...base("t2"), connId: consult.connId, heldConnId: connId });
  const completed = Date.now() - startedAt;
  await sleep(2000);
  const ended = Date.now() - startedAt;
  const file = await releasedRecording(rig, connId, "1002");
  t.diagnostic(file.lines);
  assert.ok(file.share("left", [CUSTOMER], backAt + 600, awayAt - 200) >= 0.9, `customer recorded while alternated back: ${file.lines}`);
  assert.ok(file.share("right", [AGENT_1], backAt + 600, awayAt - 200) >= 0.9, `agent 1 recorded while alternated back: ${file.lines}`);
  assert.ok(file.share("left", [], awayAt + 600, completing - 200) >= 0.9, `left silent while consulting again: ${file.lines}`);
  assert.ok(file.share("right", [], awayAt + 600, completing - 200) >= 0.9, `right silent while consulting again: ${file.lines}`);
  assert.ok(file.share("left", [CUSTOMER], completed + 600, ended - 200) >= 0.9, `customer after the transfer: ${file.lines}`);
  assert.ok(file.share("right", [AGENT_2], completed + 600, ended - 200) >= 0.9, `agent 2 after the transfer: ${file.lines}`);
});

test("a recorded call held with music: the customer hears the music alone, the file is silent, both recorded after the retrieve", { timeout: 180_000 }, async (t: TestContext) => {
  const dir = mkdtempSync(join(tmpdir(), "recorded-hold-music-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const music = join(dir, "music.wav");
  writeWav(music, [toneSamples([MUSIC], 3000)], 8000);
  const rig = await startRecordingRig(t, { parties: { "1001": AGENT_1, [CUSTOMER_NUMBER]: CUSTOMER }, conferencing: { holdMusic: { file: music } } });
  const cc = rig.h.model.callControl;
  const customer = rig.parties.get(CUSTOMER_NUMBER);
  assert.ok(customer);
  const { connId, startedAt } = await recordedCall(rig);
  await sleep(1000);
  const held = Date.now() - startedAt;
  const heldAt = performance.now();
  await cc.holdCall({ ...base("h1"), connId });
  await sleep(2500);
  const onHold = customer.heard(TONES, heldAt);
  assert.ok(fractionHearing(onHold, [MUSIC], heldAt + 600, heldAt + 2500) >= 0.9, `the held customer hears the music alone: ${describeSegments(toneSegments(onHold))}`);
  // One RTP stream reaches the held customer, the music's: the recording's room no longer sends to a lent leg.
  const streams = customer.party.streams(heldAt + 600).filter((s) => s.firstArrivalMs < heldAt + 2500);
  assert.equal(streams.length, 1, `RTP streams at the held customer: ${JSON.stringify(streams.map((s) => ({ ssrc: s.ssrc, received: s.received })))}`);
  const retrieving = Date.now() - startedAt;
  await cc.retrieveCall({ ...base("h2"), connId });
  const retrieved = Date.now() - startedAt;
  await sleep(1500);
  const ended = Date.now() - startedAt;
  const file = await releasedRecording(rig, connId);
  t.diagnostic(file.lines);
  assert.ok(file.share("left", [], held + 600, retrieving - 200) >= 0.9, `left silent while held: ${file.lines}`);
  assert.ok(file.share("right", [], held + 600, retrieving - 200) >= 0.9, `right silent while held: ${file.lines}`);
  assert.ok(file.share("left", [CUSTOMER], retrieved + 600, ended - 200) >= 0.9, `customer after the retrieve: ${file.lines}`);
  assert.ok(file.share("right", [AGENT_1], retrieved + 600, ended - 200) >= 0.9, `agent after the retrieve: ${file.lines}`);
});

test("a recording stopped while its call is held: the retrieve bridges the two phones directly and the room goes", { timeout: 180_000 }, async (t: TestContext) => {
  const rig = await startRecordingRig(t, { parties: { "1001": AGENT_1, [CUSTOMER_NUMBER]: CUSTOMER } });
  const cc = rig.h.model.callControl;
  const [agent, customer] = ["1001", CUSTOMER_NUMBER].map((n) => rig.parties.get(n));
  assert.ok(agent && customer);
  const { connId } = await recordedCall(rig);
  await sleep(1000);
  await cc.holdCall({ ...base("h1"), connId });
  await rig.control.stop({ connId, dn: "1001", referenceId: "p3014", source: "desktop" });
  await rig.waitFor("EventRecordingStopped", (e) => e.connId === connId);
  await cc.retrieveCall({ ...base("h2"), connId });
  await until(() => agent.target() === customer.party.port && customer.target() === agent.party.port, 5000, "the phones sending to each other");
  const direct = performance.now();
  await sleep(1500);
  const heard = customer.heard(TONES, direct + 300);
  assert.ok(fractionHearing(heard, [AGENT_1]) >= 0.9, `the customer hears agent 1 directly: ${describeSegments(toneSegments(heard))}`);
  // A plain call again: a new recording takes the media into a room of its own.
  await rig.control.start({ connId, dn: "1001", referenceId: "p3013b", source: "desktop" });
  await until(() => agent.target() !== customer.party.port, 5000, "the agent's phone moved into the new room");
  await cc.releaseCall({ ...base("r1"), connId });
  await rig.waitFor("EventRecordingStopped", (e) => e.connId === connId && e.referenceId !== "p3014");
  for (const phone of rig.parties.values()) assert.equal(sippOk(await phone.sipp), undefined);
  assert.equal(rig.index.list({ connId }).recordings.length, 2);
});

test("the MCU lost while a recorded call is held: the retrieve bridges the phones directly and the call goes on", { timeout: 180_000 }, async (t: TestContext) => {
  const holder: { mcu?: UnpluggableMcu } = {};
  const rig = await startRecordingRig(t, { parties: { "1001": AGENT_1, [CUSTOMER_NUMBER]: CUSTOMER }, mcu: { adapters: [unpluggablePlugin(holder)], adapter: "unpluggable" } });
  const cc = rig.h.model.callControl;
  const [agent, customer] = ["1001", CUSTOMER_NUMBER].map((n) => rig.parties.get(n));
  assert.ok(agent && customer && holder.mcu);
  const { connId } = await recordedCall(rig);
  await sleep(1000);
  await cc.holdCall({ ...base("h1"), connId });
  await holder.mcu.unplug();
  assert.deepEqual(await cc.retrieveCall({ ...base("h2"), connId }), { connId });
  assert.deepEqual(rig.h.events.filter((e) => e.referenceId === "h2").map((e) => `${e.name}@${e.dn}`), ["EventRetrieved@1001"]);
  await until(() => agent.target() === customer.party.port && customer.target() === agent.party.port, 5000, "the phones sending to each other");
  const direct = performance.now();
  await sleep(1500);
  const heard = customer.heard(TONES, direct + 300);
  assert.ok(fractionHearing(heard, [AGENT_1]) >= 0.9, `the customer hears agent 1 directly: ${describeSegments(toneSegments(heard))}`);
  assert.equal(rig.h.model.active().length, 1, "the call is still up");
  await cc.releaseCall({ ...base("r1"), connId });
  for (const phone of rig.parties.values()) assert.equal(sippOk(await phone.sipp), undefined);
});
