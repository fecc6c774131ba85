/**
 * Metric labels come from a closed set: a flood of requests with unique methods, from an untrusted source and
 * from a trusted one, leaves a small `/metrics` text and no lasting memory. Untrusted requests are counted only in
 * `tandem_sip_dropped_total{reason="untrusted"}`. Runs `metrics-flood-runner.ts` inside a loopback-only network
 * namespace; the figures are printed as diagnostics.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { runInLoopbackNetns } from "../support/loopback-netns.js";

interface FloodResult {
  untrusted: Record<string, number>;
  trusted: Record<string, number>;
  metricsBytes: number;
  sipSeries: number;
  droppedUntrusted: number;
  before: { rssMb: number; heapMb: number };
  afterUntrusted: { rssMb: number; heapMb: number };
  after: { rssMb: number; heapMb: number };
}

it("20,000 unique methods from an untrusted source and 2,000 from a trusted one leave a bounded /metrics", { timeout: 180_000 }, async (t) => {
  const run = await runInLoopbackNetns<FloodResult>("test/sip-stack/metrics-flood-runner.ts", { timeoutMs: 240_000 });
  assert.equal(run.status, 0, run.stderr);
  const out = run.result;
  assert.ok(out, run.stderr);
  t.diagnostic(JSON.stringify(out));
  // UDP on loopback loses nothing at this pace; allow for a rare lost datagram all the same.
  assert.ok((out.untrusted["403"] ?? 0) >= 19_800, "untrusted requests get 403");
  assert.ok(out.droppedUntrusted >= (out.untrusted["403"] ?? 0), "each untrusted request is counted as dropped");
  assert.ok((out.trusted["501"] ?? 0) >= 1_980, "an unknown method gets 501 (RFC 3261 §21.5.2)");
  assert.deepEqual(Object.keys(out.trusted), ["501"]);
  // Known methods (14) and "other", two directions, a few statuses: a closed set whatever arrives.
  assert.ok(out.sipSeries < 60, `${out.sipSeries} tandem_sip_* series`);
  assert.ok(out.metricsBytes < 16 * 1024, `/metrics is ${out.metricsBytes} bytes`);
  // Nothing is kept per message: the heap is back where it started (RSS is reported, not asserted: V8 keeps pages).
  assert.ok(out.afterUntrusted.heapMb - out.before.heapMb < 8, `heap grew ${out.before.heapMb} → ${out.afterUntrusted.heapMb} MB`);
  assert.ok(out.after.heapMb - out.before.heapMb < 8, `heap grew ${out.before.heapMb} → ${out.after.heapMb} MB`);
});
