/**
 * A recorded call shares its room: a supervisor monitoring the agent (coach) joins the recording's room as a guest
 * — the customer gets no re-INVITE for it, the agent hears the supervisor, the customer does not — and the
 * recording's two channels keep the customer alone on the left and the agent alone on the right (the supervisor is
 * not recorded). Stopping the recording keeps the room while the supervisor is on; when the supervisor leaves, the
 * media goes back to a direct bridge. Routed call (sipp customer at a Routing Point), supervision plugin and the
 * recording plugin's owner on the same call model and media plugin. And a supervised call recorded as a guest,
 * then transferred: agent 2 is written on the agent channel (in agent 1's seat) and listed in the row, and a
 * recording started after the transfer takes agent 2 too; and one conferenced: agent 2 joins the supervision room in
 * a seat the host names in advance, so it is written on the agent channel beside agent 1.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test, type TestContext } from "node:test";
import { CALL_MEDIA_TAKEOVER, CALL_PARTIES, type EventBus, type Extensions } from "@tandem/sdk";
import { analyzeWav, describeSegments, fractionHearing } from "@tandem/sdk/testing/media";
import { CallFacts } from "../../plugins/recording/src/call-facts.js";
import { CallRecordings } from "../../plugins/recording/src/call-recordings.js";
import { RecordingFiles } from "../../plugins/recording/src/recording-files.js";
import { RecordingIndex } from "../../plugins/recording/src/recording-index.js";
import { SqlitePluginStorage } from "../../core/src/storage/plugin-storage.js";
import { killAllSipp } from "../support/sipp.js";
import { until } from "../support/until.js";
import { quietLogger } from "../support/test-stack.js";
import { sleep, sippOk } from "../desktop-calls/support/desktop-rig.js";
import { misheard } from "../supervision/support/hearing.js";
import {
  AGENT,
  AGENT_TONE,
  CUSTOMER_TONE,
  routedCallToAgent,
  startSupervisionRig,
  startWithAgentAndSupervisor,
  SUPERVISOR,
  SUPERVISOR_TONE,
  type SupervisionRig,
} from "../supervision/support/supervision-rig.js";

const TONES = [AGENT_TONE, SUPERVISOR_TONE, CUSTOMER_TONE];
const requester = { source: "desktop", supervisor: true };
const AGENT_2 = "1002";
const AGENT_2_TONE = 400;
const TONES_WITH_AGENT_2 = [...TONES, AGENT_2_TONE];

after(() => killAllSipp());

async function setup(t: TestContext, more: Record<string, number> = {}, conferencing = false) {
  const { rig, agent, supervisor } = conferencing ? await withConferencing(t, more) : await startWithAgentAndSupervisor(t, more);
  const dir = mkdtempSync(join(tmpdir(), "recording-supervised-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const index = new RecordingIndex(new SqlitePluginStorage(rig.h.db, "recording"));
  const files = new RecordingFiles(dir);
  const log = quietLogger({ plugin: "recording" });
  const extensions = {
    get: (point: { id: string }) => (point.id === CALL_MEDIA_TAKEOVER.id ? rig.takeover : point.id === CALL_PARTIES.id ? rig.h.model.callControl.parties : undefined),
  } as unknown as Extensions;
  const facts = new CallFacts();
  t.after(facts.watch(rig.h.bus as EventBus));
  const recordings = new CallRecordings(extensions, () => rig.rooms, facts, { index, files, bus: rig.h.bus, log, minFreeBytes: 0, diskCheckMs: 500 }, log, {} as never, undefined);
  return { rig, agent, supervisor, index, files, recordings };
}

/** A routed call to the agent, monitored (mute) and then recorded as a guest of the supervision's room. */
async function monitoredAndRecorded(t: TestContext, rig: SupervisionRig, recordings: CallRecordings) {
  const { customer, connId } = await routedCallToAgent(t, rig);
  await rig.control.monitorNextCall({ dn: SUPERVISOR, agentDn: AGENT, referenceId: "s1", requester, mode: "mute" });
  await rig.waitFor("EventPartyAdded", (e) => e.dn === SUPERVISOR && e.connId === connId);
  const { recordingId } = await recordings.start({ connId, dn: AGENT, referenceId: "p3013", source: "desktop" });
  const startedAt = Date.parse((await rig.waitFor("EventRecordingStarted", (e) => e.connId === connId)).ts);
  return { customer, connId, recordingId, startedAt };
}

