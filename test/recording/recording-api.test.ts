/**
 * The recordings index and admin API on a real host (SQLite file, admin token, fastify inject): rows written
 * through the index are listed with filters, described, downloaded whole and by byte range (206 with
 * Content-Range, 416 past the end), refused while still recording, deleted (file then row); retention removes
 * finished recordings older than its days and leaves newer and running ones; rows a stopped process left
 * `recording` become failed with their partial file removed.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import recording from "@tandem/plugin-recording";
import { RecordingIndex } from "../../plugins/recording/src/recording-index.js";
import { createTestHost, type TestHost } from "@tandem/testing";
import { closeUnfinished, sweepExpired } from "../../plugins/recording/src/retention-sweep.js";
import { RecordingFiles } from "../../plugins/recording/src/recording-files.js";
import { parseRange } from "../../plugins/recording/src/byte-range.js";
import { quietLogger } from "../support/test-stack.js";
import { openDatabase } from "../../core/src/storage/database.js";
import { SqlitePluginStorage } from "../../core/src/storage/plugin-storage.js";

const dir = mkdtempSync(join(tmpdir(), "recording-api-"));
const folder = join(dir, "recordings");
const BASE = "/api/v1/plugins/recording";

/** A stand-in file body: printable bytes in a cycle, so any range's content is predictable (and survives inject's text body). */
function body(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => 32 + (i % 95)));
}

