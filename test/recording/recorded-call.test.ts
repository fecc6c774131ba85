/**
 * Recording a real call: agent 1001's phone calls a customer (RequestMakeCall); both phones are sipp UASes whose
 * audio is an RTP test party sending its own tone. The recording's file is analysed by tone detection: the
 * customer's tone alone on the left channel, the agent's alone on the right, silence where it was paused.
 *
 * 1. Desktop requests (RequestPrivateService 3013/3015/3016/3014 through `recording.control`): the recording
 *    starts within a second, pauses, resumes, stops; the phones then hear each other directly again and the call
 *    goes on until released.
 * 2. Config (`dns: { "1001": { record: true } }`): the recording starts within a second of EventEstablished and
 *    the call's release closes it.
 * 3. Per call (`userData.record = "true"` on the call): the same, trigger `user-data`.
 * 4. A full disk (a real 128 KiB tmpfs mounted for the test as the recordings folder): the recording fails with
 *    EventRecordingFailed + EventError, nothing half-written is left, and the call goes on, bridged directly.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { after, test, type TestContext } from "node:test";
import { analyzeWav, describeSegments, fractionHearing, toneSegments } from "@tandem/sdk/testing/media";
import { killAllSipp } from "../support/sipp.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { startRecordingRig, type RecordingRig } from "./support/recording-rig.js";

const AGENT = 1100;
const CUSTOMER = 400;
const CUSTOMER_NUMBER = "5550100";

after(() => killAllSipp());

const base = (referenceId: string) => ({ dn: "1001", referenceId, source: "desktop" });

/** Places the call; each phone sends its tone where the SDP it received says. */
async function call(rig: RecordingRig, userData?: Record<string, string>): Promise<{ connId: string; establishedAt: number }> {
  const agent = rig.parties.get("1001");
  const customer = rig.parties.get(CUSTOMER_NUMBER);
  assert.ok(agent && customer);
  const { connId } = await rig.h.model.callControl.makeCall({ ...base("m1"), destination: CUSTOMER_NUMBER, ...(userData ? { userData } : {}) });
  const established = await rig.waitFor("EventEstablished", (e) => e.connId === connId);
  return { connId, establishedAt: Date.parse(established.ts) };
}

/** The finished recording of `connId`: its row and a per-channel tone check over [fromMs, toMs] of the file. */
function checkFile(rig: RecordingRig, connId: string) {
  const { recordings } = rig.index.list({ connId });
  const row = recordings[0];
  assert.equal(recordings.length, 1);
  assert.ok(row);
  assert.equal(row.status, "complete", `${row.errorCode ?? ""} ${row.errorMessage ?? ""}`);
  const bytes = readFileSync(`${rig.folder}/${row.file}`);
  assert.equal(row.sha256, createHash("sha256").update(bytes).digest("hex"));
  assert.equal(row.sizeBytes, bytes.length);
  const wav = analyzeWav(bytes, { frequencies: [AGENT, CUSTOMER] });
  assert.equal(wav.channelCount, 2);
  const [left, right] = wav.channels;
  assert.ok(left && right);
  const lines = `left ${describeSegments(left.segments)} | right ${describeSegments(right.segments)}`;
  return {
    row,
    lines,
    durationMs: wav.durationMs,
    share: (side: "left" | "right", tones: number[], fromMs: number, toMs: number) => fractionHearing((side === "left" ? left : right).windows, tones, fromMs, toMs),
  };
}

async function release(rig: RecordingRig, connId: string): Promise<void> {
  await rig.h.model.callControl.releaseCall({ ...base("r1"), connId });
  await rig.waitFor("EventReleased", (e) => e.connId === connId && e.dn === "1001");
  for (const phone of rig.parties.values()) assert.equal(sippOk(await phone.sipp), undefined);
}

