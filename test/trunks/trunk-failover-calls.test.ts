/**
 * Failover during call setup, end to end: customer calls through Tandem's call model to an agent DID, the agent
 * leg goes out through the trunk the plugin picks, and sipp nodes stand in for CUCM nodes behind the trunks.
 * 503 → next trunk within the same call (or the trunk's next node); 486 → not retried; the codes come from the
 * plugin's `failoverCodes`; all trunks down or all failing → 503 and EventError; the primary's node killed mid-run
 * → no call lost (the calls placed meanwhile fail over) and new calls go to the backup.
 */
import assert from "node:assert/strict";
import { after, describe, it, type TestContext } from "node:test";
import type { DnInput } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { killAllNodes, startNode } from "./support/trunk-host.js";
import { startTrunkCallRig } from "./support/trunk-call-rig.js";
import { sleep } from "../support/sleep.js";

after(() => killAllNodes());

const trunkDn = (number: string, port: number, backup?: number) => ({
  number,
  type: "Trunk" as const,
  options: { contact: `sip:127.0.0.1:${port}`, ...(backup === undefined ? {} : { "contact-backup": [`sip:127.0.0.1:${backup}`] }) },
});
const agent = { number: "1001", type: "Extension" as const };

function legs(rig: Awaited<ReturnType<typeof startTrunkCallRig>>): Array<[string, number | undefined]> {
  const [record] = rig.h.model.history();
  return (record?.legs ?? []).filter((l) => l.role !== "customer").map((l) => [l.role, l.status]);
}

/**
 * Two sipp CUCM nodes answering with the given scenarios, the rig's trunks on them (`dns(p1, p2)`), and one
 * customer call to agent 1001 that must complete its own scenario; returns the rig for the assertions.
 */
async function callThroughNodes(
  t: TestContext,
  setup: { nodes: [string, string]; dns: (p1: number, p2: number) => DnInput[]; customer: string; plugin?: Record<string, unknown> },
) {
  const [p1, p2] = [await freePort(), await freePort()];
  const nodes = setup.nodes.map((scenario, i) => startNode(i === 0 ? p1 : p2, { scenario }));
  t.after(() => Promise.all(nodes.map((n) => n.kill())));
  const rig = await startTrunkCallRig(t, { dns: [agent, ...setup.dns(p1, p2)], ...(setup.plugin ? { plugin: setup.plugin } : {}) });
  await sleep(300);
  const customer = await rig.customer(setup.customer, "1001");
  assert.equal(customer.successful, 1, customer.errors || customer.stderr);
  await sleep(100);
  return rig;
}

