/**
 * Trunk health against sipp nodes answering OPTIONS through the real SIP stack: a node killed goes out of
 * service within `oos-force` (EventDNOutOfService), comes back after `upAfter` good answers
 * (EventDNBackInService), selection skips it meanwhile; 503 takes a trunk out at once while 404 keeps it alive;
 * a dead contact falls over to the contact-backup; the API and metrics show it all.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { TestHost } from "@tandem/testing";
import { freePort } from "../support/free-port.js";
import { FAST, killAllNodes, select, startNode, startTrunkHost, trunkRows, until } from "./support/trunk-host.js";

after(() => killAllNodes());

const trunkDn = (number: string, port: number, extra: Record<string, unknown> = {}) => ({
  number,
  type: "Trunk",
  contact: `sip:127.0.0.1:${port}`,
  ...extra,
});

async function allAnswered(host: TestHost, count: number): Promise<void> {
  await until(async () => (await trunkRows(host)).filter((r) => r.endpoints[0]?.lastProbe?.status === 200).length === count, 5000, "first probes");
}

describe("trunk health with sipp nodes", { timeout: 300_000 }, () => {
  it("a killed node goes out of service within oos-force, is skipped, and comes back after upAfter good answers", async (t) => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const nodes = ports.map((p) => startNode(p));
    t.after(() => Promise.all(nodes.map((n) => n.kill())));
    const host = await startTrunkHost({ dns: ports.map((p, i) => trunkDn(`T${i + 1}`, p)) });
    t.after(() => host.close());
    await allAnswered(host, 3);

    const rows = await trunkRows(host);
    assert.deepEqual(rows.map((r) => [r.number, r.state]), [["T1", "in-service"], ["T2", "in-service"], ["T3", "in-service"]]);
    const probe = rows[0]?.endpoints[0]?.lastProbe;
    assert.equal(probe?.result, "answer");
    assert.ok(probe && probe.latencyMs !== null && probe.latencyMs >= 0 && probe.latencyMs < 500, JSON.stringify(probe));

    const outEvent = host.waitForEvent("EventDNOutOfService", (e) => e.dn === "T2", 5000);
    const killedAt = Date.now();
    await nodes[1]!.kill();
    const out = await outEvent;
    const outAfter = Date.now() - killedAt;
    // oos-force counts from the last good answer, which came at most one oos-check before the kill.
    assert.ok(outAfter <= FAST.oosForce * 1000 + 1200, `out of service after ${outAfter} ms`);
    // …and exactly oos-force after the last answer (under load answers may have come less often than every oos-check).
    const lastAnswer = Date.parse((await trunkRows(host)).find((r) => r.number === "T2")?.endpoints[0]?.lastProbe?.at ?? "");
    const silence = Date.parse(out.ts) - lastAnswer;
    assert.ok(silence >= FAST.oosForce * 1000 - 20 && silence <= FAST.oosForce * 1000 + 500, `out of service after ${silence} ms of silence`);
    assert.equal(out.data["reason"], "no-answer");
    assert.equal(out.source, "trunk-selection");

    const picks = await Promise.all(Array.from({ length: 300 }, (_, i) => select(host, `9${i}`)));
    const trunks = new Set(picks.map((p) => p?.trunk));
    assert.deepEqual([...trunks].sort(), ["T1", "T3"]);
    assert.equal(picks.filter((p) => p?.trunk === "T1").length, 150);
    assert.equal(picks[0]?.target.startsWith("sip:90@127.0.0.1:"), true);

    const backEvent = host.waitForEvent("EventDNBackInService", (e) => e.dn === "T2", 6000);
    const restartedAt = Date.now();
    const again = startNode(ports[1]!);
    t.after(() => again.kill());
    await backEvent;
    const backAfter = Date.now() - restartedAt;
    // upAfter (2) good answers, one per oos-check (200 ms), plus sipp's start-up.
    assert.ok(backAfter >= (FAST.upAfter - 1) * FAST.oosCheck * 1000, `back after ${backAfter} ms`);
    assert.ok(backAfter < 4500, `back after ${backAfter} ms`);
    const t2 = (await trunkRows(host)).find((r) => r.number === "T2");
    assert.equal(t2?.state, "in-service");
    assert.equal(t2?.counters.outOfService, 1);
    const after = await Promise.all(Array.from({ length: 30 }, (_, i) => select(host, `8${i}`)));
    assert.equal(after.filter((p) => p?.trunk === "T2").length, 10);

    const metrics = await host.inject({ method: "GET", url: "/api/v1/metrics" });
    assert.match(metrics.body, /tandem_trunk_selection_trunk_in_service\{trunk="T2"\} 1/);
    assert.match(metrics.body, /tandem_trunk_selection_selections_total\{trunk="T1",group="\*"\} \d+/);
    assert.match(metrics.body, /tandem_trunk_selection_probes_total\{trunk="T1",result="200"\} \d+/);
  });

  it("503 takes a trunk out at once; 404 counts as alive; no trunk left gives null and EventError", async (t) => {
    const [p503, p404] = [await freePort(), await freePort()];
    const nodes = [startNode(p503, { status: 503 }), startNode(p404, { status: 404 })];
    t.after(() => Promise.all(nodes.map((n) => n.kill())));
    const host = await startTrunkHost({ dns: [trunkDn("busy", p503), trunkDn("alive", p404)] });
    t.after(() => host.close());
    const out = await host.waitForEvent("EventDNOutOfService", (e) => e.dn === "busy", 3000);
    assert.equal(out.data["reason"], "status-503");
    await until(async () => (await trunkRows(host)).find((r) => r.number === "alive")?.endpoints[0]?.lastProbe?.status === 404, 3000, "404");
    await new Promise((r) => setTimeout(r, FAST.oosForce * 1000 + 300));
    const rows = await trunkRows(host);
    assert.equal(rows.find((r) => r.number === "alive")?.state, "in-service");
    assert.equal(rows.find((r) => r.number === "busy")?.state, "out-of-service");
    assert.equal((await select(host, "1001"))?.trunk, "alive");

    assert.equal(await select(host, "1001", { exclude: ["alive"], connId: "c-1", routingPoint: "RP1" }), null);
    const error = host.events("EventError").at(-1);
    // "alive" is in service but already failed for this call: not "none in service", which the API would contradict.
    assert.equal(error?.data["code"], "TANDEM_ERR_TRUNK_ALL_FAILED");
    assert.equal(error?.connId, "c-1");
    assert.deepEqual(error?.data["tried"], ["alive"]);
  });

  it("a trunk whose contact is dead sends calls to its contact-backup, over the trunk's transport", async (t) => {
    const [dead, backup] = [await freePort(), await freePort()];
    const node = startNode(backup, { transport: "tcp" });
    t.after(() => node.kill());
    await node.ready();
    const host = await startTrunkHost({
      dns: [trunkDn("cucm", dead, { "contact-backup": [`sip:127.0.0.1:${backup}`], transport: "tcp" })],
    });
    t.after(() => host.close());
    // The dead contact (TCP refused) can go out of service before the backup's first probe is answered: wait for both.
    await until(
      async () => {
        const endpoints = (await trunkRows(host))[0]?.endpoints;
        return endpoints?.[0]?.state === "out-of-service" && endpoints[1]?.lastProbe?.status === 200;
      },
      4000,
      "contact out of service and the backup's probe answered",
    );
    const row = (await trunkRows(host))[0];
    assert.equal(row?.state, "in-service");
    assert.equal(row?.activeEndpoint, `sip:127.0.0.1:${backup};transport=tcp`);
    assert.equal(row?.endpoints[1]?.lastProbe?.status, 200);
    assert.deepEqual(await select(host, "1001"), { trunk: "cucm", target: `sip:1001@127.0.0.1:${backup};transport=tcp` });
    // The trunk as a whole never left service, so no event.
    assert.equal(host.events("EventDNOutOfService").length, 0);
  });
});