test("desktop requests: start within a second, pause (silence), resume, stop; the call goes on directly", { timeout: 180_000 }, async (t: TestContext) => {
  const rig = await startRecordingRig(t, { parties: { "1001": AGENT, [CUSTOMER_NUMBER]: CUSTOMER } });
  const { connId } = await call(rig);
  await sleep(500);
  const asked = Date.now();
  const started = await rig.control.start({ connId, dn: "1001", referenceId: "p3013", source: "desktop" });
  const startedEvent = await rig.waitFor("EventRecordingStarted", (e) => e.connId === connId);
  const startMs = Date.parse(startedEvent.ts) - asked;
  t.diagnostic(`the recording started ${startMs} ms after the request`);
  assert.ok(startMs < 1000, `started after ${startMs} ms`);
  assert.deepEqual([startedEvent.dn, startedEvent.referenceId, startedEvent.data["privateEventId"]], ["1001", "p3013", 3013]);
  await assert.rejects(rig.control.start({ connId, source: "desktop" }), { code: "TANDEM_ERR_RECORDING_BAD_STATE" });
  await sleep(2000);
  await rig.control.pause({ connId, dn: "1001", referenceId: "p3015", source: "desktop" });
  await sleep(1500);
  await rig.control.resume({ connId, dn: "1001", referenceId: "p3016", source: "desktop" });
  await sleep(2000);
  const stopped = await rig.control.stop({ connId, dn: "1001", referenceId: "p3014", source: "desktop" });
  assert.deepEqual(stopped, { recordingId: started.recordingId, connId, state: "stopped" });
  assert.deepEqual(
    rig.h.events.filter((e) => e.connId === connId && e.name.startsWith("EventRecording")).map((e) => `${e.name}:${e.referenceId ?? ""}`),
    ["EventRecordingStarted:p3013", "EventRecordingPaused:p3015", "EventRecordingResumed:p3016", "EventRecordingStopped:p3014"],
  );

  const file = checkFile(rig, connId);
  assert.equal(file.row.trigger, "desktop");
  // An outbound call: the agent is the caller (ANI), the customer the called party.
  assert.equal(file.row.ani, "1001");
  assert.deepEqual(file.row.parties.map((p) => `${p.role}:${p.dn}`).sort(), [`agent:1001`, `customer:${CUSTOMER_NUMBER}`]);
  assert.equal(file.row.agentDn, "1001");
  assert.equal(file.row.pauses.length, 1);
  const pausedMs = file.row.pausedMs ?? 0;
  assert.ok(pausedMs >= 1300 && pausedMs <= 1800, `paused ${pausedMs} ms`);
  const pauseTo = file.durationMs - 2000;
  const pauseFrom = pauseTo - pausedMs;
  // The first few hundred ms are the phones moving to the room (their re-INVITEs and the first RTP).
  assert.ok(file.share("left", [CUSTOMER], 500, pauseFrom - 200) >= 0.9, `customer alone on the left: ${file.lines}`);
  assert.ok(file.share("right", [AGENT], 500, pauseFrom - 200) >= 0.9, `agent alone on the right: ${file.lines}`);
  assert.equal(file.share("left", [], pauseFrom + 200, pauseTo - 200), 1, `left silent while paused: ${file.lines}`);
  assert.equal(file.share("right", [], pauseFrom + 200, pauseTo - 200), 1, `right silent while paused: ${file.lines}`);
  assert.ok(file.share("left", [CUSTOMER], pauseTo + 300, file.durationMs - 200) >= 0.9, `customer after the pause: ${file.lines}`);
  assert.ok(file.share("right", [AGENT], pauseTo + 300, file.durationMs - 200) >= 0.9, `agent after the pause: ${file.lines}`);

  // The media went back to the phones: each still hears the other after the stop.
  const customer = rig.parties.get(CUSTOMER_NUMBER);
  assert.ok(customer);
  const from = performance.now();
  await sleep(1500);
  const heard = customer.heard([AGENT, CUSTOMER], from + 500);
  assert.ok(fractionHearing(heard, [AGENT]) >= 0.9, `the customer hears the agent after the stop: ${describeSegments(toneSegments(heard))}`);
  await release(rig, connId);
});

