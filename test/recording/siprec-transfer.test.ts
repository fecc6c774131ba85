/**
 * SIPREC (RFC 7866) across a transfer and a conference, with real audio: agent 1001's phone calls a customer, the
 * call is recorded and streamed to a sipp SRS whose two streams are RTP test parties that detect each stream's
 * tone (test/recording/support/sipp-srs.ts); all phones are sipp UASes sending their own tone. After 1001 consults
 * and transfers to 1002, stream 1 still carries the customer alone and stream 2 agent 2 alone (agent 2 takes agent
 * 1's side, not the whole room), and the SRS gets a re-INVITE whose RFC 7865 metadata names 1002 and the customer
 * (srs-update.xml fails otherwise). After a conference, stream 1 carries the customer alone and stream 2 both
 * agents, while all three phones hear each other; once agent 2 leaves, stream 2 carries agent 1 alone again.
 */
import assert from "node:assert/strict";
import { after, test, type TestContext } from "node:test";
import { describeSegments, fractionHearing, toneSegments } from "@tandem/sdk/testing/media";
import type { PartyPhone } from "../conferencing/support/party-phone.js";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { startRecordingRig, type RecordingRig } from "./support/recording-rig.js";
import { AGENT_1, AGENT_2, base, CUSTOMER, CUSTOMER_NUMBER, TONES } from "./support/recorded-parties.js";
import { startSippSrs, streamFigures, type SippSrs } from "./support/sipp-srs.js";

after(() => killAllSipp());

