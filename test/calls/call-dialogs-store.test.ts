/**
 * The recorded dialogs of answered calls (calls__dialogs, lost-calls.ts) in a real SQLite file: listed while their
 * calls are up, gone when a call ends, rewritten on a refresh, dropped once a restart has ended them, and still
 * listed when a start closed the call as lost but died before its BYEs.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CALL_STORAGE_ID, CallStore } from "../../core/src/calls/call-store.js";
import { CallState } from "../../core/src/calls/call-types.js";
import type { DialogRecord } from "../../core/src/sip/dialog-record.js";
import { openAreaStorage } from "../../core/src/storage/area-storage.js";
import { openDatabase } from "../../core/src/storage/database.js";
import { until } from "../support/until.js";

const dialog = (callId: string, remoteTarget = "sip:5551234@127.0.0.1:5072;transport=udp"): DialogRecord => ({
  callId,
  localTag: "ours",
  remoteTag: "theirs",
  localUri: "sip:5000@127.0.0.1:5060",
  remoteUri: "sip:5551234@127.0.0.1",
  remoteTarget,
  routeSet: ["<sip:proxy.example;lr>"],
  localSeq: 3,
  transport: "udp",
});

function openStore(t: import("node:test").TestContext): { store: CallStore; path: string } {
  const dir = mkdtempSync(join(tmpdir(), "tandem-dialogs-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "calls.sqlite");
  const db = openDatabase(path);
  t.after(() => db.close());
  return { store: new CallStore(openAreaStorage(db, CALL_STORAGE_ID)), path };
}

function call(store: CallStore, connId: string): void {
  store.createCall({ connId, state: CallState.Established, ani: "5551234", dnis: "5000", entryDn: "5000", startedAt: new Date().toISOString(), userData: {} });
}

test("open calls list their dialogs; an ended call's go with its end", { timeout: 180_000 }, (t) => {
  const { store } = openStore(t);
  call(store, "a");
  call(store, "b");
  store.saveDialog("a", "customer", dialog("a-customer"));
  store.saveDialog("a", "agent", dialog("a-agent"));
  store.saveDialog("b", "customer", dialog("b-customer"));
  store.updateCall("b", { endedAt: new Date().toISOString() });
  assert.deepEqual(
    store.leftoverDialogs().map((d) => [d.connId, d.role, d.dialog.callId]),
    [["a", "customer", "a-customer"], ["a", "agent", "a-agent"]],
  );
  assert.deepEqual(store.leftoverDialogs()[0]?.dialog, dialog("a-customer"));
  assert.deepEqual(store.openCalls().map((c) => c.connId), ["a"]);
});

test("a refresh rewrites the leg's row; forgetDialogs drops a restart's calls only", { timeout: 180_000 }, (t) => {
  const { store } = openStore(t);
  call(store, "a");
  call(store, "c");
  store.saveDialog("a", "customer", dialog("a-customer"));
  store.saveDialog("a", "customer", dialog("a-customer", "sip:5551234-moved@127.0.0.1:5072"));
  store.saveDialog("c", "agent", dialog("c-agent"));
  assert.deepEqual(store.leftoverDialogs().map((d) => [d.connId, d.dialog.remoteTarget]), [
    ["a", "sip:5551234-moved@127.0.0.1:5072"],
    ["c", "sip:5551234@127.0.0.1:5072;transport=udp"],
  ]);
  store.forgetDialogs(["a"]);
  assert.deepEqual(store.leftoverDialogs().map((d) => d.connId), ["c"]);
});

test("the recorded dialogs are queued writes, committed without a wait of the caller, and survive reopening the database (what a restart reads)", { timeout: 180_000 }, async (t) => {
  const { store, path } = openStore(t);
  call(store, "a");
  store.saveDialog("a", "agent", dialog("a-agent"));
  const again = openDatabase(path);
  t.after(() => again.close());
  const restart = new CallStore(openAreaStorage(again, CALL_STORAGE_ID));
  // Queued, not committed on its own: another connection does not see it yet, and sees it once the batch commits.
  assert.deepEqual(restart.leftoverDialogs(), []);
  await until(() => restart.leftoverDialogs().length > 0, 10_000, "the queued dialog committed");
  assert.deepEqual(restart.leftoverDialogs().map((d) => d.dialog.callId), ["a-agent"]);
});

test("a call closed as lost whose BYEs never went out is still listed (the start died before them)", { timeout: 180_000 }, (t) => {
  const { store } = openStore(t);
  call(store, "a");
  store.saveDialog("a", "customer", dialog("a-customer"));
  store.closeOpenAsLost(new Date().toISOString());
  assert.deepEqual(store.openCalls(), []);
  assert.deepEqual(store.leftoverDialogs().map((d) => d.dialog.callId), ["a-customer"]);
});

test("a party's leg has its own row with whom to tell; forgetDialog drops that leg only", { timeout: 180_000 }, (t) => {
  const { store } = openStore(t);
  call(store, "a");
  store.saveDialog("a", "customer", dialog("a-customer"));
  store.saveDialog("a", "party:a-target", dialog("a-target"), { connId: "consult-a", dns: ["1001", "1002"] });
  store.saveDialog("a", "party:a-third", dialog("a-third"), { connId: "a", dns: [] });
  store.forgetDialog("a", "party:a-third");
  assert.deepEqual(
    store.leftoverDialogs().map((d) => [d.role, d.dialog.callId, d.party]),
    [
      ["customer", "a-customer", undefined],
      ["party:a-target", "a-target", { connId: "consult-a", dns: ["1001", "1002"] }],
    ],
  );
  store.updateCall("a", { endedAt: new Date().toISOString() });
  assert.deepEqual(store.leftoverDialogs(), []);
});