describe("trunk failover during call setup (call model + sipp nodes)", { timeout: 300_000 }, () => {
  it("503 from the first trunk: the same call is retried on the next trunk and answered", async (t) => {
    const rig = await callThroughNodes(t, {
      nodes: ["trunk-node-503.xml", "trunk-node-answer.xml"],
      dns: (p1, p2) => [trunkDn("T1", p1), trunkDn("T2", p2)],
      customer: "calls-customer-bye.xml",
    });
    assert.deepEqual(legs(rig), [["agent", 503], ["agent", 200]]);
    assert.equal(rig.h.model.history()[0]?.outcome, "answered");
    const rows = await rig.trunks();
    assert.equal(rows[0]?.counters.failedCalls, 1);
    assert.equal(rows[0]?.state, "in-service", "a 503 to one INVITE does not take the trunk out");
    assert.equal(rows[1]?.counters.selections, 1);
  });

  it("486 from the first trunk is not retried: the caller gets 486", async (t) => {
    const rig = await callThroughNodes(t, {
      nodes: ["trunk-node-486.xml", "trunk-node-answer.xml"],
      dns: (p1, p2) => [trunkDn("T1", p1), trunkDn("T2", p2)],
      customer: "trunk-customer-fail.xml",
    });
    assert.deepEqual(legs(rig), [["agent", 486]]);
    const record = rig.h.model.history()[0];
    assert.equal(record?.outcome, "rejected");
    assert.equal(record?.rejectStatus, 486);
    assert.equal((await rig.trunks())[1]?.counters.selections, 0);
  });

  it("503 from a trunk's contact: the same call goes to that trunk's contact-backup node", async (t) => {
    const rig = await callThroughNodes(t, {
      nodes: ["trunk-node-503.xml", "trunk-node-answer.xml"],
      dns: (p1, p2) => [trunkDn("T1", p1, p2)],
      customer: "calls-customer-bye.xml",
    });
    assert.deepEqual(legs(rig), [["agent", 503], ["agent", 200]]);
    assert.equal(rig.h.model.history()[0]?.outcome, "answered");
    assert.equal(rig.h.events.filter((e) => e.name === "EventError").length, 0);
    const [row] = await rig.trunks();
    assert.deepEqual([row?.counters.selections, row?.counters.failedCalls], [2, 1]);
  });

  it("failoverCodes is the plugin's config: without 503 in it a 503 is not retried", async (t) => {
    const rig = await callThroughNodes(t, {
      nodes: ["trunk-node-503.xml", "trunk-node-answer.xml"],
      dns: (p1, p2) => [trunkDn("T1", p1), trunkDn("T2", p2)],
      customer: "trunk-customer-fail.xml",
      plugin: { failoverCodes: [408] },
    });
    assert.deepEqual(legs(rig), [["agent", 503]]);
    assert.equal(rig.h.model.history()[0]?.rejectStatus, 503);
    assert.equal((await rig.trunks())[1]?.counters.selections, 0);
  });

  it("every trunk answers 503: the call tries each once, then 503 to the caller and EventError naming them (all failed, not none in service)", async (t) => {
    const rig = await callThroughNodes(t, {
      nodes: ["trunk-node-503.xml", "trunk-node-503.xml"],
      dns: (p1, p2) => [trunkDn("T1", p1), trunkDn("T2", p2)],
      customer: "trunk-customer-fail.xml",
    });
    assert.deepEqual(legs(rig), [["agent", 503], ["agent", 503]]);
    const record = rig.h.model.history()[0];
    assert.deepEqual([record?.outcome, record?.rejectStatus], ["rejected", 503]);
    const error = rig.h.events.find((e) => e.name === "EventError");
    // Both trunks are still in service (a 503 is one overloaded call): the error says they all failed for this call.
    assert.equal(error?.data["code"], "TANDEM_ERR_TRUNK_ALL_FAILED");
    assert.deepEqual(error?.data["tried"], ["T1", "T2"]);
    assert.equal(error?.connId, record?.connId);
    assert.equal(rig.h.model.active().length, 0);
  });

  it("every trunk down: 503 to the caller, EventError with the reason, no stuck call", async (t) => {
    const [p1, p2] = [await freePort(), await freePort()];
    const rig = await startTrunkCallRig(t, { dns: [agent, trunkDn("T1", p1), trunkDn("T2", p2)] });
    await rig.h.waitFor("EventDNOutOfService", (e) => e.dn === "T1", 4000);
    await rig.h.waitFor("EventDNOutOfService", (e) => e.dn === "T2", 4000);
    const customer = await rig.customer("trunk-customer-fail.xml", "1001");
    assert.equal(customer.successful, 1, customer.errors || customer.stderr);
    await sleep(100);
    const record = rig.h.model.history()[0];
    assert.equal(record?.outcome, "rejected");
    assert.equal(record?.rejectStatus, 503);
    const error = rig.h.events.find((e) => e.name === "EventError");
    assert.equal(error?.data["code"], "TANDEM_ERR_TRUNK_NONE_IN_SERVICE");
    assert.equal(error?.connId, record?.connId);
    assert.equal(rig.h.model.active().length, 0);
    assert.equal(rig.h.dns.agent("1001")?.calls.length ?? 0, 0);
  });

  it("primary/backup: the primary's node killed mid-run loses no call; new calls go to the backup", async (t) => {
    const [pp, pb] = [await freePort(), await freePort()];
    const primary = startNode(pp, { scenario: "trunk-node-answer.xml" });
    const backup = startNode(pb, { scenario: "trunk-node-answer.xml" });
    t.after(() => Promise.all([primary, backup].map((n) => n.kill())));
    const rig = await startTrunkCallRig(t, {
      // The implicit group orders trunks by number: T1 is the primary.
      dns: [agent, trunkDn("T1", pp), trunkDn("T2", pb)],
      plugin: { strategy: "primary-backup" },
      ringTimeoutMs: 1500,
    });
    await sleep(300);
    const calls = rig.customer("calls-customer-bye.xml", "1001", { calls: 16, rate: 4, limit: 1, timeoutS: 40 });
    await sleep(1200);
    await primary.kill();
    const result = await calls;
    assert.equal(result.failed, 0, result.errors || result.stderr);
    assert.equal(result.successful, 16);
    const rows = await rig.trunks();
    const [p, b] = [rows.find((r) => r.number === "T1"), rows.find((r) => r.number === "T2")];
    assert.equal(p?.state, "out-of-service");
    assert.ok((p?.counters.selections ?? 0) >= 2, JSON.stringify(p?.counters));
    assert.ok((b?.counters.selections ?? 0) >= 8, JSON.stringify(b?.counters));
    // Every call was answered, some after a failed attempt on the dead primary.
    const records = rig.h.model.history();
    assert.equal(records.filter((r) => r.outcome === "answered").length, 16);
    const failedOver = records.filter((r) => r.legs.filter((l) => l.role === "agent").length > 1);
    assert.ok(failedOver.length >= 1, "a call placed while the primary was dead but still in service failed over");
    for (const r of failedOver) assert.equal(r.legs.filter((l) => l.role === "agent").at(-1)?.status, 200);
    if (process.env["TRUNK_FIGURES"]) console.log(JSON.stringify({ primary: p?.counters, backup: b?.counters, failedOver: failedOver.map((r) => r.legs.map((l) => l.status)) }));
  });
});