/** The supervision rig with the conferencing plugin, the agent's and the supervisor's phones. */
async function withConferencing(t: TestContext, more: Record<string, number>) {
  const rig = await startSupervisionRig(t, { phones: { [AGENT]: AGENT_TONE, [SUPERVISOR]: SUPERVISOR_TONE, ...more }, conferencing: true });
  const agent = rig.phones.get(AGENT);
  const supervisor = rig.phones.get(SUPERVISOR);
  assert.ok(agent && supervisor);
  return { rig, agent, supervisor };
}

/** The file's two channels: the customer alone on the left, the agent alone on the right. */
function sidesAlone(index: RecordingIndex, files: RecordingFiles, recordingId: string): void {
  const row = index.get(recordingId);
  assert.equal(row?.status, "complete");
  const wav = analyzeWav(readFileSync(files.pathOf(row.file)), { frequencies: TONES });
  const [left, right] = wav.channels;
  assert.ok(left && right);
  const lines = `left ${describeSegments(left.segments)} | right ${describeSegments(right.segments)}`;
  assert.ok(fractionHearing(left.windows, [CUSTOMER_TONE], 500, wav.durationMs - 200) >= 0.9, `customer alone on the left: ${lines}`);
  assert.ok(fractionHearing(right.windows, [AGENT_TONE], 500, wav.durationMs - 200) >= 0.9, `agent alone on the right (the supervisor is not recorded): ${lines}`);
}

test("a supervisor coaches in a recorded call's room; the file keeps each side alone; the room is given back once both are done", { timeout: 180_000 }, async (t) => {
  const { rig, agent, supervisor, index, files, recordings } = await setup(t);
  const { customer, connId } = await routedCallToAgent(t, rig);
  await sleep(300);
  const { recordingId } = await recordings.start({ connId, dn: AGENT, referenceId: "p3013", source: "desktop" });
  assert.equal(customer.reinvites(), 1, "the recording moved the customer into its room");

  await rig.control.monitorNextCall({ dn: SUPERVISOR, agentDn: AGENT, referenceId: "s1", requester, mode: "coach" });
  await rig.waitFor("EventPartyAdded", (e) => e.dn === SUPERVISOR && e.connId === connId);
  const joined = performance.now();
  await sleep(3500);
  // Judged over three seconds after the join settled: a stall of the loaded machine is not taken for mixing.
  assert.equal(misheard(agent, TONES, joined + 500, joined + 3500, [SUPERVISOR_TONE, CUSTOMER_TONE]), undefined, "the agent hears the supervisor");
  assert.equal(misheard(customer, TONES, joined + 500, joined + 3500, [AGENT_TONE]), undefined, "the customer does not");
  assert.equal(misheard(supervisor, TONES, joined + 500, joined + 3500, [AGENT_TONE, CUSTOMER_TONE]), undefined, "the supervisor hears both");
  assert.equal(customer.reinvites(), 1, "joining the recording's room re-INVITEs nobody");

  await recordings.stop({ connId, dn: AGENT, referenceId: "p3014", source: "desktop" });
  sidesAlone(index, files, recordingId);
  await sleep(500);
  assert.equal(customer.reinvites(), 1, "the room is kept while the supervisor is on");
  assert.equal(rig.rooms.health().rooms, 1);

  await rig.control.cancelMonitoring({ dn: SUPERVISOR, referenceId: "c1", requester });
  assert.equal(sippOk(await supervisor.sipp), undefined, "the supervisor's phone got its BYE");
  await until(() => rig.rooms.health().rooms === 0, 8000, "the room to close once nobody uses it");
  assert.equal(customer.reinvites(), 2, "the media went back to a direct bridge");
  const back = performance.now();
  await sleep(1000);
  assert.equal(misheard(customer, TONES, back + 300, back + 1000, [AGENT_TONE]), undefined, "the customer hears the agent directly");
  await rig.h.model.callControl.releaseCall({ dn: AGENT, referenceId: "r1", source: "desktop", connId });
  assert.equal(sippOk(await customer.sipp), undefined, "customer");
  assert.equal(sippOk(await agent.sipp), undefined, "agent");
});

