/**
 * A dead trunk without OPTIONS probing, end to end (call model + trunk-selection plugin + sipp nodes; the dead
 * trunk is a port nobody listens on, so its INVITE gets no response at all). An INVITE with no response within
 * `calls.noResponseTimeoutMs` is a trunk failure: the call fails over at once instead of ringing out the ring
 * time-out; `failuresBeforeOos` of them in a row take the endpoint out of service, `failureHoldDownSeconds` later
 * it is tried again. What callers are told and what the trunks API shows agree: a trunk still in service that
 * failed for this call is "all failed", "none in service" only once it is out.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { freePort } from "../support/free-port.js";
import { killAllNodes, startNode } from "./support/trunk-host.js";
import { startTrunkCallRig, type TrunkCallRig } from "./support/trunk-call-rig.js";
import { sleep } from "../support/sleep.js";

after(() => killAllNodes());

const trunkDn = (number: string, port: number) => ({ number, type: "Trunk" as const, options: { contact: `sip:127.0.0.1:${port}` } });
const agent = { number: "1001", type: "Extension" as const };
/** No OPTIONS at all; failure counting only. */
const UNPROBED = { oosCheck: 0, failuresBeforeOos: 2, failureHoldDownSeconds: 2 };
/** Far below the ring time-out, so a failover after it is told apart from one after ringing out. */
const CALLS = { noResponseTimeoutMs: 800 };
const RING_MS = 10_000;

/** The newest call's agent legs as [status], and how long the customer's sipp ran. */
async function oneCall(rig: TrunkCallRig, scenario: string): Promise<{ statuses: Array<number | undefined>; ms: number; connId: string }> {
  const started = performance.now();
  const result = await rig.customer(scenario, "1001");
  const ms = performance.now() - started;
  assert.equal(result.successful, 1, result.errors || result.stderr);
  await sleep(100);
  const [record] = rig.h.model.history();
  return { statuses: (record?.legs ?? []).filter((l) => l.role === "agent").map((l) => l.status), ms, connId: record?.connId ?? "" };
}

const t1 = async (rig: TrunkCallRig) => (await rig.trunks()).find((r) => r.number === "T1");

describe("a dead trunk nobody probes", { timeout: 300_000 }, () => {
  it("fails over after noResponseTimeoutMs, goes out of service after two failures, returns after the hold-down on probation", async (t) => {
    const [dead, live] = [await freePort(), await freePort()];
    const backup = startNode(live, { scenario: "trunk-node-answer.xml" });
    t.after(() => backup.kill());
    const rig = await startTrunkCallRig(t, {
      dns: [agent, trunkDn("T1", dead), trunkDn("T2", live)],
      plugin: { strategy: "primary-backup", holdDownSeconds: 0, ...UNPROBED },
      ringTimeoutMs: RING_MS,
      calls: CALLS,
    });
    await sleep(300);
    const first = await oneCall(rig, "calls-customer-bye.xml");
    assert.deepEqual(first.statuses, [408, 200], "the dead primary, then the backup, in the same call");
    assert.ok(first.ms < RING_MS, `the call waited ${first.ms.toFixed(0)} ms: the ring time-out, not the no-response one`);
    let row = await t1(rig);
    assert.deepEqual([row?.state, row?.endpoints[0]?.callFailures], ["in-service", 1]);

    const second = await oneCall(rig, "calls-customer-bye.xml");
    assert.deepEqual(second.statuses, [408, 200]);
    const out = await rig.h.waitFor("EventDNOutOfService", (e) => e.dn === "T1", 2000);
    assert.equal(out.data["reason"], "call-failure");
    row = await t1(rig);
    assert.equal(row?.state, "out-of-service");

    const third = await oneCall(rig, "calls-customer-bye.xml");
    assert.deepEqual(third.statuses, [200], "straight to the backup while the primary is out");

    const back = await rig.h.waitFor("EventDNBackInService", (e) => e.dn === "T1", 6000);
    assert.equal(back.data["reason"], "hold-down-over");
    const fourth = await oneCall(rig, "calls-customer-bye.xml");
    assert.deepEqual(fourth.statuses, [408, 200]);
    assert.equal((await t1(rig))?.state, "out-of-service", "on probation: one failure takes it out again");
    assert.equal(rig.h.events.filter((e) => e.name === "EventDNOutOfService" && e.dn === "T1").length, 2);
    t.diagnostic(`failover after no response: ${first.ms.toFixed(0)} ms for the whole call (ring time-out ${RING_MS} ms)`);
  });

  it("a DID call over the only, dead trunk: 503, and the error agrees with the trunks API (all failed while in service, none in service once out)", async (t) => {
    const dead = await freePort();
    const rig = await startTrunkCallRig(t, { dns: [agent, trunkDn("T1", dead)], plugin: UNPROBED, ringTimeoutMs: RING_MS, calls: CALLS });
    const errors = () => rig.h.events.filter((e) => e.name === "EventError").map((e) => e.data["code"]);

    const first = await oneCall(rig, "trunk-customer-fail.xml");
    assert.deepEqual(first.statuses, [408]);
    assert.equal(rig.h.model.history()[0]?.rejectStatus, 503);
    assert.deepEqual(errors(), ["TANDEM_ERR_TRUNK_ALL_FAILED"]);
    assert.equal((await t1(rig))?.state, "in-service", "one failure: still in service, and the error does not claim otherwise");

    const second = await oneCall(rig, "trunk-customer-fail.xml");
    assert.deepEqual(second.statuses, [408]);
    assert.deepEqual(errors(), ["TANDEM_ERR_TRUNK_ALL_FAILED", "TANDEM_ERR_TRUNK_NONE_IN_SERVICE"]);
    assert.equal((await t1(rig))?.state, "out-of-service");

    const third = await oneCall(rig, "trunk-customer-fail.xml");
    assert.deepEqual(third.statuses, [], "no INVITE into a trunk known to be out");
    assert.ok(third.ms < 2000, `refused in ${third.ms.toFixed(0)} ms`);
    assert.deepEqual(errors().at(-1), "TANDEM_ERR_TRUNK_NONE_IN_SERVICE");
    const error = rig.h.events.filter((e) => e.name === "EventError").at(-1);
    assert.equal(error?.dn, "1001", "on the agent's DN the caller dialled");
    assert.equal(rig.h.dns.agent("1001")?.calls.length, 0);
  });
});
