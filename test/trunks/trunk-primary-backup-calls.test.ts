/**
 * Primary/backup at call level (call model + sipp nodes behind two trunks): every call goes to the primary;
 * once the primary's node is dead and out of service the next calls go to the backup; when the node is back
 * the traffic returns to the primary only after the hold-down. (Calls placed in the gap between the node's
 * death and its out-of-service fail over within the call: trunk-failover-calls.test.ts.)
 */
import assert from "node:assert/strict";
import { after, it } from "node:test";
import { freePort } from "../support/free-port.js";
import { killAllNodes, startNode } from "./support/trunk-host.js";
import { startTrunkCallRig } from "./support/trunk-call-rig.js";

after(() => killAllNodes());

const HOLD_DOWN_S = 2;

it("primary/backup with calls: primary, backup while it is out, primary again after the hold-down", { timeout: 180_000 }, async (t) => {
  const [pp, pb] = [await freePort(), await freePort()];
  const primary = startNode(pp, { scenario: "trunk-node-answer.xml" });
  const backup = startNode(pb, { scenario: "trunk-node-answer.xml" });
  t.after(() => Promise.all([primary, backup].map((n) => n.kill())));
  const rig = await startTrunkCallRig(t, {
    dns: [
      { number: "1001", type: "Extension" },
      { number: "P", type: "Trunk", options: { contact: `sip:127.0.0.1:${pp}` } },
      { number: "B", type: "Trunk", options: { contact: `sip:127.0.0.1:${pb}` } },
      { number: "cluster", type: "TrunkGroup", options: { trunks: ["P", "B"], strategy: "primary-backup", "hold-down": HOLD_DOWN_S } },
    ],
    plugin: { defaultGroup: "cluster" },
  });
  const selections = async (): Promise<[number, number]> => {
    const rows = await rig.trunks();
    const of = (n: string): number => rows.find((r) => r.number === n)?.counters.selections ?? -1;
    return [of("P"), of("B")];
  };
  const calls = async (n: number): Promise<[number, number]> => {
    const before = await selections();
    const run = await rig.customer("calls-customer-bye.xml", "1001", { calls: n, rate: 10, limit: 1, durationMs: 50 });
    assert.equal(run.successful, n, run.errors || run.stderr);
    const now = await selections();
    return [now[0] - before[0], now[1] - before[1]];
  };
  await new Promise((r) => setTimeout(r, 300));

  assert.deepEqual(await calls(5), [5, 0]);
  const out = rig.h.waitFor("EventDNOutOfService", (e) => e.dn === "P", 4000);
  await primary.kill();
  await out;
  assert.deepEqual(await calls(5), [0, 5]);

  const back = rig.h.waitFor("EventDNBackInService", (e) => e.dn === "P", 5000);
  const revived = startNode(pp, { scenario: "trunk-node-answer.xml" });
  t.after(() => revived.kill());
  await back;
  const backAt = Date.now();
  assert.deepEqual(await calls(3), [0, 3], "within the hold-down the backup keeps the calls");
  const wait = HOLD_DOWN_S * 1000 - (Date.now() - backAt) + 100;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  assert.deepEqual(await calls(5), [5, 0]);
  assert.equal(rig.h.model.history({ outcome: "answered", limit: 100 }).length, 18);
});
