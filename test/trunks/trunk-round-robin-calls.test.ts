/**
 * Round-robin at call level: 1,000 customer calls through the call model to rotating agent DIDs, each agent
 * leg sent through the trunk the plugin picks; sipp nodes behind 3 trunks answer. The calls spread evenly
 * (±2 %), every call is answered, and once a trunk's node is killed it gets none of the next calls.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { freePort } from "../support/free-port.js";
import { killAllNodes, startNode } from "./support/trunk-host.js";
import { startTrunkCallRig } from "./support/trunk-call-rig.js";

after(() => killAllNodes());

const AGENTS = Array.from({ length: 24 }, (_, i) => String(1001 + i));

it("1,000 calls spread evenly over 3 trunks; a trunk out of service gets none of the next 150", { timeout: 180_000 }, async (t) => {
  const ports = [await freePort(), await freePort(), await freePort()];
  const nodes = ports.map((p) => startNode(p, { scenario: "trunk-node-answer.xml" }));
  t.after(() => Promise.all(nodes.map((n) => n.kill())));
  const dir = mkdtempSync(join(tmpdir(), "trunk-rr-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const inf = join(dir, "dids.csv");
  writeFileSync(inf, ["SEQUENTIAL", ...AGENTS.map((a) => `${a};`)].join("\n") + "\n");
  const rig = await startTrunkCallRig(t, {
    dns: [...AGENTS.map((number) => ({ number, type: "Extension" as const })), ...ports.map((p, i) => ({ number: `T${i + 1}`, type: "Trunk" as const, options: { contact: `sip:127.0.0.1:${p}` } }))],
  });
  await new Promise((r) => setTimeout(r, 300));

  const started = Date.now();
  const run = await rig.customer("trunk-customer-inf.xml", AGENTS[0]!, {
    calls: 1000,
    rate: 50,
    limit: 20,
    durationMs: 50,
    timeoutS: 90,
    extraArgs: ["-inf", inf],
  });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(run.failed, 0, run.errors || run.stderr);
  assert.equal(run.successful, 1000);
  await new Promise((r) => setTimeout(r, 200));
  const rows = await rig.trunks();
  const counts = rows.map((r) => r.counters.selections);
  for (const c of counts) assert.ok(Math.abs(c - 1000 / 3) <= 20, `selections per trunk ${counts.join(", ")}`);
  assert.equal(counts.reduce((a, b) => a + b, 0), 1000);
  assert.deepEqual(rows.map((r) => r.callsInProgress), [0, 0, 0]);
  assert.equal(rig.h.model.history({ outcome: "answered", limit: 2000 }).length, 1000);
  if (process.env["TRUNK_FIGURES"]) console.log(JSON.stringify({ seconds, counts }));

  const out = rig.h.waitFor("EventDNOutOfService", (e) => e.dn === "T3", 4000);
  await nodes[2]!.kill();
  await out;
  const second = await rig.customer("trunk-customer-inf.xml", AGENTS[0]!, {
    calls: 150,
    rate: 50,
    limit: 20,
    durationMs: 50,
    timeoutS: 60,
    extraArgs: ["-inf", inf],
  });
  assert.equal(second.failed, 0, second.errors || second.stderr);
  const later = (await rig.trunks()).map((r) => r.counters.selections);
  assert.deepEqual([later[0]! - counts[0]!, later[1]! - counts[1]!, later[2]! - counts[2]!], [75, 75, 0]);
});
