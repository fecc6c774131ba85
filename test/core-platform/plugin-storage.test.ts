/** Storage: the database, migrations per scope, and a plugin's own tables. */
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openDatabase } from "../../core/src/storage/database.js";
import { applyMigrations } from "../../core/src/storage/migrations.js";
import { SqlitePluginStorage } from "../../core/src/storage/plugin-storage.js";
import { createServer } from "../../core/src/server.js";
import { fakeSipStack } from "./helpers/fake-sip.js";
import { baseConfig, tempDir } from "./helpers/temp-plugins.js";

test("openDatabase creates the folder, uses WAL and foreign keys", { timeout: 180_000 }, (t) => {
  const dir = tempDir(t);
  const path = join(dir, "nested", "deeper", "tandem.sqlite");
  const db = openDatabase(path);
  t.after(() => db.close());
  assert.ok(existsSync(path));
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
});

test("migrations apply once per scope, in version order, and resume after a restart", { timeout: 180_000 }, (t) => {
  const dir = tempDir(t);
  const path = join(dir, "m.sqlite");
  const steps = [
    { version: 2, up: "ALTER TABLE t ADD COLUMN b TEXT" },
    { version: 1, up: "CREATE TABLE t (a INTEGER)" },
  ];
  let db = openDatabase(path);
  assert.equal(applyMigrations(db, "core.test", steps), 2);
  assert.equal(applyMigrations(db, "core.other", []), 0);
  db.close();
  db = openDatabase(path);
  t.after(() => db.close());
  assert.equal(applyMigrations(db, "core.test", [...steps, { version: 3, up: "CREATE INDEX t_a ON t (a)" }]), 3);
  assert.deepEqual(db.prepare("SELECT scope, version FROM _migrations ORDER BY scope").all(), [{ scope: "core.test", version: 3 }]);
});

test("a failing migration rolls back its step and is reported with scope and version", { timeout: 180_000 }, () => {
  const db = openDatabase(":memory:");
  assert.throws(
    () => applyMigrations(db, "plugin.x", [{ version: 1, up: "CREATE TABLE ok (a)" }, { version: 2, up: "CREATE TABLE bad (a); NOT SQL" }]),
    (err: Error & { code: string }) => err.code === "TANDEM_ERR_STORAGE_MIGRATION" && /migration 2 of plugin\.x/.test(err.message),
  );
  assert.equal(applyMigrations(db, "plugin.x", [{ version: 1, up: "CREATE TABLE ok (a)" }]), 1);
  assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE name = 'bad'").all(), []);
  assert.throws(() => applyMigrations(db, "plugin.y", [{ version: 1, up: "" }, { version: 1, up: "" }]), { code: "TANDEM_ERR_STORAGE_MIGRATION_ORDER" });
  db.close();
});

test("plugin storage: prefixed tables, {{name}} substitution, positional and named params, transactions", { timeout: 180_000 }, () => {
  const db = openDatabase(":memory:");
  const storage = new SqlitePluginStorage(db, "call-stats");
  assert.equal(storage.tablePrefix, "call_stats__");
  assert.equal(storage.table("rows"), "call_stats__rows");
  assert.throws(() => storage.table("rows; DROP"), { code: "TANDEM_ERR_STORAGE_TABLE_NAME" });
  storage.migrate([{ version: 1, up: "CREATE TABLE {{rows}} (dn TEXT PRIMARY KEY, n INTEGER)" }]);
  storage.migrate([{ version: 1, up: "CREATE TABLE {{rows}} (dn TEXT PRIMARY KEY, n INTEGER)" }]);
  assert.equal(storage.run("INSERT INTO {{rows}} VALUES (?, ?)", ["1001", 1]).changes, 1);
  storage.run("INSERT INTO {{rows}} VALUES (@dn, @n)", { dn: "1002", n: 2 });
  assert.deepEqual(storage.get("SELECT n FROM {{rows}} WHERE dn = ?", ["1002"]), { n: 2 });
  assert.throws(() => storage.transaction(() => {
    storage.run("INSERT INTO {{rows}} VALUES ('1003', 3)");
    throw new Error("undo");
  }));
  assert.deepEqual(storage.all("SELECT dn FROM {{rows}} ORDER BY dn"), [{ dn: "1001" }, { dn: "1002" }]);
  assert.deepEqual(db.prepare("SELECT version FROM _migrations WHERE scope = 'plugin.call-stats'").get(), { version: 1 });
  db.close();
});

test("plugin storage: runInTurn writes are queued, seen by its reads, durable at commitTurn", { timeout: 180_000 }, async (t) => {
  const path = join(tempDir(t), "turn.sqlite");
  const db = openDatabase(path);
  const other = openDatabase(path);
  t.after(() => (other.close(), db.close()));
  const storage = new SqlitePluginStorage(db, "call-stats");
  storage.migrate([{ version: 1, up: "CREATE TABLE {{rows}} (n INTEGER)" }]);
  const seen = (): number[] => (other.prepare("SELECT n FROM call_stats__rows ORDER BY n").all() as Array<{ n: number }>).map((r) => r.n);
  const bind = [1];
  storage.runInTurn("INSERT INTO {{rows}} VALUES (?)", bind);
  bind[0] = 99; // a caller may reuse its bind values at once: the queued write keeps its own
  storage.runInTurn("INSERT INTO {{rows}} VALUES (@n)", { n: 2 });
  assert.deepEqual(storage.all("SELECT n FROM {{rows}} ORDER BY n"), [{ n: 1 }, { n: 2 }], "the storage's own reads see queued writes");
  storage.runInTurn("INSERT INTO {{rows}} VALUES (?)", [3]);
  storage.commitTurn();
  assert.deepEqual(seen(), [1, 2, 3], "commitTurn makes the queued writes durable before it returns");
});

test("a database that cannot be opened stops the boot with TANDEM_ERR_STORAGE_OPEN", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "not-a-folder"), "x");
  const raw = baseConfig({ storage: { path: "./not-a-folder/tandem.sqlite" } });
  await assert.rejects(createServer(raw, { configDir: dir, overrides: { createSipStack: fakeSipStack() } }), { code: "TANDEM_ERR_STORAGE_OPEN" });
});