/** A call 1001 → customer with a SIPREC session up to `srs` (and a local recording). */
async function siprecCall(t: TestContext, scenario: string, conferencing: boolean): Promise<{ rig: RecordingRig; srs: SippSrs; connId: string }> {
  const srs = await startSippSrs(t, scenario);
  const rig = await startRecordingRig(t, {
    parties: { "1001": AGENT_1, "1002": AGENT_2, [CUSTOMER_NUMBER]: CUSTOMER },
    recording: { dns: { "1001": { record: true, siprec: true } }, siprec: { srs: srs.uri, answerMs: 5000 } },
    conferencing,
  });
  const { connId } = await rig.h.model.callControl.makeCall({ ...base("m1"), destination: CUSTOMER_NUMBER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  await rig.waitFor("EventSiprecStarted", (e) => e.connId === connId).catch((err: unknown) => {
    throw new Error(`${String(err)}: ${JSON.stringify(rig.h.events.filter((e) => e.name === "EventSiprecFailed").map((e) => e.data))}`);
  });
  return { rig, srs, connId };
}

/** Asserts each SRS stream carries exactly its side's tones since `fromMs` (the streams' clock). */
function assertStreams(t: TestContext, srs: SippSrs, fromMs: number, customerSide: number[], agentSide: number[], when: string): void {
  const [stream1, stream2] = srs.streams ?? [];
  assert.ok(stream1 && stream2);
  const others = (side: number[]) => TONES.filter((tone) => !side.includes(tone));
  const one = streamFigures(stream1, customerSide, others(customerSide), fromMs);
  const two = streamFigures(stream2, agentSide, others(agentSide), fromMs);
  t.diagnostic(`${when}: stream 1 ${one.packets} packets, ${one.line} | stream 2 ${two.packets} packets, ${two.line}`);
  assert.ok(one.packets >= 60 && two.packets >= 60, `${when}: both streams flow (${one.packets}, ${two.packets})`);
  assert.ok(one.share >= 0.9, `${when}: stream 1 carries ${customerSide.join("+")} Hz alone: ${one.line}`);
  assert.ok(two.share >= 0.9, `${when}: stream 2 carries ${agentSide.join("+")} Hz alone: ${two.line}`);
}

/** Asserts `phone` heard exactly `tones` since `fromMs` (performance clock). */
function assertHears(phone: PartyPhone | undefined, tones: number[], fromMs: number, who: string): void {
  assert.ok(phone);
  const heard = phone.heard(TONES, fromMs);
  assert.ok(fractionHearing(heard, tones) >= 0.9, `${who} hears ${tones.join("+")} Hz: ${describeSegments(toneSegments(heard))}`);
}

test("SIPREC after a transfer: stream 1 the customer alone, stream 2 agent 2 alone; a re-INVITE names agent 2", { timeout: 180_000 }, async (t: TestContext) => {
  const { rig, srs, connId } = await siprecCall(t, "srs-update.xml", false);
  const cc = rig.h.model.callControl;
  const [stream1] = srs.streams ?? [];
  assert.ok(stream1);
  const before = stream1.now() + 300;
  await sleep(2000);
  assertStreams(t, srs, before, [CUSTOMER], [AGENT_1], "before the transfer");

  const consult = await cc.initiateTransfer({ ...base("t1"), connId, destination: "1002" });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  await sleep(1000);
  assert.deepEqual(await cc.completeTransfer({ ...base("t2"), connId: consult.connId, heldConnId: connId }), { connId });
  assert.deepEqual(rig.h.dns.agent("1002")?.calls, [connId], "agent 2 is on the call");
  const transferred = stream1.now() + 800;
  const talking = performance.now() + 800;
  await sleep(3000);
  assertStreams(t, srs, transferred, [CUSTOMER], [AGENT_2], "after the transfer");
  assertHears(rig.parties.get(CUSTOMER_NUMBER), [AGENT_2], talking, "the customer");
  assertHears(rig.parties.get("1002"), [CUSTOMER], talking, "agent 2");
  assert.ok(!rig.h.events.some((e) => (e.name === "EventSiprecFailed" || e.name === "EventSiprecLost") && e.connId === connId), "the SIPREC session went on");

  await cc.releaseCall({ ...base("r1", "1002"), connId });
  await rig.waitFor("EventRecordingStopped", (e) => e.connId === connId);
  assert.equal(sippOk(await srs.sipp), undefined, "the SRS got one re-INVITE naming 1002 and the customer, then the BYE");
});

test("SIPREC after a conference: stream 1 the customer alone, stream 2 both agents, all three hear each other; then agent 2 leaves", { timeout: 180_000 }, async (t: TestContext) => {
  const { rig, srs, connId } = await siprecCall(t, "srs.xml", true);
  const conf = rig.conf;
  const [stream1] = srs.streams ?? [];
  assert.ok(conf && stream1);
  await sleep(1500);

  const consult = await conf.initiateConference({ ...base("c1"), connId, destination: "1002" });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  await sleep(1000);
  assert.deepEqual(await conf.completeConference({ ...base("c2"), connId: consult.connId, heldConnId: connId }), { connId });
  const joined = stream1.now() + 800;
  const talking = performance.now() + 800;
  await sleep(3000);
  assertStreams(t, srs, joined, [CUSTOMER], [AGENT_1, AGENT_2], "in the conference");
  assertHears(rig.parties.get(CUSTOMER_NUMBER), [AGENT_1, AGENT_2], talking, "the customer");
  assertHears(rig.parties.get("1001"), [AGENT_2, CUSTOMER], talking, "agent 1");
  assertHears(rig.parties.get("1002"), [AGENT_1, CUSTOMER], talking, "agent 2");
  assert.ok(!rig.h.events.some((e) => (e.name === "EventSiprecFailed" || e.name === "EventSiprecLost") && e.connId === connId), "the SIPREC session went on");

  await rig.h.model.callControl.releaseCall({ ...base("r2", "1002"), connId });
  const left = stream1.now() + 800;
  const twoLeft = performance.now() + 800;
  await sleep(2500);
  assertStreams(t, srs, left, [CUSTOMER], [AGENT_1], "after agent 2 left");
  assertHears(rig.parties.get(CUSTOMER_NUMBER), [AGENT_1], twoLeft, "the customer");
  await rig.h.model.callControl.releaseCall({ ...base("r1"), connId });
  await rig.waitFor("EventRecordingStopped", (e) => e.connId === connId);
  assert.equal(sippOk(await srs.sipp), undefined, "the SRS saw a well-formed session, its updates and the BYE");
});
