/**
 * One recording of a room on the embedded media engine, with real RTP test parties: the index row goes
 * `recording` → `complete` with the file's size and SHA-256, the WAV has the customer's tone on the left channel
 * and the agent's on the right, silence for the paused stretch that the row lists; events 3013/3015/3016/3014.
 * Disk full: the folder is a real 128 KiB tmpfs mounted for the test; the two-channel file (32 kB/s) fills it in
 * about four seconds, the recording ends as `failed` with TANDEM_ERR_RECORDING_DISK_FULL, EventRecordingFailed and
 * EventError, no file left behind — and the room's parties still hear each other.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { MediaEngine } from "@tandem/plugin-media-engine";
import { RecordingIndex } from "../../plugins/recording/src/recording-index.js";
import { analyzeWav, describeSegments, fractionHearing } from "@tandem/sdk/testing/media";
import { createTestHost, type TestHost } from "@tandem/testing";
import { RecordingFiles } from "../../plugins/recording/src/recording-files.js";
import { RecordingSession, type SessionDeps } from "../../plugins/recording/src/recording-session.js";
import { openDatabase } from "../../core/src/storage/database.js";
import { SqlitePluginStorage } from "../../core/src/storage/plugin-storage.js";
import { quietLogger } from "../support/test-stack.js";
import { until } from "../support/until.js";
import { closeParties, joinWithTone, shareHearing, sleep, startEngine } from "../media-engine/engine-fixture.js";

const CUSTOMER = 400;
const AGENT = 1100;
const dir = mkdtempSync(join(tmpdir(), "recording-session-"));
const facts = (connId: string) => ({ connId, trigger: "desktop", ani: "5550100", dnis: "8000", agentDn: "1001", parties: [{ dn: "5550100", role: "customer" as const, from: new Date().toISOString() }, { dn: "1001", role: "agent" as const, from: new Date().toISOString() }] });

describe("a recording of a room", { timeout: 300_000 }, () => {
  let engine: MediaEngine;
  let host: TestHost;
  let index: RecordingIndex;
  before(async () => {
    engine = await startEngine();
    host = await createTestHost({});
    index = new RecordingIndex(new SqlitePluginStorage(openDatabase(join(dir, "tandem.sqlite")), "recording"));
  });
  after(async () => {
    await closeParties();
    await engine.close();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const depsFor = (folder: string, extra: Partial<SessionDeps> = {}): SessionDeps => ({ index, files: new RecordingFiles(folder), bus: host.bus, log: quietLogger({ plugin: "recording" }), minFreeBytes: 0, diskCheckMs: 200, ...extra });

  it("writes a two-channel WAV (customer left, agent right), paused stretch silent and listed, then completes its row", async (t) => {
    const room = await engine.createRoom();
    t.after(() => room.close());
    const customer = await joinWithTone(room, "customer", CUSTOMER);
    const agent = await joinWithTone(room, "agent", AGENT);
    await sleep(300);
    const deps = depsFor(join(dir, "ok"));
    const session = await RecordingSession.start(deps, room, { left: ["customer"], right: ["agent"] }, facts("c1"), { source: "desktop", dn: "1001", referenceId: "r1" });
    assert.equal(index.get(session.id)?.status, "recording");
    assert.ok(existsSync(deps.files.partPath(session.id)), "written under the temporary name");
    await sleep(1200);
    await session.pause({ source: "desktop", dn: "1001", referenceId: "r2" });
    await assert.rejects(session.pause({ source: "desktop" }), { code: "TANDEM_ERR_RECORDING_BAD_STATE" });
    await sleep(1000);
    await session.resume({ source: "desktop", dn: "1001", referenceId: "r3" });
    await sleep(1200);
    await session.stop({ source: "desktop", dn: "1001", referenceId: "r4" });

    const row = index.get(session.id);
    assert.equal(row?.status, "complete");
    assert.equal(existsSync(deps.files.partPath(session.id)), false);
    const path = deps.files.pathOf(row.file);
    const bytes = readFileSync(path);
    assert.equal(row.sizeBytes, bytes.length);
    assert.equal(row.sha256, createHash("sha256").update(bytes).digest("hex"));
    assert.equal(row.pauses.length, 1);
    const pause = row.pauses[0];
    assert.ok(pause?.to, "the pause is closed");
    const pausedMs = Date.parse(pause.to) - Date.parse(pause.from);
    assert.ok(Math.abs((row.pausedMs ?? 0) - pausedMs) <= 150, `paused ${row.pausedMs} ms in the file, ${pausedMs} ms in the row`);

    const wav = analyzeWav(path, { frequencies: [CUSTOMER, AGENT] });
    assert.equal(wav.channelCount, 2);
    const [left, right] = wav.channels;
    assert.ok(left && right);
    const duration = row.durationMs ?? 0;
    const pauseTo = duration - 1200;
    const pauseFrom = pauseTo - (row.pausedMs ?? 0);
    const lines = `left ${describeSegments(left.segments)} | right ${describeSegments(right.segments)}`;
    assert.ok(fractionHearing(left.windows, [CUSTOMER], 100, pauseFrom - 150) >= 0.9, `customer on the left: ${lines}`);
    assert.ok(fractionHearing(right.windows, [AGENT], 100, pauseFrom - 150) >= 0.9, `agent on the right: ${lines}`);
    assert.equal(fractionHearing(left.windows, [], pauseFrom + 150, pauseTo - 150), 1, `left silent while paused: ${lines}`);
    assert.equal(fractionHearing(right.windows, [], pauseFrom + 150, pauseTo - 150), 1, `right silent while paused: ${lines}`);
    assert.ok(fractionHearing(left.windows, [CUSTOMER], pauseTo + 150, duration - 100) >= 0.9, `customer after the pause: ${lines}`);
    assert.ok(fractionHearing(right.windows, [AGENT], pauseTo + 150, duration - 100) >= 0.9, `agent after the pause: ${lines}`);

    const events = host.events().filter((e) => e.connId === "c1").map((e) => `${e.name}:${String(e.data["privateEventId"])}:${e.referenceId ?? ""}`);
    assert.deepEqual(events, ["EventRecordingStarted:3013:r1", "EventRecordingPaused:3015:r2", "EventRecordingResumed:3016:r3", "EventRecordingStopped:3014:r4"]);
    await Promise.all([customer.rtp.close(), agent.rtp.close()]);
  });

  it("a full disk ends the recording as failed with an event; no half-written file; the room goes on", async (t) => {
    const mount = join(dir, "tiny");
    mkdirSync(mount);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=128k", "tmpfs", mount]);
    t.after(() => execFileSync("umount", ["-l", mount]));
    const room = await engine.createRoom();
    t.after(() => room.close());
    const customer = await joinWithTone(room, "customer", CUSTOMER);
    const agent = await joinWithTone(room, "agent", AGENT);
    const deps = depsFor(mount);
    const session = await RecordingSession.start(deps, room, { left: ["customer"], right: ["agent"] }, facts("c2"), { source: "recording" });
    let failedWith: string | undefined;
    session.onFailed = (err) => (failedWith = err.code);
    await until(() => index.get(session.id)?.status === "failed", 15_000, "the recording to fail");
    const row = index.get(session.id);
    assert.equal(row?.errorCode, "TANDEM_ERR_RECORDING_DISK_FULL");
    assert.equal(failedWith, "TANDEM_ERR_RECORDING_DISK_FULL");
    assert.ok((row?.sizeBytes ?? 0) > 64 * 1024, `it had written ${row?.sizeBytes} bytes`);
    assert.deepEqual(readdirSync(mount), [], "nothing half-written is left");
    const names = host.events().filter((e) => e.connId === "c2").map((e) => `${e.name}:${String(e.data["code"] ?? e.data["privateEventId"])}`);
    assert.deepEqual(names, ["EventRecordingStarted:3013", "EventRecordingFailed:TANDEM_ERR_RECORDING_DISK_FULL", "EventError:TANDEM_ERR_RECORDING_DISK_FULL"]);
    const from = customer.rtp.now();
    await sleep(800);
    assert.ok(shareHearing(customer.rtp, [AGENT], from + 100) >= 0.9, "the customer still hears the agent");
    // A start with less free space than minFreeBytes is refused at once, its row failed.
    await assert.rejects(RecordingSession.start(depsFor(mount, { minFreeBytes: 1024 * 1024 }), room, { left: ["customer"], right: ["agent"] }, facts("c3"), { source: "recording" }), { code: "TANDEM_ERR_RECORDING_DISK_FULL" });
    await Promise.all([customer.rtp.close(), agent.rtp.close()]);
  });
});