test("config: an agent DN marked record: true is recorded from the answer; the release closes the file", { timeout: 180_000 }, async (t: TestContext) => {
  const rig = await startRecordingRig(t, { parties: { "1001": AGENT, [CUSTOMER_NUMBER]: CUSTOMER }, recording: { dns: { "1001": { record: true } } } });
  const { connId, establishedAt } = await call(rig);
  const started = await rig.waitFor("EventRecordingStarted", (e) => e.connId === connId);
  const startMs = Date.parse(started.ts) - establishedAt;
  t.diagnostic(`the recording started ${startMs} ms after EventEstablished`);
  assert.ok(startMs < 1000, `started after ${startMs} ms`);
  await sleep(3000);
  await release(rig, connId);
  await rig.waitFor("EventRecordingStopped", (e) => e.connId === connId);
  const file = checkFile(rig, connId);
  assert.equal(file.row.trigger, "dn");
  assert.ok(file.durationMs >= 2800, `${file.durationMs} ms recorded`);
  assert.ok(file.share("left", [CUSTOMER], 500, file.durationMs - 300) >= 0.9, `customer alone on the left: ${file.lines}`);
  assert.ok(file.share("right", [AGENT], 500, file.durationMs - 300) >= 0.9, `agent alone on the right: ${file.lines}`);
});

test("per call: user data record=true (as a routing strategy sets it) starts the recording", { timeout: 180_000 }, async (t: TestContext) => {
  const rig = await startRecordingRig(t, { parties: { "1001": AGENT, [CUSTOMER_NUMBER]: CUSTOMER } });
  const { connId, establishedAt } = await call(rig, { record: "true" });
  const started = await rig.waitFor("EventRecordingStarted", (e) => e.connId === connId);
  assert.ok(Date.parse(started.ts) - establishedAt < 1000);
  assert.equal(started.data["trigger"], "user-data");
  await sleep(2000);
  await release(rig, connId);
  await rig.waitFor("EventRecordingStopped", (e) => e.connId === connId);
  const file = checkFile(rig, connId);
  assert.equal(file.row.trigger, "user-data");
  assert.ok(file.share("left", [CUSTOMER], 500, file.durationMs - 300) >= 0.9, `customer alone on the left: ${file.lines}`);
  assert.ok(file.share("right", [AGENT], 500, file.durationMs - 300) >= 0.9, `agent alone on the right: ${file.lines}`);
});

test("a disk that fills up mid-call: the recording fails with its event, the call goes on with the phones bridged directly", { timeout: 180_000 }, async (t: TestContext) => {
  const mount = mkdtempSync(join(tmpdir(), "recording-full-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=128k", "tmpfs", mount]);
  t.after(() => {
    execFileSync("umount", ["-l", mount]);
    rmSync(mount, { recursive: true, force: true });
  });
  const rig = await startRecordingRig(t, {
    parties: { "1001": AGENT, [CUSTOMER_NUMBER]: CUSTOMER },
    recording: { folder: mount, minFreeBytes: 0, dns: { "1001": { record: true } } },
  });
  const { connId } = await call(rig);
  await rig.waitFor("EventRecordingStarted", (e) => e.connId === connId);
  // Two channels of 16-bit 8 kHz are 32 kB/s: 128 KiB is full in about four seconds.
  const failed = await rig.waitFor("EventRecordingFailed", (e) => e.connId === connId, 20_000);
  assert.equal(failed.data["code"], "TANDEM_ERR_RECORDING_DISK_FULL");
  assert.ok(rig.h.events.some((e) => e.name === "EventError" && e.connId === connId && e.data["code"] === "TANDEM_ERR_RECORDING_DISK_FULL"));
  const row = rig.index.list({ connId }).recordings[0];
  assert.equal(row?.status, "failed");
  assert.deepEqual(readdirSync(mount), [], "no half-written file is left");
  const customer = rig.parties.get(CUSTOMER_NUMBER);
  const agent = rig.parties.get("1001");
  assert.ok(customer && agent);
  const from = performance.now();
  await sleep(2000);
  assert.ok(fractionHearing(customer.heard([AGENT, CUSTOMER], from + 500), [AGENT]) >= 0.9, "the customer still hears the agent");
  assert.ok(fractionHearing(agent.heard([AGENT, CUSTOMER], from + 500), [CUSTOMER]) >= 0.9, "the agent still hears the customer");
  assert.equal(rig.h.model.active().length, 1, "the call is still up");
  await release(rig, connId);
});
