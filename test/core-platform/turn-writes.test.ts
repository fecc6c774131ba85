/** Record writes of one event-loop turn commit together, and never later than a durable write that follows them. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import type Database from "better-sqlite3";
import { openDatabase } from "../../core/src/storage/database.js";
import { commitTurnWrites, writeInTurn } from "../../core/src/storage/turn-writes.js";

function open(t: TestContext): { db: Database.Database; other: Database.Database; insert: (v: number) => void; seen: () => number[] } {
  const dir = mkdtempSync(join(tmpdir(), "tandem-turn-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "turn.db");
  const db = openDatabase(path);
  db.exec("CREATE TABLE t (v INTEGER)");
  const other = openDatabase(path);
  const put = db.prepare("INSERT INTO t (v) VALUES (?)");
  const read = other.prepare<[], { v: number }>("SELECT v FROM t ORDER BY v");
  return { db, other, insert: (v) => writeInTurn(db, () => put.run(v)), seen: () => read.all().map((r) => r.v) };
}

test("the writes of one turn are one transaction, committed at the end of the turn", { timeout: 180_000 }, async (t) => {
  const { db, other, insert, seen } = open(t);
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

test("commitTurnWrites makes them durable at once; a close commits them too", { timeout: 180_000 }, (t) => {
  const { db, other, insert, seen } = open(t);
  t.after(() => other.close());
  insert(1);
  commitTurnWrites(db);
  assert.deepEqual(seen(), [1]);
  insert(2);
  db.close();
  assert.deepEqual(seen(), [1, 2]);
});

test("a write inside someone else's transaction joins it", { timeout: 180_000 }, (t) => {
  const { db, other, insert, seen } = open(t);
  t.after(() => (other.close(), db.close()));
  assert.throws(() =>
    db.transaction(() => {
      insert(1);
      throw new Error("rolled back");
    })(),
  );
  assert.deepEqual(seen(), []);
  assert.equal(db.inTransaction, false);
});
