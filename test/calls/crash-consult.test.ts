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
import { customerCall } from "../support/sipp-peers.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { until } from "../support/until.js";
import { signallingSettled, startCrashRig } from "./support/crash-rig.js";

test("a consultation up at kill -9 is ended by the restart: BYE to customer, agent and consulted agent, EventReleased on both calls", async (t) => {
  t.after(killAllSipp);
  const rig = await startCrashRig(t);
  await rig.desktop("1001", { request: "RequestAgentLogin", workMode: "AutoIn" });
  // Logged in but not Ready: the routed call goes to 1001, the consultation reaches 1002 directly.
  await rig.desktop("1002", { request: "RequestAgentLogin", workMode: "ManualIn" });
  await rig.waitEvent("agent 1001 Ready", (e) => e.name === "EventAgentReady" && e.dn === "1001", 20_000);

  const pbx = runSipp({ scenario: "restart-pbx-phones.xml", localPort: rig.pbxPort, calls: 2, timeoutS: 150 });
  await new Promise((r) => setTimeout(r, 300));
  const customer = customerCall(rig.example.sipPort, "restart-customer-reinvited.xml", "5000", { timeoutS: 150 });
  const established = await rig.waitEvent("EventEstablished on 1001", (e) => e.name === "EventEstablished" && e.dn === "1001");
  const connId = established.connId ?? "";

  await rig.desktop("1001", { request: "RequestInitiateTransfer", connId, destination: "1002" });
  const consulted = await rig.waitEvent("the consultation established at 1002", (e) => e.name === "EventEstablished" && e.dn === "1002");
  const consultId = consulted.connId ?? "";
  assert.notEqual(consultId, connId);
  await signallingSettled(rig, connId);

  await rig.crashAndRestart();

  const [customerResult, pbxResult] = await Promise.all([customer, pbx]);
  assert.equal(customerResult.failed, 0, customerResult.errors || customerResult.stderr);
  assert.equal(customerResult.successful, 1, customerResult.errors || customerResult.stderr);
  // Two phones: 1001's (held, then talking to 1002) and 1002's, each ended by a BYE with the Reason.
  assert.equal(pbxResult.failed, 0, pbxResult.errors || pbxResult.stderr);
  assert.equal(pbxResult.successful, 2, pbxResult.errors || pbxResult.stderr);

  const released = (await rig.events()).filter((e) => e.name === "EventReleased" && e.data["cause"] === "lost-in-restart");
  const seen = released.map((e) => `${e.connId === connId ? "call" : e.connId === consultId ? "consult" : e.connId} ${e.dn}`).sort();
  assert.deepEqual(seen, ["call 1001", "consult 1001", "consult 1002"], JSON.stringify(released));
  assert.equal(released.find((e) => e.connId === consultId)?.data["heldConnId"], connId);
  await until(async () => ((await rig.admin("/agents/1001")) as { state?: string }).state === "Ready", 20_000, "agent 1001 back to Ready");
});

/** The call's recorded dialogs on disk: slot and Call-ID, in the order written. */
function recordedDialogs(path: string, connId: string): Array<[string, string]> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT role, dialog FROM call_dialogs WHERE conn_id = ? ORDER BY role").all(connId) as Array<{ role: string; dialog: string }>;
    return rows.map((row) => [row.role, (JSON.parse(row.dialog) as { callId: string }).callId]);
  } finally {
    db.close();
  }
}

test("a consultation completed as a transfer: the consulted leg's record becomes the call's agent row, and the restart ends it", async (t) => {
  t.after(killAllSipp);
  const rig = await startCrashRig(t);
  const dbPath = String(rig.example.config["storage"].path);
  await rig.desktop("1001", { request: "RequestAgentLogin", workMode: "AutoIn" });
  await rig.desktop("1002", { request: "RequestAgentLogin", workMode: "ManualIn" });
  await rig.waitEvent("agent 1001 Ready", (e) => e.name === "EventAgentReady" && e.dn === "1001", 20_000);

  const pbx = runSipp({ scenario: "restart-pbx-phones.xml", localPort: rig.pbxPort, calls: 2, timeoutS: 150 });
  await new Promise((r) => setTimeout(r, 300));
  const customer = customerCall(rig.example.sipPort, "restart-customer-reinvited.xml", "5000", { timeoutS: 150 });
  const established = await rig.waitEvent("EventEstablished on 1001", (e) => e.name === "EventEstablished" && e.dn === "1001");
  const connId = established.connId ?? "";
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

  const [customerResult, pbxResult] = await Promise.all([customer, pbx]);
  assert.equal(customerResult.failed, 0, customerResult.errors || customerResult.stderr);
  assert.equal(customerResult.successful, 1, customerResult.errors || customerResult.stderr);
  // 1002's phone ends with the restart's BYE; 1001's was ended by the transfer itself, whose BYE carries no
  // "lost in restart" Reason, so the scenario (which requires it) counts that one phone failed.
  assert.equal(pbxResult.successful, 1, pbxResult.errors || pbxResult.stderr);
  assert.equal(pbxResult.failed, 1, pbxResult.errors || pbxResult.stderr);

  const released = (await rig.events()).filter((e) => e.name === "EventReleased" && e.data["cause"] === "lost-in-restart");
  assert.deepEqual(released.map((e) => `${e.connId === connId ? "call" : e.connId} ${e.dn}`), ["call 1002"], JSON.stringify(released));
});
