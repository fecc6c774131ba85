/** The durable event log and the bus on a real SQLite file. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import type { TandemEvent } from "@tandem/sdk";
import { openDatabase } from "../../core/src/storage/database.js";
import { writeInTurn } from "../../core/src/storage/turn-writes.js";
import { until } from "../support/until.js";
import { openCore, quietLogger, tempDir } from "./test-support.js";

const stored = (core: ReturnType<typeof openCore>) =>
  (core.db.prepare("SELECT COUNT(*) AS n FROM core__events").get() as { n: number }).n;

test("a client paging with after=SEQ while events are emitted receives every event exactly once", { timeout: 180_000 }, async (t) => {
  const core = openCore(join(tempDir(t), "events.sqlite"), { flushMs: 5 });
  t.after(() => core.close());
  const total = 2_000;
  let emitted = 0;
  const producer = (async () => {
    while (emitted < total) {
      for (let i = 0; i < 37 && emitted < total; i++) core.bus.emit("EventUserEvent", { data: { n: ++emitted } });
      await sleep(1);
    }
  })();
  const received: TandemEvent[] = [];
  let after = 0;
  while (received.length < total) {
    const page = core.bus.since(after, 50);
    received.push(...page);
    after = page.at(-1)?.seq ?? after;
    if (page.length === 0) await sleep(1);
  }
  await producer;
  assert.equal(received.length, total);
  assert.deepEqual(
    received.map((e) => e.data.n),
    Array.from({ length: total }, (_, i) => i + 1),
  );
  assert.ok(received.every((e, i) => i === 0 || e.seq === (received[i - 1]?.seq ?? 0) + 1), "seq strictly consecutive");
  assert.equal(core.bus.since(after, 50).length, 0);
  core.log.flush();
  assert.equal(stored(core), total);
  assert.ok(core.log.stats.batches < total / 10, `batched: ${core.log.stats.batches} transactions for ${total} events`);
});

test("a seq is shown only once committed: since() and lastSeq() commit the queue first", { timeout: 180_000 }, async (t) => {
  const core = openCore(join(tempDir(t), "events.sqlite"), { flushMs: 60_000 });
  t.after(() => core.close());
  for (let i = 0; i < 10; i++) core.bus.emit("EventUserEvent", { dn: "1001", data: { i } });
  assert.equal(stored(core), 0, "nothing written synchronously");
  assert.equal(core.bus.since(0, 100).length, 10);
  assert.equal(stored(core), 10, "what since() returned is in the database");
  assert.equal(core.log.stats.batches, 1, "one group commit");
  assert.deepEqual(core.bus.since(7, 100).map((e) => e.seq), [8, 9, 10]);
  core.bus.emit("EventUserEvent");
  assert.equal(stored(core), 10);
  assert.equal(core.bus.lastSeq(), 11);
  assert.equal(stored(core), 11, "what lastSeq() returned is in the database");
  assert.deepEqual(core.bus.since(3, 2).map((e) => e.seq), [4, 5]);
});

test("afterCommit calls back once its event is committed, after the records queued before it, with no timer and no wait", { timeout: 180_000 }, async (t) => {
  const path = join(tempDir(t), "events.sqlite");
  const core = openCore(path, { flushMs: 60_000 });
  t.after(() => core.close());
  core.db.exec("CREATE TABLE records (v INTEGER)");
  const reader = openDatabase(path);
  t.after(() => reader.close());
  const seen = () => ({
    events: (reader.prepare("SELECT COUNT(*) AS n FROM core__events").get() as { n: number }).n,
    records: (reader.prepare("SELECT COUNT(*) AS n FROM records").get() as { n: number }).n,
  });
  writeInTurn(core.db, "INSERT INTO records (v) VALUES (?)", [1]);
  const event = core.bus.emit("EventUserEvent");
  let atCallback: { events: number; records: number } | undefined;
  let committed = 0;
  core.bus.afterCommit(event.seq, (c) => {
    committed = c;
    atCallback = seen();
  });
  assert.equal(atCallback, undefined, "nothing is committed yet, so no call back at once");
  assert.deepEqual(seen(), { events: 0, records: 0 }, "and nothing was written while the caller waited");
  await until(() => atCallback !== undefined, 10_000, "the call back (the timer is a minute away)");
  assert.equal(committed, event.seq);
  assert.deepEqual(atCallback, { events: 1, records: 1 }, "the record queued before the event is durable by then too");
  let again = 0;
  core.bus.afterCommit(event.seq, (c) => (again = c));
  assert.equal(again, event.seq, "a seq already committed is called back at once");
});

test("a waiter that throws is logged; the batch stays committed once and the other waiters are called", { timeout: 180_000 }, async (t) => {
  const lines: Array<{ level: string; msg: string }> = [];
  const core = openCore(join(tempDir(t), "events.sqlite"), { flushMs: 60_000, logger: quietLogger(lines) });
  t.after(() => core.close());
  const event = core.bus.emit("EventUserEvent");
  let called = 0;
  core.bus.afterCommit(event.seq, () => {
    throw new Error("desktop gone");
  });
  core.bus.afterCommit(event.seq, () => void called++);
  await until(() => called === 1, 10_000, "the second waiter");
  assert.ok(lines.some((l) => l.level === "error" && /waiting for a commit threw/.test(l.msg)));
  assert.equal(core.log.stats.failedBatches, 0, "not taken for a failed batch");
  assert.equal(stored(core), 1, "stored once");
});

test("the flush timer writes a queue nobody read in one batch", { timeout: 180_000 }, async (t) => {
  const core = openCore(join(tempDir(t), "events.sqlite"), { flushMs: 30 });
  t.after(() => core.close());
  for (let i = 0; i < 10; i++) core.bus.emit("EventUserEvent", { dn: "1001", data: { i } });
  const deadline = Date.now() + 3_000;
  while (stored(core) < 10 && Date.now() < deadline) await sleep(10);
  assert.equal(stored(core), 10);
  assert.equal(core.log.stats.batches, 1);
});

test("a queue past a few hundred events is written soon, before the timer", { timeout: 180_000 }, async (t) => {
  const core = openCore(join(tempDir(t), "events.sqlite"), { flushMs: 60_000 });
  t.after(() => core.close());
  for (let i = 0; i < 600; i++) core.bus.emit("EventUserEvent");
  await sleep(10);
  assert.equal(stored(core), 600);
});

test("seq continues after restart; close() flushes; pruning keeps the high-water mark", { timeout: 180_000 }, (t) => {
  const path = join(tempDir(t), "events.sqlite");
  const first = openCore(path, { flushMs: 60_000 });
  for (let i = 0; i < 5; i++) first.bus.emit("EventUserEvent", { data: { run: 1 } });
  first.close();

  const second = openCore(path);
  assert.equal(second.bus.lastSeq(), 5);
  assert.equal(stored(second), 5, "close() wrote the queue");
  assert.equal(second.bus.emit("EventUserEvent").seq, 6);
  second.log.flush();
  assert.equal(second.log.prune(new Date(Date.now() + 30 * 86_400_000)), 6);
  second.close();

  const third = openCore(path);
  t.after(() => third.close());
  assert.equal(third.bus.lastSeq(), 6);
  assert.equal(third.bus.emit("EventUserEvent").seq, 7);
});

test("retention prunes events older than retentionDays, at start and on demand", { timeout: 180_000 }, (t) => {
  const path = join(tempDir(t), "events.sqlite");
  const core = openCore(path, { retentionDays: 2 });
  core.bus.emit("EventUserEvent");
  core.log.flush();
  core.db.prepare("UPDATE core__events SET ts = ? WHERE seq = 1").run(new Date(Date.now() - 3 * 86_400_000).toISOString());
  core.bus.emit("EventUserEvent");
  core.log.flush();
  assert.equal(core.log.prune(new Date(Date.now() + 86_400_000)), 1, "only the 3-day-old event is older than 2 days at now+1d");
  assert.deepEqual(core.bus.since(0).map((e) => e.seq), [2]);
  core.db.prepare("UPDATE core__events SET ts = ? WHERE seq = 2").run(new Date(Date.now() - 5 * 86_400_000).toISOString());
  core.close();
  const lines: Array<{ level: string; msg: string }> = [];
  const again = openCore(path, { retentionDays: 2, logger: quietLogger(lines) });
  t.after(() => again.close());
  assert.equal(again.bus.since(0).length, 0, "pruned at start");
  assert.ok(lines.some((l) => l.msg === "event log pruned"));
});

test("listeners are isolated and see events in seq order, also events emitted by listeners", { timeout: 180_000 }, (t) => {
  const lines: Array<{ level: string; msg: string }> = [];
  const core = openCore(join(tempDir(t), "events.sqlite"), { logger: quietLogger(lines) });
  t.after(() => core.close());
  const order: string[] = [];
  core.bus.on("EventRinging", (e) => {
    order.push(`a${e.seq}`);
    if (e.seq === 1) core.bus.emit("EventEstablished");
  });
  core.bus.on("*", () => {
    throw new Error("boom");
  });
  const off = core.bus.on("*", (e) => order.push(`all${e.seq}`));
  const ev = core.bus.emit("EventRinging", { dn: "1001", connId: "c1", data: { ani: "100" } });
  assert.equal(ev.seq, 1);
  assert.match(ev.ts, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(order, ["a1", "all1", "all2"]);
  assert.ok(lines.some((l) => l.level === "error"));
  off();
  core.bus.emit("EventRinging");
  assert.deepEqual(order, ["a1", "all1", "all2", "a3"]);
  assert.throws(() => core.bus.emit("ringing" as never), { code: "TANDEM_ERR_BUS_EVENT_NAME" });
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => core.bus.emit("EventUserEvent", { data: cyclic }), { code: "TANDEM_ERR_BUS_EVENT_DATA" });
  assert.throws(() => core.bus.emit("EventUserEvent", { data: { n: 1n } }), { code: "TANDEM_ERR_BUS_EVENT_DATA" });
  assert.equal(core.bus.lastSeq(), 3, "refused events take no seq");
  const [stored1] = core.bus.since(0, 1);
  assert.deepEqual(stored1, ev);
});

test("a failing write keeps the batch queued and unseen, logs a coded error, and succeeds on retry", { timeout: 180_000 }, async (t) => {
  const lines: Array<{ level: string; msg: string }> = [];
  const core = openCore(join(tempDir(t), "events.sqlite"), { flushMs: 5, logger: quietLogger(lines) });
  t.after(() => core.close());
  core.db.exec("CREATE TEMP TRIGGER fail_insert BEFORE INSERT ON core__events BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  for (let i = 0; i < 3; i++) core.bus.emit("EventUserEvent", { data: { i } });
  await sleep(30);
  assert.equal(stored(core), 0);
  assert.ok(core.log.stats.failedBatches >= 1);
  assert.ok(lines.some((l) => l.level === "error" && /3 events/.test(l.msg)), "coded flush error logged");
  core.bus.emit("EventUserEvent", { data: { i: 3 } });
  assert.deepEqual(core.bus.since(0), [], "nothing unwritten is shown");
  assert.equal(core.bus.lastSeq(), 0, "no uncommitted seq is shown");
  core.db.exec("DROP TRIGGER fail_insert");
  const deadline = Date.now() + 3_000; // retries back off, so wait for the next one rather than a fixed time
  while (stored(core) < 4 && Date.now() < deadline) await sleep(10);
  assert.equal(stored(core), 4);
  assert.deepEqual(core.bus.since(0).map((e) => e.seq), [1, 2, 3, 4]);
});
