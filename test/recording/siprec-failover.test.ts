/**
 * SIPREC recording server failover (RFC 7866; Tandem as the SRC), against sipp SRSes:
 *
 * 1. The SRS is a VoipService DN whose `contact` answers 503 (srs-503.xml): the INVITE goes to its
 *    `contact-backup` (srs.xml), whose two RTP test parties get the customer's tone alone on stream 1 and the
 *    agent's alone on stream 2. EventSiprecStarted names the backup and the 503 before it.
 * 2. An SRS that hangs up mid-call (srs-drop.xml sends its own BYE): EventSiprecLost with
 *    TANDEM_ERR_RECORDING_SRS_LOST naming the next SRS, one re-try to it (EventSiprecStarted, `retry`), whose streams
 *    then carry both sides; the local two-channel recording goes on throughout (tone detection on the file).
 * 3. Both SRSes hang up: the second loss gets no re-try (EventSiprecLost `retry: null`), EventSiprecFailed and
 *    EventError end SIPREC for the call; the call and its local recording go on.
 * 4. An SRS whose dialog fails on a re-INVITE (481, srs-reinvite-481.xml): the session is ended with BYE
 *    (RFC 3261 §12.2.1.2) and re-tried once to the next SRS, which then carries both streams.
 * Each sipp SRS also checks that the INVITE requires `siprec` and has `+sip.src` in its Contact (§6.1.1).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test, type TestContext } from "node:test";
import { analyzeWav, fractionHearing } from "@tandem/sdk/testing/media";
import type { MediaEngine } from "@tandem/plugin-media-engine";
import { SiprecLink } from "../../plugins/recording/src/siprec/siprec-link.js";
import { killAllSipp } from "../support/sipp.js";
import { sleep } from "../support/sleep.js";
import { until } from "../support/until.js";
import { startTestStack } from "../support/test-stack.js";
import { sippOk } from "../desktop-calls/support/desktop-rig.js";
import { closeParties, joinWithTone, startEngine } from "../media-engine/engine-fixture.js";
import { startRecordingRig, type RecordingRig } from "./support/recording-rig.js";
import { startSippSrs, streamFigures, type SippSrs } from "./support/sipp-srs.js";

const AGENT = 1100;
const CUSTOMER = 400;
const CUSTOMER_NUMBER = "5550100";
const TONES = [AGENT, CUSTOMER];

let engine: MediaEngine | undefined;
after(async () => {
  killAllSipp();
  await closeParties();
  await engine?.close();
});

const base = (referenceId: string) => ({ dn: "1001", referenceId, source: "desktop" });

async function recordedCall(t: TestContext, srs: string | string[], dns = {}): Promise<{ rig: RecordingRig; connId: string }> {
  const rig = await startRecordingRig(t, {
    parties: { "1001": AGENT, [CUSTOMER_NUMBER]: CUSTOMER },
    ...dns,
    recording: { dns: { "1001": { record: true, siprec: true } }, siprec: { srs, answerMs: 5000 } },
  });
  const { connId } = await rig.h.model.callControl.makeCall({ ...base("m1"), destination: CUSTOMER_NUMBER });
  await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  return { rig, connId };
}

/** Over the next 2.5 s, the backup's stream 1 carries the customer alone and stream 2 the agent alone. */
async function assertStreams(t: TestContext, backup: SippSrs): Promise<void> {
  const [one, two] = backup.streams ?? [];
  assert.ok(one && two);
  const from = one.now() + 300;
  await sleep(2500);
  const s1 = streamFigures(one, CUSTOMER, [AGENT], from);
  const s2 = streamFigures(two, AGENT, [CUSTOMER], from);
  t.diagnostic(`RTP packets in 2.2 s at the backup SRS: stream 1 ${s1.packets}, stream 2 ${s2.packets}`);
  assert.ok(s1.packets >= 90 && s2.packets >= 90, `each stream carries 20 ms packets: ${s1.packets}, ${s2.packets}`);
  assert.ok(s1.share >= 0.9, `stream 1 carries the customer alone: ${s1.line}`);
  assert.ok(s2.share >= 0.9, `stream 2 carries the agent alone: ${s2.line}`);
}

