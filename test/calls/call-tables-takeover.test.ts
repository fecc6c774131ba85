/**
 * The call model's tables made before its storage was namespaced (`calls`, `call_legs`, `call_dialogs` under
 * scope `core.calls`) are renamed in place to `calls__*` when such a database is opened: the fixture is a file the
 * earlier schema wrote (two calls, three legs, one recorded dialog).
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import type Database from "better-sqlite3";
import { CALL_STORAGE_ID, CallStore, LEGACY_CALL_TABLES } from "../../core/src/calls/call-store.js";
import { CallState } from "../../core/src/calls/call-types.js";
import { openAreaStorage } from "../../core/src/storage/area-storage.js";
import { openDatabase } from "../../core/src/storage/database.js";
import type { DialogRecord } from "../../core/src/sip/dialog-record.js";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "storage", "calls-before-namespaced-tables.sqlite");

function dir(t: TestContext): string {
  const path = mkdtempSync(join(tmpdir(), "tandem-call-tables-"));
  t.after(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

function oldDatabase(t: TestContext): string {
  const path = join(dir(t), "tandem.sqlite");
  copyFileSync(FIXTURE, path);
  return path;
}

function open(t: TestContext, path: string): { db: Database.Database; store: CallStore } {
  const db = openDatabase(path);
  t.after(() => db.open && db.close());
  return { db, store: new CallStore(openAreaStorage(db, CALL_STORAGE_ID, LEGACY_CALL_TABLES)) };
}

function tables(db: Database.Database): string[] {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

/** Columns, foreign keys and indexes of a table: what a fresh database and a taken-over one must share. */
function shape(db: Database.Database, table: string): unknown {
  return {
    columns: db.pragma(`table_info(${table})`),
    foreignKeys: db.pragma(`foreign_key_list(${table})`),
    indexes: (db.pragma(`index_list(${table})`) as Array<{ name: string }>).map((i) => i.name).sort(),
  };
}

test("an old database's call tables become calls__calls, calls__legs, calls__dialogs with every row kept", { timeout: 180_000 }, (t) => {
  const path = oldDatabase(t);
  const before = openDatabase(path);
  assert.deepEqual(tables(before), ["_migrations", "call_dialogs", "call_legs", "calls"], "the fixture has the old names");
  before.close();

  const { db, store } = open(t, path);
  assert.deepEqual(tables(db), ["_migrations", "calls__calls", "calls__dialogs", "calls__legs"]);
  assert.deepEqual(db.prepare("SELECT scope, version FROM _migrations").all(), [{ scope: "plugin.calls", version: 3 }]);

  const answered = store.get("00a1");
  assert.equal(answered?.agentDn, "1001");
  assert.deepEqual(answered?.userData, { lang: "fr" });
  assert.deepEqual(
    answered?.legs.map((l) => [l.role, l.sipCallId, l.answeredAt]),
    [
      ["customer", "c1@pbx", undefined],
      ["agent", "a1@tandem", "2026-01-05T09:00:03.000Z"],
    ],
  );
  assert.deepEqual(
    store.history({}).map((c) => [c.connId, c.outcome]),
    [
      ["00a1", undefined],
      ["00a2", "abandoned"],
    ],
  );
  assert.deepEqual(
    store.leftoverDialogs().map((d) => [d.connId, d.role, d.dialog.callId, d.party?.dns]),
    [["00a1", "customer", "c1@pbx", ["1001"]]],
  );
  assert.deepEqual(db.pragma("foreign_key_check"), [], "the legs and dialogs still reference their calls");
});

test("the renamed tables keep working: new rows, the cascade to legs, the dialogs dropped with a call's end", { timeout: 180_000 }, (t) => {
  const { db, store } = open(t, oldDatabase(t));
  store.createCall({ connId: "00b1", state: CallState.Ringing, ani: "5550000", dnis: "5000", entryDn: "5000", startedAt: "2026-01-06T10:00:00.000Z", userData: {} });
  const leg = store.addLeg("00b1", { role: "customer", sipCallId: "c3@pbx", direction: "inbound", startedAt: "2026-01-06T10:00:00.000Z" });
  assert.ok(leg > 3, "the leg ids go on after the old ones (AUTOINCREMENT's sequence was renamed with its table)");
  const dialog = { ...(store.leftoverDialogs()[0]?.dialog as DialogRecord), callId: "c3@pbx" };
  store.saveDialog("00b1", "customer", dialog);
  assert.deepEqual(store.leftoverDialogs().map((d) => d.connId), ["00a1", "00b1"]);
  store.updateCall("00b1", { state: CallState.Released, outcome: "abandoned", endedAt: "2026-01-06T10:00:05.000Z" });
  assert.deepEqual(store.leftoverDialogs().map((d) => d.connId), ["00a1"], "a call's end drops the dialogs it recorded");
  store.forgetDialogs(["00a1"]);
  assert.deepEqual(store.leftoverDialogs(), [], "a restart drops the dialogs it has ended");
  db.prepare("DELETE FROM calls__calls WHERE conn_id = '00a2'").run();
  assert.deepEqual(db.prepare("SELECT COUNT(*) AS n FROM calls__legs WHERE conn_id = '00a2'").get(), { n: 0 }, "ON DELETE CASCADE follows the rename");
});

test("opening the taken-over database again changes nothing; a fresh database gets the same tables", { timeout: 180_000 }, (t) => {
  const path = oldDatabase(t);
  open(t, path).db.close();
  const { db } = open(t, path);
  assert.deepEqual(db.prepare("SELECT scope, version FROM _migrations").all(), [{ scope: "plugin.calls", version: 3 }]);
  const fresh = open(t, join(dir(t), "fresh.sqlite")).db;
  assert.deepEqual(tables(fresh), tables(db));
  for (const table of ["calls__calls", "calls__legs", "calls__dialogs"]) assert.deepEqual(shape(fresh, table), shape(db, table), table);
});

test("a takeover that cannot finish is rolled back whole and reported as a migration error", { timeout: 180_000 }, (t) => {
  const path = oldDatabase(t);
  const db = openDatabase(path);
  t.after(() => db.open && db.close());
  // A table already holding one of the new names: the second rename fails after the first succeeded.
  db.exec("CREATE TABLE calls__legs (x INTEGER)");
  assert.throws(() => openAreaStorage(db, CALL_STORAGE_ID, LEGACY_CALL_TABLES), (err: Error & { code: string }) => {
    return err.code === "TANDEM_ERR_STORAGE_MIGRATION" && /plugin\.calls/.test(err.message) && /core\.calls/.test(err.message);
  });
  assert.deepEqual(tables(db), ["_migrations", "call_dialogs", "call_legs", "calls", "calls__legs"]);
  assert.deepEqual(db.prepare("SELECT scope, version FROM _migrations").all(), [{ scope: "core.calls", version: 3 }]);
});
