/**
 * kill -9 during a consultation, then a restart on the same database: the consulted agent's phone is not left in a
 * dead call. The customer (held), agent 1001's phone and the consulted 1002's phone (sipp, the PBX answering for
 * both) each require the restart's BYE with its Reason; the event log shows EventReleased lost-in-restart on the
 * call for 1001 and on the consultation's own ConnID for 1001 and 1002. A completed transfer moves the consulted
 * leg's record into the call's agent row (one row per leg, so one BYE each), and the restart ends it as the call's.
 */
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { test } from "node:test";
import { killAllSipp } from "../support/sipp.js";
import {
  agent1001ReadyAgain,
  assertSippCounts,
  callAt1001With1002LoggedIn,
  releasedInRestart,
  signallingSettled,
  startCrashRig,
} from "./support/crash-rig.js";

test("a consultation up at kill -9 is ended by the restart: BYE to customer, agent and consulted agent, EventReleased on both calls", { timeout: 180_000 }, async (t) => {
  t.after(killAllSipp);
  const rig = await startCrashRig(t);
  const { connId, ended } = await callAt1001With1002LoggedIn(rig);

  await rig.desktop("1001", { request: "RequestInitiateTransfer", connId, destination: "1002" });
  const consulted = await rig.waitEvent("the consultation established at 1002", (e) => e.name === "EventEstablished" && e.dn === "1002");
  const consultId = consulted.connId ?? "";
  assert.notEqual(consultId, connId);
  await signallingSettled(rig, connId);

  await rig.crashAndRestart();

  const [customerResult, pbxResult] = await ended;
  assertSippCounts(customerResult, { successful: 1, failed: 0 });
  // Two phones: 1001's (held, then talking to 1002) and 1002's, each ended by a BYE with the Reason.
  assertSippCounts(pbxResult, { successful: 2, failed: 0 });

  const released = await releasedInRestart(rig);
  const seen = released.map((e) => `${e.connId === connId ? "call" : e.connId === consultId ? "consult" : e.connId} ${e.dn}`).sort();
  assert.deepEqual(seen, ["call 1001", "consult 1001", "consult 1002"], JSON.stringify(released));
  assert.equal(released.find((e) => e.connId === consultId)?.data["heldConnId"], connId);
  await agent1001ReadyAgain(rig);
});

/** The call's recorded dialogs on disk: slot and Call-ID, in the order written. */
function recordedDialogs(path: string, connId: string): Array<[string, string]> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT role, dialog FROM calls__dialogs WHERE conn_id = ? ORDER BY role").all(connId) as Array<{ role: string; dialog: string }>;
    return rows.map((row) => [row.role, (JSON.parse(row.dialog) as { callId: string }).callId]);
  } finally {
    db.close();
  }
}

test("a consultation completed as a transfer: the consulted leg's record becomes the call's agent row, and the restart ends it", { timeout: 180_000 }, async (t) => {
  t.after(killAllSipp);
  const rig = await startCrashRig(t);
  const dbPath = String(rig.example.config["storage"].path);
  const { connId, ended } = await callAt1001With1002LoggedIn(rig);
  const answered = new Map(recordedDialogs(dbPath, connId));
  const customerCallId = answered.get("customer");
  const phoneCallId = answered.get("agent");
  assert.ok(customerCallId !== undefined && phoneCallId !== undefined, JSON.stringify([...answered]));

  await rig.desktop("1001", { request: "RequestInitiateTransfer", connId, destination: "1002" });
  const consulted = await rig.waitEvent("the consultation established at 1002", (e) => e.name === "EventEstablished" && e.dn === "1002");
  const during = recordedDialogs(dbPath, connId);
  const target = during.find(([slot]) => slot.startsWith("party:"));
  assert.ok(target, JSON.stringify(during));
  assert.equal(during.length, 3, JSON.stringify(during));

  await rig.desktop("1001", { request: "RequestCompleteTransfer", connId: consulted.connId, heldConnId: connId });
  await rig.waitEvent("1002 took the call", (e) => e.name === "EventPartyChanged" && e.dn === "1002" && e.connId === connId);
  assert.deepEqual(recordedDialogs(dbPath, connId), [["agent", target[1]], ["customer", customerCallId]]);
  assert.notEqual(target[1], phoneCallId);
  await signallingSettled(rig, connId);

  await rig.crashAndRestart();

  const [customerResult, pbxResult] = await ended;
  assertSippCounts(customerResult, { successful: 1, failed: 0 });
  // 1002's phone ends with the restart's BYE; 1001's was ended by the transfer itself, whose BYE carries no
  // "lost in restart" Reason, so the scenario (which requires it) counts that one phone failed.
  assertSippCounts(pbxResult, { successful: 1, failed: 1 });

  const released = await releasedInRestart(rig);
  assert.deepEqual(released.map((e) => `${e.connId === connId ? "call" : e.connId} ${e.dn}`), ["call 1002"], JSON.stringify(released));
});