async function release(rig: RecordingRig, connId: string): Promise<void> {
  await rig.h.model.callControl.releaseCall({ ...base("r1"), connId });
  await rig.waitFor("EventRecordingStopped", (e) => e.connId === connId);
}

test("an SRS DN whose contact answers 503: the session goes to its contact-backup, which gets each side on its own stream", { timeout: 180_000 }, async (t: TestContext) => {
  const down = await startSippSrs(t, "srs-503.xml");
  const backup = await startSippSrs(t, "srs.xml");
  const dns = { dns: [{ number: "srs", type: "VoipService" as const, options: { "service-type": "recorder", contact: down.uri, "contact-backup": [backup.uri] } }] };
  const { rig, connId } = await recordedCall(t, "srs", dns);
  const started = await rig.waitFor("EventSiprecStarted", (e) => e.connId === connId);
  assert.equal(started.data["srs"], backup.uri);
  const failedOver = started.data["failedOver"] as Array<{ srs: string; reason: string }>;
  assert.equal(failedOver[0]?.srs, down.uri);
  assert.match(failedOver[0]?.reason ?? "", /503/);
  await assertStreams(t, backup);
  await release(rig, connId);
  assert.equal(sippOk(await down.sipp), undefined, "the first SRS saw a SIPREC INVITE and answered 503");
  assert.equal(sippOk(await backup.sipp), undefined, "the backup saw a well-formed session and its BYE");
  assert.ok(!rig.h.events.some((e) => e.name === "EventSiprecFailed" && e.connId === connId), "no failure was reported");
});

test("an SRS that hangs up mid-call: coded EventSiprecLost, one re-try to the next SRS; the local recording goes on", { timeout: 180_000 }, async (t: TestContext) => {
  const dropping = await startSippSrs(t, "srs-drop.xml", { durationMs: 1500 });
  const backup = await startSippSrs(t, "srs.xml");
  const { rig, connId } = await recordedCall(t, [dropping.uri, backup.uri]);
  const first = await rig.waitFor("EventSiprecStarted", (e) => e.connId === connId);
  assert.equal(first.data["srs"], dropping.uri);
  const lost = await rig.waitFor("EventSiprecLost", (e) => e.connId === connId);
  assert.equal(lost.data["code"], "TANDEM_ERR_RECORDING_SRS_LOST");
  assert.equal(lost.data["retry"], backup.uri);
  assert.equal(sippOk(await dropping.sipp), undefined, "the first SRS's BYE was answered");
  const again = await rig.waitFor("EventSiprecStarted", (e) => e.connId === connId && e.data["retry"] === true);
  assert.equal(again.data["srs"], backup.uri);
  await assertStreams(t, backup);
  const customer = rig.parties.get(CUSTOMER_NUMBER);
  assert.ok(customer);
  assert.ok(fractionHearing(customer.heard(TONES, performance.now() - 2000), [AGENT]) >= 0.9, "the customer hears the agent");
  await release(rig, connId);
  assert.equal(sippOk(await backup.sipp), undefined, "the backup saw a well-formed session and its BYE");
  assert.ok(!rig.h.events.some((e) => e.name === "EventSiprecFailed" && e.connId === connId), "the re-try succeeded");
  const row = rig.index.list({ connId }).recordings[0];
  assert.equal(row?.status, "complete");
  const wav = analyzeWav(join(rig.folder, row.file), { frequencies: TONES });
  const [left, right] = wav.channels;
  assert.ok(left && right);
  const to = wav.durationMs - 300;
  assert.ok(fractionHearing(left.windows, [CUSTOMER], 1000, to) >= 0.9, "the file's left channel has the customer throughout");
  assert.ok(fractionHearing(right.windows, [AGENT], 1000, to) >= 0.9, "the file's right channel has the agent throughout");
});

