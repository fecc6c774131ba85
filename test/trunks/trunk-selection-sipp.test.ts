/**
 * Selection through the real host and sipp nodes answering OPTIONS: round-robin spreads 1,000 selections
 * evenly (±2 %) over 3 trunks and a trunk out of service gets none; primary-backup moves to the backup when
 * the primary's node dies and returns only after the hold-down; groups chosen per Routing Point and per
 * destination pattern; `reportTrunkFailure` verdicts (503 retried, 486 not) and health effects.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { freePort } from "../support/free-port.js";
import { reportTrunkFailure } from "@tandem/sdk";
import { FAST, killAllNodes, select, startNode, startTrunkHost, trunkRows, until } from "./support/trunk-host.js";

after(() => killAllNodes());

const trunkDn = (number: string, port: number) => ({ number, type: "Trunk", contact: `sip:127.0.0.1:${port}` });

function tally(trunks: Array<string | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of trunks) counts[String(t)] = (counts[String(t)] ?? 0) + 1;
  return counts;
}

describe("trunk selection with sipp nodes", { timeout: 300_000 }, () => {
  it("round-robin spreads 1,000 concurrent selections evenly over 3 trunks; a trunk out of service gets none", async (t) => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const nodes = ports.map((p) => startNode(p));
    t.after(() => Promise.all(nodes.map((n) => n.kill())));
    const host = await startTrunkHost({ dns: ports.map((p, i) => trunkDn(`T${i + 1}`, p)) });
    t.after(() => host.close());

    const picks = await Promise.all(Array.from({ length: 1000 }, (_, i) => select(host, String(5000 + i), { connId: `c${i}` })));
    const counts = tally(picks.map((p) => p?.trunk));
    for (const n of ["T1", "T2", "T3"]) assert.ok(Math.abs((counts[n] ?? 0) - 1000 / 3) <= 1000 * 0.02, JSON.stringify(counts));
    assert.equal(picks[0]?.target, `sip:5000@127.0.0.1:${ports[0]}`);
    const rows = await trunkRows(host);
    assert.deepEqual(rows.map((r) => r.callsInProgress), [counts["T1"], counts["T2"], counts["T3"]]);

    // Calls over: the call model's EventReleased with the ConnID empties "calls in progress".
    for (let i = 0; i < 1000; i++) host.bus.emit("EventReleased", { dn: "1001", connId: `c${i}`, data: {} });
    assert.deepEqual((await trunkRows(host)).map((r) => r.callsInProgress), [0, 0, 0]);

    const out = host.waitForEvent("EventDNOutOfService", (e) => e.dn === "T3", 4000);
    await nodes[2]!.kill();
    await out;
    const later = await Promise.all(Array.from({ length: 1000 }, (_, i) => select(host, String(6000 + i))));
    assert.deepEqual(tally(later.map((p) => p?.trunk)), { T1: 500, T2: 500 });
  });

  it("primary-backup per Routing Point: backup while the primary is dead, primary again only after the hold-down", async (t) => {
    const [pPort, bPort, otherPort] = [await freePort(), await freePort(), await freePort()];
    const primary = startNode(pPort);
    const nodes = [startNode(bPort), startNode(otherPort)];
    t.after(() => Promise.all([primary, ...nodes].map((n) => n.kill())));
    const holdDown = 1.5;
    const host = await startTrunkHost({
      dns: [
        trunkDn("P", pPort),
        trunkDn("B", bPort),
        trunkDn("X", otherPort),
        { number: "cluster", type: "TrunkGroup", trunks: ["P", "B"], strategy: "primary-backup", "hold-down": holdDown },
        { number: "intl", type: "TrunkGroup", trunks: ["X"] },
        { number: "RP1", type: "RoutingPoint", "trunk-group": "cluster" },
      ],
      plugin: { routes: [{ pattern: "^00", group: "intl" }] },
    });
    t.after(() => host.close());

    const viaRp = async (n: number): Promise<Record<string, number>> =>
      tally((await Promise.all(Array.from({ length: n }, () => select(host, "1001", { routingPoint: "RP1" })))).map((p) => p?.trunk));
    assert.deepEqual(await viaRp(50), { P: 50 });
    assert.equal((await select(host, "1001", { routingPoint: "RP1", exclude: ["P"] }))?.trunk, "B");
    assert.equal((await select(host, "0044123"))?.trunk, "X", "destination rule");
    assert.equal((await select(host, "1001"))?.trunk, "B", "implicit group of every trunk (B, P, X by number), round-robin");

    const out = host.waitForEvent("EventDNOutOfService", (e) => e.dn === "P", 4000);
    await primary.kill();
    await out;
    assert.deepEqual(await viaRp(50), { B: 50 });

    const back = host.waitForEvent("EventDNBackInService", (e) => e.dn === "P", 4000);
    const revived = startNode(pPort);
    t.after(() => revived.kill());
    await back;
    const backAt = Date.now();
    assert.deepEqual(await viaRp(20), { B: 20 }, "within the hold-down the backup keeps the traffic");
    await until(async () => (await select(host, "1001", { routingPoint: "RP1" }))?.trunk === "P", holdDown * 1000 + 2000, "return to P");
    const returnedAfter = Date.now() - backAt;
    assert.ok(returnedAfter >= holdDown * 1000 - 50 && returnedAfter <= holdDown * 1000 + 1000, `returned after ${returnedAfter} ms`);
    assert.deepEqual(await viaRp(20), { P: 20 });
  });

  it("reportTrunkFailure: 503 and time-outs are retried, 486/600/603/487 are not; a time-out takes the endpoint out", async (t) => {
    const ports = [await freePort(), await freePort()];
    const nodes = ports.map((p) => startNode(p));
    t.after(() => Promise.all(nodes.map((n) => n.kill())));
    const host = await startTrunkHost({ dns: ports.map((p, i) => trunkDn(`T${i + 1}`, p)), plugin: { oosForce: 5 } });
    t.after(() => host.close());
    await until(async () => (await trunkRows(host)).every((r) => r.endpoints[0]?.lastProbe?.status === 200), 4000, "probes");

    const first = await select(host, "1001", { connId: "call-1" });
    assert.equal(first?.trunk, "T1");
    const report = (status: number, origin: "remote" | "timeout" | "transport" = "remote") =>
      host.hooks.call(reportTrunkFailure, { trunk: "T1", connId: "call-1", destination: "1001", target: first!.target, status, origin });
    assert.deepEqual(await report(503), { retry: true });
    for (const status of [486, 600, 603, 487, 404]) assert.deepEqual(await report(status), { retry: false }, String(status));
    assert.equal((await trunkRows(host))[0]?.state, "in-service", "a remote answer does not take the trunk out");

    const next = await select(host, "1001", { connId: "call-1", exclude: ["T1"] });
    assert.equal(next?.trunk, "T2");
    const out = host.waitForEvent("EventDNOutOfService", (e) => e.dn === "T1", 1000);
    assert.deepEqual(await report(408, "timeout"), { retry: true });
    assert.equal((await out).data["reason"], "call-failure");
    const rows = await trunkRows(host);
    assert.equal(rows[0]?.counters.failedCalls, 7);
    assert.equal(rows[0]?.callsInProgress, 0);
    assert.equal(rows[1]?.callsInProgress, 1);
    // Probes bring it back after upAfter good answers.
    await host.waitForEvent("EventDNBackInService", (e) => e.dn === "T1", FAST.upAfter * FAST.oosCheck * 1000 + 2000);
  });
});