test("a supervised call is recorded as a guest of the supervision's room: no re-INVITE, each side alone on its channel, the room handed back", { timeout: 180_000 }, async (t) => {
  const { rig, agent, supervisor, index, files, recordings } = await setup(t);
  const { customer, connId } = await routedCallToAgent(t, rig);
  await rig.control.monitorNextCall({ dn: SUPERVISOR, agentDn: AGENT, referenceId: "s1", requester, mode: "connect" });
  await rig.waitFor("EventPartyAdded", (e) => e.dn === SUPERVISOR && e.connId === connId);
  assert.equal(customer.reinvites(), 1, "supervision moved the customer into its room");
  const { recordingId } = await recordings.start({ connId, dn: AGENT, referenceId: "p3013", source: "desktop" });
  assert.equal(customer.reinvites(), 1, "recording as a guest re-INVITEs nobody");
  assert.deepEqual(index.get(recordingId)?.parties.map((p) => p.role).sort(), ["agent", "customer"]);
  await sleep(2500);
  await recordings.stop({ connId, dn: AGENT, referenceId: "p3014", source: "desktop" });
  sidesAlone(index, files, recordingId);
  assert.equal(rig.rooms.health().rooms, 1, "the supervision's room goes on");
  const on = performance.now();
  await sleep(1000);
  assert.equal(misheard(customer, TONES, on + 300, on + 1000, [AGENT_TONE, SUPERVISOR_TONE]), undefined, "the call goes on in the supervision's room");
  await rig.h.model.callControl.releaseCall({ dn: AGENT, referenceId: "r1", source: "desktop", connId });
  assert.equal(sippOk(await customer.sipp), undefined, "customer");
  assert.equal(sippOk(await supervisor.sipp), undefined, "supervisor");
});

test("a supervised call recorded as a guest and transferred: agent 2 on the agent channel and in the row; a later recording too", { timeout: 180_000 }, async (t) => {
  const { rig, agent, supervisor, index, files, recordings } = await setup(t, { [AGENT_2]: AGENT_2_TONE });
  const agent2 = rig.phones.get(AGENT_2);
  assert.ok(agent2);
  const cc = rig.h.model.callControl;
  const { customer, connId, recordingId, startedAt } = await monitoredAndRecorded(t, rig, recordings);
  await sleep(1500);
  const held = Date.now() - startedAt;
  const consult = await cc.initiateTransfer({ dn: AGENT, referenceId: "t1", source: "desktop", connId, destination: AGENT_2 });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === AGENT_2);
  await sleep(1000);
  await cc.completeTransfer({ dn: AGENT, referenceId: "t2", source: "desktop", connId: consult.connId, heldConnId: connId });
  const completed = Date.now() - startedAt;
  await sleep(2000);
  const ended = Date.now() - startedAt;
  await recordings.stop({ connId, dn: AGENT_2, referenceId: "p3014", source: "desktop" });
  const row = index.get(recordingId);
  assert.equal(row?.status, "complete");
  assert.deepEqual(row.parties.map((p) => `${p.role}${p.role === "customer" ? "" : `:${p.dn}`}${p.to ? " (left)" : ""}`).sort(), ["agent:1001 (left)", "agent:1002", "customer"]);
  assert.equal(row.agentDn, AGENT_2);
  const [, right] = analyzeWav(readFileSync(files.pathOf(row.file)), { frequencies: TONES_WITH_AGENT_2 }).channels;
  assert.ok(right);
  const lines = describeSegments(right.segments);
  assert.ok(fractionHearing(right.windows, [AGENT_TONE], 500, held - 200) >= 0.9, `agent 1 on the agent channel before the transfer: ${lines}`);
  assert.ok(fractionHearing(right.windows, [AGENT_2_TONE], completed + 600, ended - 200) >= 0.9, `agent 2 on the agent channel after it: ${lines}`);

  const later = await recordings.start({ connId, dn: AGENT_2, referenceId: "p3013b", source: "desktop" });
  await sleep(1500);
  await recordings.stop({ connId, dn: AGENT_2, referenceId: "p3014b", source: "desktop" });
  const laterRow = index.get(later.recordingId);
  assert.equal(laterRow?.status, "complete");
  const laterWav = analyzeWav(readFileSync(files.pathOf(laterRow.file)), { frequencies: TONES_WITH_AGENT_2 });
  const [, laterRight] = laterWav.channels;
  assert.ok(laterRight);
  assert.ok(fractionHearing(laterRight.windows, [AGENT_2_TONE], 300, laterWav.durationMs - 200) >= 0.9, `agent 2 on a recording started after the transfer: ${describeSegments(laterRight.segments)}`);

  await cc.releaseCall({ dn: AGENT_2, referenceId: "r1", source: "desktop", connId });
  for (const [name, phone] of [["customer", customer], ["agent 1", agent], ["agent 2", agent2], ["supervisor", supervisor]] as const) assert.equal(sippOk(await phone.sipp), undefined, name);
});