describe("recordings index and admin API", { timeout: 300_000 }, () => {
  let host: TestHost;
  let index: RecordingIndex;
  let files: RecordingFiles;
  before(async () => {
    host = await createTestHost({
      plugins: [recording as never],
      config: { storage: { path: join(dir, "tandem.sqlite") }, plugins: { recording: { enabled: true, folder, retentionDays: 30 } } },
    });
    // A second view of the same SQLite file, as the plugin's own storage sees it.
    index = new RecordingIndex(new SqlitePluginStorage(openDatabase(join(dir, "tandem.sqlite")), "recording"));
    files = new RecordingFiles(folder);
  });
  after(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const add = async (id: string, fields: { connId: string; agentDn: string; ani: string; startedAt: string; size?: number; status?: "complete" | "recording" }): Promise<Buffer> => {
    index.begin({ id, connId: fields.connId, trigger: "dn", file: files.fileName(id), ani: fields.ani, dnis: "8000", agentDn: fields.agentDn, parties: [{ dn: fields.ani, role: "customer", from: fields.startedAt }, { dn: fields.agentDn, role: "agent", from: fields.startedAt }], startedAt: fields.startedAt });
    const data = body(fields.size ?? 1000);
    writeFileSync(files.partPath(id), data);
    if (fields.status !== "recording") {
      const done = await files.finish(id);
      index.complete(id, { endedAt: fields.startedAt, ...done, durationMs: 1000, pausedMs: 0 });
    }
    return data;
  };

  it("lists with filters, describes one, 404 for an unknown id", async () => {
    await add("a1", { connId: "c1", agentDn: "1001", ani: "5550100", startedAt: "2026-12-01T10:00:00.000Z" });
    await add("a2", { connId: "c2", agentDn: "1002", ani: "5550200", startedAt: "2026-12-02T10:00:00.000Z" });
    await add("a3", { connId: "c3", agentDn: "1001", ani: "5550300", startedAt: "2026-12-03T10:00:00.000Z", status: "recording" });
    const all = (await host.inject({ method: "GET", url: `${BASE}/recordings` })).json<{ total: number; recordings: { id: string }[] }>();
    assert.deepEqual(all.recordings.map((r) => r.id), ["a3", "a2", "a1"]);
    const byAgent = (await host.inject({ method: "GET", url: `${BASE}/recordings?agentDn=1001&status=complete` })).json<{ recordings: { id: string }[] }>();
    assert.deepEqual(byAgent.recordings.map((r) => r.id), ["a1"]);
    const byTime = (await host.inject({ method: "GET", url: `${BASE}/recordings?from=2026-12-02T00:00:00.000Z&to=2026-12-03T00:00:00.000Z` })).json<{ recordings: { id: string }[] }>();
    assert.deepEqual(byTime.recordings.map((r) => r.id), ["a2"]);
    const one = await host.inject({ method: "GET", url: `${BASE}/recordings/a1` });
    assert.equal(one.statusCode, 200);
    const row = one.json<{ sha256: string; sizeBytes: number; status: string; ani: string; parties: unknown[] }>();
    assert.equal(row.status, "complete");
    assert.equal(row.sizeBytes, 1000);
    assert.equal(row.sha256, createHash("sha256").update(body(1000)).digest("hex"));
    assert.equal(row.parties.length, 2);
    const missing = await host.inject({ method: "GET", url: `${BASE}/recordings/nope` });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_RECORDING_NOT_FOUND");
    const badQuery = await host.inject({ method: "GET", url: `${BASE}/recordings?status=weird` });
    assert.equal(badQuery.statusCode, 400);
  });

  it("downloads whole and by range; 416 past the end; 409 while recording; needs the admin token", async () => {
    const data = body(1000);
    const whole = await host.inject({ method: "GET", url: `${BASE}/recordings/a1/audio` });
    assert.equal(whole.statusCode, 200);
    assert.equal(whole.headers["content-type"], "audio/wav");
    assert.equal(whole.headers["accept-ranges"], "bytes");
    assert.equal(whole.headers["content-length"], "1000");
    const part = await host.inject({ method: "GET", url: `${BASE}/recordings/a1/audio`, headers: { range: "bytes=100-199" } });
    assert.equal(part.statusCode, 206);
    assert.equal(part.headers["content-range"], "bytes 100-199/1000");
    assert.equal(part.body, data.subarray(100, 200).toString("latin1"));
    const suffix = await host.inject({ method: "GET", url: `${BASE}/recordings/a1/audio`, headers: { range: "bytes=-10" } });
    assert.equal(suffix.headers["content-range"], "bytes 990-999/1000");
    const open = await host.inject({ method: "GET", url: `${BASE}/recordings/a1/audio`, headers: { range: "bytes=900-" } });
    assert.equal(open.headers["content-range"], "bytes 900-999/1000");
    const past = await host.inject({ method: "GET", url: `${BASE}/recordings/a1/audio`, headers: { range: "bytes=5000-" } });
    assert.equal(past.statusCode, 416);
    assert.equal(past.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_RECORDING_BAD_RANGE");
    const running = await host.inject({ method: "GET", url: `${BASE}/recordings/a3/audio` });
    assert.equal(running.statusCode, 409);
    assert.equal(running.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_RECORDING_IN_PROGRESS");
    const anonymous = await host.inject({ method: "GET", url: `${BASE}/recordings/a1/audio`, headers: { authorization: "Bearer wrong" } });
    assert.equal(anonymous.statusCode, 401);
  });

  it("deletes a finished recording (file and row), refuses a running one", async () => {
    assert.ok(existsSync(files.pathOf("a2.wav")));
    assert.equal((await host.inject({ method: "DELETE", url: `${BASE}/recordings/a2` })).statusCode, 204);
    assert.equal(existsSync(files.pathOf("a2.wav")), false);
    assert.equal((await host.inject({ method: "GET", url: `${BASE}/recordings/a2` })).statusCode, 404);
    assert.equal((await host.inject({ method: "DELETE", url: `${BASE}/recordings/a3` })).statusCode, 409);
  });

  it("control routes answer coded errors for a call that is not recorded", async () => {
    const res = await host.inject({ method: "POST", url: `${BASE}/calls/nope/recording/pause`, payload: {} });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_RECORDING_NOT_RECORDING");
  });

  it("is described in the OpenAPI document", async () => {
    const doc = (await host.inject({ method: "GET", url: "/docs/json" })).json<{ paths: Record<string, unknown> }>();
    for (const path of [`${BASE}/recordings`, `${BASE}/recordings/{id}`, `${BASE}/recordings/{id}/audio`]) assert.ok(doc.paths[path], `${path} in ${Object.keys(doc.paths).filter((p) => p.includes("recording")).join(", ")}`);
  });

  it("retention removes finished recordings past their days, keeps newer and running ones; unfinished rows become failed", async () => {
    const log = quietLogger({ plugin: "recording" });
    const now = Date.parse("2026-12-31T12:00:00.000Z");
    // a1 (Dec 1) is 30.08 days old: past 30 days. a3 is still recording (Dec 3) and stays.
    await add("a4", { connId: "c4", agentDn: "1001", ani: "5550400", startedAt: "2026-12-20T10:00:00.000Z" });
    const deleted = await sweepExpired({ index, files, retentionDays: 30, log, now: () => now });
    assert.deepEqual(deleted, ["a1"]);
    assert.equal(existsSync(files.pathOf("a1.wav")), false);
    assert.ok(index.get("a3") && index.get("a4"));
    assert.deepEqual(await sweepExpired({ index, files, retentionDays: 0, log, now: () => now + 1e12 }), [], "0 days keeps for ever");

    assert.equal(await closeUnfinished({ index, files, retentionDays: 30, log, now: () => now }), 1);
    const a3 = index.get("a3");
    assert.equal(a3?.status, "failed");
    assert.equal(a3?.errorCode, "TANDEM_ERR_RECORDING_WRITE_FAILED");
    assert.equal(a3?.sizeBytes, 1000);
    assert.equal(existsSync(files.partPath("a3")), false);
    assert.equal(readFileSync(files.pathOf("a4.wav")).length, 1000);
  });
});

describe("byte ranges (RFC 9110 §14.2)", { timeout: 300_000 }, () => {
  it("parses first-last, first-, -suffix; ignores what it does not serve; refuses the unsatisfiable", () => {
    assert.deepEqual(parseRange("bytes=0-0", 10), { start: 0, end: 0 });
    assert.deepEqual(parseRange("bytes=5-100", 10), { start: 5, end: 9 });
    assert.deepEqual(parseRange("bytes=-3", 10), { start: 7, end: 9 });
    assert.deepEqual(parseRange("bytes=-30", 10), { start: 0, end: 9 });
    assert.equal(parseRange(undefined, 10), undefined);
    assert.equal(parseRange("bytes=1-2,4-5", 10), undefined);
    assert.equal(parseRange("items=1-2", 10), undefined);
    assert.equal(parseRange("bytes=5-2", 10), undefined);
    assert.throws(() => parseRange("bytes=10-", 10), { code: "TANDEM_ERR_RECORDING_BAD_RANGE" });
    assert.throws(() => parseRange("bytes=-0", 10), { code: "TANDEM_ERR_RECORDING_BAD_RANGE" });
  });
});
