/**
 * Queued record writes (turn-writes.ts): made in order by the storage writer thread (a database file's default) or
 * in one transaction per event-loop turn on the main connection (`writerThread: false`); never later than a durable
 * write that follows them, visible to every read through the storage, written before a close.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import type Database from "better-sqlite3";
import { openDatabase } from "../../core/src/storage/database.js";
import { commitTurnWrites, settleTurnWrites, writeInTurn } from "../../core/src/storage/turn-writes.js";
import { until } from "../support/until.js";

const INSERT = "INSERT INTO t (v) VALUES (?)";

interface Rig {
  db: Database.Database;
  other: Database.Database;
  insert: (v: number) => void;
  seen: () => number[];
}

function open(t: TestContext, writerThread: boolean): Rig {
  const dir = mkdtempSync(join(tmpdir(), "tandem-turn-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "turn.db");
  const db = openDatabase(path, { writerThread });
  db.exec("CREATE TABLE t (v INTEGER UNIQUE)");
  const other = openDatabase(path);
  const read = other.prepare<[], { v: number }>("SELECT v FROM t ORDER BY v");
  return { db, other, insert: (v) => writeInTurn(db, INSERT, [v]), seen: () => read.all().map((r) => r.v) };
}

/** Process warnings with a code, collected while the test runs. */
function warnings(t: TestContext): Array<{ code: string; message: string }> {
  const seen: Array<{ code: string; message: string }> = [];
  const listener = (warning: Error & { code?: string }): void => void seen.push({ code: warning.code ?? "", message: warning.message });
  process.on("warning", listener);
  t.after(() => process.off("warning", listener));
  return seen;
}

test("inline: the writes of one turn are one transaction, committed at the end of the turn", { timeout: 180_000 }, async (t) => {
  const { db, other, insert, seen } = open(t, false);
  t.after(() => (other.close(), db.close()));
  insert(1);
  insert(2);
  assert.equal(db.inTransaction, true);
  assert.deepEqual(seen(), [], "another connection (a restart) sees nothing before the commit");
  await nextTurn();
  assert.equal(db.inTransaction, false);
  assert.deepEqual(seen(), [1, 2]);
  insert(3);
  await nextTurn();
  assert.deepEqual(seen(), [1, 2, 3], "the next turn opens its own transaction");
});

test("writer thread: the main connection never holds the writes; they are made in order, and settle waits for them", { timeout: 180_000 }, async (t) => {
  const { db, other, insert, seen } = open(t, true);
  t.after(() => (other.close(), db.close()));
  for (let v = 1; v <= 200; v++) insert(v);
  assert.equal(db.inTransaction, false, "no transaction of the main connection is held open for them");
  settleTurnWrites(db);
  assert.deepEqual(seen(), Array.from({ length: 200 }, (_, i) => i + 1), "another connection sees all of them once settled");
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n, 200, "and so does the main connection");
  insert(201);
  await until(() => seen().includes(201), 10_000, "a queued write is committed without anyone waiting for it");
});

for (const writerThread of [true, false]) {
  const mode = writerThread ? "writer thread" : "inline";

  test(`${mode}: commitTurnWrites makes them durable at once; a close writes them too`, { timeout: 180_000 }, (t) => {
    const { db, other, insert, seen } = open(t, writerThread);
    t.after(() => other.close());
    insert(1);
    commitTurnWrites(db);
    assert.deepEqual(seen(), [1]);
    insert(2);
    db.close();
    assert.deepEqual(seen(), [1, 2]);
  });

  test(`${mode}: a write inside someone else's transaction joins it`, { timeout: 180_000 }, (t) => {
    const { db, other, insert, seen } = open(t, writerThread);
    t.after(() => (other.close(), db.close()));
    assert.throws(() =>
      db.transaction(() => {
        insert(1);
        throw new Error("rolled back");
      })(),
    );
    commitTurnWrites(db);
    assert.deepEqual(seen(), []);
    assert.equal(db.inTransaction, false);
  });
}

test("writer thread: a failing write is reported with a code and the rest of its batch is still written", { timeout: 180_000 }, async (t) => {
  const seenWarnings = warnings(t);
  const { db, other, insert, seen } = open(t, true);
  t.after(() => (other.close(), db.close()));
  insert(1);
  insert(1); // UNIQUE: only this statement is undone
  insert(2);
  commitTurnWrites(db);
  assert.deepEqual(seen(), [1, 2]);
  await until(() => seenWarnings.some((w) => w.code === "TANDEM_ERR_STORAGE_WRITE"), 10_000, "a coded warning");
  const warning = seenWarnings.find((w) => w.code === "TANDEM_ERR_STORAGE_WRITE");
  assert.match(warning?.message ?? "", /UNIQUE constraint failed: t\.v/);
  assert.match(warning?.message ?? "", /INSERT INTO t/);
});

test("writer thread: a failure that rolls its batch's transaction back is reported with what it took; later writes go on", { timeout: 180_000 }, async (t) => {
  const seenWarnings = warnings(t);
  const { db, other, insert, seen } = open(t, true);
  t.after(() => (other.close(), db.close()));
  // Seen by the writer's connection too (not TEMP): as SQLITE_FULL or an I/O error would, it ends the transaction.
  db.exec("CREATE TRIGGER abort_batch BEFORE INSERT ON t WHEN NEW.v = 666 BEGIN SELECT RAISE(ROLLBACK, 'disk went away'); END");
  for (const v of [1, 2, 666, 3]) insert(v);
  commitTurnWrites(db);
  assert.deepEqual(seen(), [3], "the writes before the failure went with its transaction; the one after it was made");
  await until(() => seenWarnings.some((w) => w.code === "TANDEM_ERR_STORAGE_WRITE"), 10_000, "a coded warning");
  assert.match(seenWarnings.find((w) => w.code === "TANDEM_ERR_STORAGE_WRITE")?.message ?? "", /^1 queued record writes failed \(2 more lost with their transaction\): disk went away/);
  insert(4);
  commitTurnWrites(db);
  assert.deepEqual(seen(), [3, 4]);
});

test("writer thread: a thread that cannot open the database hands its writes to the main thread, none lost", { timeout: 180_000 }, async (t) => {
  const seenWarnings = warnings(t);
  const dir = mkdtempSync(join(tmpdir(), "tandem-turn-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "turn.db");
  const db = openDatabase(path, { writerThread: true });
  t.after(() => db.close());
  db.exec("CREATE TABLE t (v INTEGER UNIQUE)");
  // The thread opens the file by name when the first write comes: a folder in its place cannot be opened.
  renameSync(dir, `${dir}-moved`);
  mkdirSync(dir);
  mkdirSync(path);
  t.after(() => rmSync(`${dir}-moved`, { recursive: true, force: true }));
  for (let v = 1; v <= 3; v++) writeInTurn(db, INSERT, [v]);
  commitTurnWrites(db);
  writeInTurn(db, INSERT, [4]);
  commitTurnWrites(db);
  assert.deepEqual((db.prepare("SELECT v FROM t ORDER BY v").all() as Array<{ v: number }>).map((r) => r.v), [1, 2, 3, 4]);
  await until(() => seenWarnings.some((w) => w.code === "TANDEM_ERR_STORAGE_WRITER_STOPPED"), 10_000, "the fall-back is reported");
});

test("writer thread: a write after the database closed throws, as any statement on it does, and starts no thread", { timeout: 180_000 }, (t) => {
  const { db, other, insert, seen } = open(t, true);
  t.after(() => other.close());
  insert(1);
  db.close();
  assert.throws(() => insert(2), /not open/);
  assert.deepEqual(seen(), [1]);
});
