/**
 * RFC 3262 end to end with the call model: a queued customer that requires 100rel and never PRACKs gets its 180
 * reliably and again at T1, 2·T1 …, then 504 after 64·T1; the call ends as abandoned and leaves the queue.
 * T1 is 50 ms in this test only (sip.js's `Timers.T1`, which the stack sets from its config), so 64·T1 is 3.2 s.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Timers } from "sip.js/lib/core/index.js";
import { sleep, startSippCalls } from "./support/sipp-calls.js";

test("Require: 100rel and no PRACK: reliable 180s, 504 after 64·T1, EventAbandoned, record abandoned", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } } });
  const timers = Timers as { T1: number };
  const savedT1 = timers.T1;
  timers.T1 = 50; // after the stack started: it gives sip.js's Timers the configured T1
  t.after(() => {
    timers.T1 = savedT1;
  });
  const started = Date.now();
  const customer = await rig.customer("calls-customer-100rel-no-prack.xml", "5000", { timeoutS: 15 });
  const elapsed = Date.now() - started;
  assert.equal(customer.failed, 0, customer.errors || customer.stderr);
  assert.equal(customer.successful, 1, customer.errors || customer.stderr);
  assert.ok(elapsed >= 64 * 50, `504 only after 64·T1 (took ${elapsed} ms)`);
  await sleep(50);
  const [record] = rig.h.model.history();
  assert.equal(record?.outcome, "abandoned");
  assert.deepEqual(rig.h.trace(record?.connId ?? ""), ["EventRouteRequest@5000", "EventQueued@5000", "EventAbandoned@5000"]);
  assert.equal(rig.router.stats()[0]?.waiting, 0);
  assert.equal(rig.h.model.active().length, 0);
});
