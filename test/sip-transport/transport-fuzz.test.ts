/**
 * Fuzz: thousands of mutated datagrams and stream chunks at the UDP and TCP listeners; the process
 * stays up and still serves. Runs `fuzz-worker.ts` inside a loopback-only network namespace
 * (`unshare -n`), as every fuzz test must: no mutated message can reach a real neighbour.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { runInLoopbackNetns } from "../support/loopback-netns.js";

it("survives 5,000 mutated datagrams and 200 mutated TCP streams, then still serves UDP and TCP", { timeout: 180_000 }, async (t) => {
  const run = await runInLoopbackNetns<Record<string, unknown>>("test/sip-transport/fuzz-worker.ts");
  assert.equal(run.status, 0, `worker failed: ${run.stderr.slice(-2000)}`);
  const result = run.result ?? {};
  t.diagnostic(JSON.stringify(result));
  assert.equal(result["stillServes"], true);
  assert.ok(Number(result["framingErrors"]) > 0, "the stream fuzz did hit the framer's error paths");
  assert.ok(Number(result["delivered"]) > 4000, "most datagrams reached the handler");
});