test("a second loss ends SIPREC for the call: EventSiprecLost with no re-try, then EventSiprecFailed; the call goes on", { timeout: 180_000 }, async (t: TestContext) => {
  const first = await startSippSrs(t, "srs-drop.xml", { durationMs: 1000 });
  const second = await startSippSrs(t, "srs-drop.xml", { durationMs: 1000 });
  const { rig, connId } = await recordedCall(t, [first.uri, second.uri]);
  const failed = await rig.waitFor("EventSiprecFailed", (e) => e.connId === connId);
  assert.equal(failed.data["code"], "TANDEM_ERR_RECORDING_SRS_FAILED");
  const lost = rig.h.events.filter((e) => e.name === "EventSiprecLost" && e.connId === connId).map((e) => [e.data["srs"], e.data["retry"]]);
  assert.deepEqual(lost, [
    [first.uri, second.uri],
    [second.uri, null],
  ]);
  assert.ok(rig.h.events.some((e) => e.name === "EventError" && e.connId === connId && e.data["code"] === "TANDEM_ERR_RECORDING_SRS_FAILED"));
  assert.equal(sippOk(await first.sipp), undefined);
  assert.equal(sippOk(await second.sipp), undefined);
  const customer = rig.parties.get(CUSTOMER_NUMBER);
  assert.ok(customer);
  const from = performance.now();
  await sleep(1500);
  assert.ok(fractionHearing(customer.heard(TONES, from + 300), [AGENT]) >= 0.9, "the customer still hears the agent");
  await release(rig, connId);
  assert.equal(rig.index.list({ connId }).recordings[0]?.status, "complete", "the local recording went on");
});

test("an SRS whose dialog fails on a re-INVITE (481): BYE, coded drop, one re-try to the next SRS, which gets both streams", { timeout: 180_000 }, async (t: TestContext) => {
  engine = await startEngine();
  const stack = await startTestStack({ served: [] });
  t.after(() => stack.stack.stop());
  const failing = await startSippSrs(t, "srs-reinvite-481.xml");
  const backup = await startSippSrs(t, "srs.xml");
  const room = await engine.createRoom();
  t.after(() => room.close());
  const customer = await joinWithTone(room, "customer", CUSTOMER);
  const agent = await joinWithTone(room, "agent", AGENT);
  const seen: string[] = [];
  const participants = [
    { aor: "sip:5550100@tandem.invalid", name: "5550100", side: "customer" as const },
    { aor: "sip:1001@tandem.invalid", name: "1001", side: "agent" as const },
  ];
  const link = await SiprecLink.start(
    { sip: stack.stack.verbs, room, connId: "conn-1", sides: () => ({ customers: [customer.party], agents: [agent.party] }) },
    { srs: [failing.uri, backup.uri], answerMs: 5000 },
    participants,
    {
      dropped: (info) => seen.push(`dropped ${info.srs} → ${info.retry}: ${info.reason}`),
      resumed: (info) => seen.push(`resumed ${info.srs}`),
      lost: (reason) => seen.push(`lost ${reason}`),
    },
  );
  assert.equal(link.srs.uri, failing.uri);
  await link.update(participants);
  assert.equal(sippOk(await failing.sipp), undefined, "the failing SRS answered 481 and then got our BYE");
  await until(() => seen.some((s) => s.startsWith("resumed")), 8000, "the re-try to the backup");
  assert.match(seen[0] ?? "", new RegExp(`^dropped ${failing.uri} → ${backup.uri}: .*481`));
  assert.deepEqual(seen.slice(1), [`resumed ${backup.uri}`]);
  await assertStreams(t, backup);
  await link.stop();
  assert.equal(sippOk(await backup.sipp), undefined, "the backup saw a well-formed session and its BYE");
});
