/**
 * kill -9 with a three-party conference up (customer, 1001 and 1002 in a room of the embedded media engine), then a
 * restart on the same database: every party's phone gets a BYE (the room died with the process), not only the
 * call's first two legs. The customer and both agent phones (sipp, the PBX answering for both) require the BYE with
 * its Reason; the event log shows EventReleased lost-in-restart on the call for 1001 and 1002.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { customerCall } from "../support/sipp-peers.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { until } from "../support/until.js";
import { signallingSettled, startCrashRig } from "./support/crash-rig.js";

test("a three-party conference up at kill -9 is ended by the restart: BYE to every party, EventReleased for both agents", async (t) => {
  t.after(killAllSipp);
  const rig = await startCrashRig(t);
  await rig.desktop("1001", { request: "RequestAgentLogin", workMode: "AutoIn" });
  // Logged in but not Ready: the routed call goes to 1001, the conference consultation reaches 1002 directly.
  await rig.desktop("1002", { request: "RequestAgentLogin", workMode: "ManualIn" });
  await rig.waitEvent("agent 1001 Ready", (e) => e.name === "EventAgentReady" && e.dn === "1001", 20_000);

  const pbx = runSipp({ scenario: "restart-pbx-phones.xml", localPort: rig.pbxPort, calls: 2, timeoutS: 150 });
  await new Promise((r) => setTimeout(r, 300));
  const customer = customerCall(rig.example.sipPort, "restart-customer-reinvited.xml", "5000", { timeoutS: 150 });
  const established = await rig.waitEvent("EventEstablished on 1001", (e) => e.name === "EventEstablished" && e.dn === "1001");
  const connId = established.connId ?? "";

  await rig.desktop("1001", { request: "RequestInitiateConference", connId, destination: "1002" });
  const consulted = await rig.waitEvent("the consultation established at 1002", (e) => e.name === "EventEstablished" && e.dn === "1002");
  await rig.desktop("1001", { request: "RequestCompleteConference", connId: consulted.connId, heldConnId: connId });
  await rig.waitEvent("1002 joined the conference", (e) => e.name === "EventPartyChanged" && e.dn === "1002" && e.connId === connId);
  await signallingSettled(rig, connId);

  await rig.crashAndRestart();

  const [customerResult, pbxResult] = await Promise.all([customer, pbx]);
  assert.equal(customerResult.failed, 0, customerResult.errors || customerResult.stderr);
  assert.equal(customerResult.successful, 1, customerResult.errors || customerResult.stderr);
  // Two phones in the room: 1001's and 1002's (the conference's third leg), each ended by a BYE with the Reason.
  assert.equal(pbxResult.failed, 0, pbxResult.errors || pbxResult.stderr);
  assert.equal(pbxResult.successful, 2, pbxResult.errors || pbxResult.stderr);

  const released = (await rig.events()).filter((e) => e.name === "EventReleased" && e.data["cause"] === "lost-in-restart");
  assert.deepEqual(released.map((e) => `${e.connId === connId ? "call" : e.connId} ${e.dn}`).sort(), ["call 1001", "call 1002"], JSON.stringify(released));
  await until(async () => ((await rig.admin("/agents/1001")) as { state?: string }).state === "Ready", 20_000, "agent 1001 back to Ready");
});
