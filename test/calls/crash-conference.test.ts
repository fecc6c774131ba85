/**
 * kill -9 with a three-party conference up (customer, 1001 and 1002 in a room of the embedded media engine), then a
 * restart on the same database: every party's phone gets a BYE (the room died with the process), not only the
 * call's first two legs. The customer and both agent phones (sipp, the PBX answering for both) require the BYE with
 * its Reason; the event log shows EventReleased lost-in-restart on the call for 1001 and 1002.
 */
import assert from "node:assert/strict";
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

test("a three-party conference up at kill -9 is ended by the restart: BYE to every party, EventReleased for both agents", { timeout: 180_000 }, async (t) => {
  t.after(killAllSipp);
  const rig = await startCrashRig(t);
  const { connId, ended } = await callAt1001With1002LoggedIn(rig);

  await rig.desktop("1001", { request: "RequestInitiateConference", connId, destination: "1002" });
  const consulted = await rig.waitEvent("the consultation established at 1002", (e) => e.name === "EventEstablished" && e.dn === "1002");
  await rig.desktop("1001", { request: "RequestCompleteConference", connId: consulted.connId, heldConnId: connId });
  await rig.waitEvent("1002 joined the conference", (e) => e.name === "EventPartyChanged" && e.dn === "1002" && e.connId === connId);
  await signallingSettled(rig, connId);

  await rig.crashAndRestart();

  const [customerResult, pbxResult] = await ended;
  assertSippCounts(customerResult, { successful: 1, failed: 0 });
  // Two phones in the room: 1001's and 1002's (the conference's third leg), each ended by a BYE with the Reason.
  assertSippCounts(pbxResult, { successful: 2, failed: 0 });

  const released = await releasedInRestart(rig);
  assert.deepEqual(released.map((e) => `${e.connId === connId ? "call" : e.connId} ${e.dn}`).sort(), ["call 1001", "call 1002"], JSON.stringify(released));
  await agent1001ReadyAgain(rig);
});
