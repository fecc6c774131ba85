/**
 * SIPREC (RFC 7866), Tandem as the SRC, on a real call (agent 1001's phone calls a customer; sipp phones whose
 * audio is an RTP test party sending its own tone). The SRS is a sipp scenario (test/fixtures/recording/srs.xml)
 * that fails the session unless the INVITE requires siprec, has +sip.src in its Contact and carries multipart/mixed
 * with two sendonly labelled streams and RFC 7865 metadata naming both participants and streams; it answers with
 * two recvonly streams to two RTP test parties (test/recording/support/sipp-srs.ts), which count the RTP of each
 * stream and detect its tone: the customer's alone on stream 1, the agent's alone on stream 2 — while the phones
 * still hear each other and the local two-channel recording goes on.
 * An SRS that does not answer: EventSiprecFailed + EventError TANDEM_ERR_RECORDING_SRS_FAILED, the call and the
 * local recording go on.
 */
import assert from "node:assert/strict";
import { after, test, type TestContext } from "node:test";
import { fractionHearing } from "@tandem/sdk/testing/media";
import { freePort } from "../support/free-port.js";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { startRecordingRig, type RecordingRig } from "./support/recording-rig.js";
import { startSippSrs, streamFigures } from "./support/sipp-srs.js";

const AGENT = 1100;
const CUSTOMER = 400;
const CUSTOMER_NUMBER = "5550100";

after(() => killAllSipp());

const base = (referenceId: string) => ({ dn: "1001", referenceId, source: "desktop" });

async function call(rig: RecordingRig): Promise<{ connId: string; establishedAt: number }> {
  const { connId } = await rig.h.model.callControl.makeCall({ ...base("m1"), destination: CUSTOMER_NUMBER });
  const established = await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  return { connId, establishedAt: Date.parse(established.ts) };
}

test("a SIPREC session carries each side on its own labelled stream to the SRS, with RFC 7865 metadata; BYE at the end", { timeout: 180_000 }, async (t: TestContext) => {
  const srs = await startSippSrs(t, "srs.xml");
  const [stream1, stream2] = srs.streams ?? [];
  assert.ok(stream1 && stream2);
  const rig = await startRecordingRig(t, {
    parties: { "1001": AGENT, [CUSTOMER_NUMBER]: CUSTOMER },
    recording: { dns: { "1001": { record: true, siprec: true } }, siprec: { srs: srs.uri, answerMs: 5000 } },
  });
  const { connId, establishedAt } = await call(rig);
  const started = await rig.waitFor("EventSiprecStarted", (e) => e.connId === connId).catch((err: unknown) => {
    throw new Error(`${String(err)}: ${JSON.stringify(rig.h.events.filter((e) => e.name === "EventSiprecFailed").map((e) => e.data))}`);
  });
  const startMs = Date.parse(started.ts) - establishedAt;
  t.diagnostic(`the SIPREC session was up ${startMs} ms after EventEstablished`);
  assert.ok(startMs < 1000, `up after ${startMs} ms`);
  const from = stream1.now() + 300;
  await sleep(2500);
  const one = streamFigures(stream1, CUSTOMER, [AGENT], from);
  const two = streamFigures(stream2, AGENT, [CUSTOMER], from);
  t.diagnostic(`RTP packets in 2.2 s: stream 1 ${one.packets}, stream 2 ${two.packets}`);
  assert.ok(one.packets >= 90 && two.packets >= 90, `each stream carries 20 ms packets: ${one.packets}, ${two.packets}`);
  assert.ok(one.share >= 0.9, `stream 1 carries the customer alone: ${one.line}`);
  assert.ok(two.share >= 0.9, `stream 2 carries the agent alone: ${two.line}`);
  const customer = rig.parties.get(CUSTOMER_NUMBER);
  const agent = rig.parties.get("1001");
  assert.ok(customer && agent);
  assert.ok(fractionHearing(customer.heard([AGENT, CUSTOMER], performance.now() - 2000), [AGENT]) >= 0.9, "the customer hears the agent");
  assert.ok(fractionHearing(agent.heard([AGENT, CUSTOMER], performance.now() - 2000), [CUSTOMER]) >= 0.9, "the agent hears the customer");

  await rig.h.model.callControl.releaseCall({ ...base("r1"), connId });
  await rig.waitFor("EventRecordingStopped", (e) => e.connId === connId);
  assert.equal(sippOk(await srs.sipp), undefined, "the SRS saw a well-formed session and its BYE");
  const { recordings } = rig.index.list({ connId });
  assert.equal(recordings[0]?.status, "complete", "the local recording went on beside SIPREC");
});

test("an SRS that does not answer: coded event, the call and its local recording go on", { timeout: 180_000 }, async (t: TestContext) => {
  const silentPort = await freePort();
  const rig = await startRecordingRig(t, {
    parties: { "1001": AGENT, [CUSTOMER_NUMBER]: CUSTOMER },
    recording: { dns: { "1001": { record: true, siprec: true } }, siprec: { srs: `sip:srs@127.0.0.1:${silentPort}`, answerMs: 1000 } },
  });
  const { connId } = await call(rig);
  const failed = await rig.waitFor("EventSiprecFailed", (e) => e.connId === connId);
  assert.equal(failed.data["code"], "TANDEM_ERR_RECORDING_SRS_FAILED");
  assert.ok(rig.h.events.some((e) => e.name === "EventError" && e.connId === connId && e.data["code"] === "TANDEM_ERR_RECORDING_SRS_FAILED"));
  await rig.waitFor("EventRecordingStarted", (e) => e.connId === connId);
  const customer = rig.parties.get(CUSTOMER_NUMBER);
  assert.ok(customer);
  const from = performance.now();
  await sleep(2000);
  assert.ok(fractionHearing(customer.heard([AGENT, CUSTOMER], from + 300), [AGENT]) >= 0.9, "the customer still hears the agent");
  await rig.h.model.callControl.releaseCall({ ...base("r1"), connId });
  await rig.waitFor("EventRecordingStopped", (e) => e.connId === connId);
  assert.equal(rig.index.list({ connId }).recordings[0]?.status, "complete");
});