test("a supervised call recorded as a guest and conferenced: agent 2 on the agent channel beside agent 1, and in the row", { timeout: 180_000 }, async (t) => {
  const { rig, agent, supervisor, index, files, recordings } = await setup(t, { [AGENT_2]: AGENT_2_TONE }, true);
  const agent2 = rig.phones.get(AGENT_2);
  assert.ok(agent2 && rig.conf);
  const { customer, connId, recordingId, startedAt } = await monitoredAndRecorded(t, rig, recordings);
  await sleep(1500);
  const held = Date.now() - startedAt;
  const consult = await rig.conf.initiateConference({ dn: AGENT, referenceId: "c1", source: "desktop", connId, destination: AGENT_2 });
  await rig.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === AGENT_2);
  await sleep(1000);
  await rig.conf.completeConference({ dn: AGENT, referenceId: "c2", source: "desktop", connId: consult.connId, heldConnId: connId });
  const joined = Date.now() - startedAt;
  await sleep(3000);
  const ended = Date.now() - startedAt;
  await recordings.stop({ connId, dn: AGENT, referenceId: "p3014", source: "desktop" });
  const row = index.get(recordingId);
  assert.equal(row?.status, "complete");
  assert.deepEqual(row.parties.map((p) => `${p.role}${p.role === "customer" ? "" : `:${p.dn}`}${p.to ? " (left)" : ""}`).sort(), ["agent:1001", "agent:1002", "customer"]);
  const [left, right] = analyzeWav(readFileSync(files.pathOf(row.file)), { frequencies: TONES_WITH_AGENT_2 }).channels;
  assert.ok(left && right);
  const lines = `left ${describeSegments(left.segments)} | right ${describeSegments(right.segments)}`;
  t.diagnostic(lines);
  assert.ok(fractionHearing(right.windows, [AGENT_TONE], 500, held - 200) >= 0.9, `agent 1 alone on the agent channel before the conference: ${lines}`);
  assert.ok(fractionHearing(right.windows, [AGENT_TONE, AGENT_2_TONE], joined + 800, ended - 200) >= 0.9, `both agents on the agent channel in the conference: ${lines}`);
  assert.ok(fractionHearing(left.windows, [CUSTOMER_TONE], joined + 800, ended - 200) >= 0.9, `the customer alone on the left in the conference: ${lines}`);

  await rig.h.model.callControl.releaseCall({ dn: AGENT_2, referenceId: "r2", source: "desktop", connId });
  await rig.h.model.callControl.releaseCall({ dn: AGENT, referenceId: "r1", source: "desktop", connId });
  for (const [name, phone] of [["customer", customer], ["agent 1", agent], ["agent 2", agent2], ["supervisor", supervisor]] as const) assert.equal(sippOk(await phone.sipp), undefined, name);
});
