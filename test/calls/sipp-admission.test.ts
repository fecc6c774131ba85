/**
 * Overload control end to end over real sockets: with one unanswered call allowed at the Routing Point, a
 * second customer's INVITE gets 503 with Retry-After and nothing else (no 100; no call, no record, no event),
 * once the first call ends the next customer is taken again, and an answered call leaves its place to the next.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CallAdmission } from "../../core/src/calls/call-admission.js";
import { silentLogger } from "../../core/src/logging.js";
import { sleep, startSippCalls } from "./support/sipp-calls.js";

const ok = (r: { successful: number; failed: number; errors: string; stderr: string }): void => {
  assert.equal(r.failed, 0, r.errors || r.stderr);
  assert.equal(r.successful, 1, r.errors || r.stderr);
};

test("past the per-DN waiting limit a new INVITE gets 503 with Retry-After before any call exists; a released place is taken again", { timeout: 180_000 }, async (t) => {
  const admission = new CallAdmission({ config: { maxWaitingPerDn: 1, retryAfterSeconds: 7 }, logger: silentLogger() });
  t.after(() => admission.stop());
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } }, admission });
  // No agent is Ready: the first customer waits in the queue, then hangs up (CANCEL).
  const first = rig.customer("calls-customer-cancel.xml", "5000", { durationMs: 2500 });
  const queued = await rig.h.waitFor("EventQueued");
  const shed = await rig.customer("calls-customer-503.xml", "5000");
  ok(shed);
  assert.equal(admission.shedding, true);
  assert.equal(rig.h.model.active().length, 1, "the shed INVITE made no call");
  assert.deepEqual(
    rig.h.events.filter((e) => e.connId !== undefined && e.connId !== queued.connId).map((e) => e.name),
    [],
    "the shed INVITE made no event",
  );
  ok(await first);
  await sleep(50);
  assert.equal(admission.calls, 0, "the cancelled call is no longer counted");
  // The place is free again: the next customer is queued (and hangs up).
  ok(await rig.customer("calls-customer-cancel.xml", "5000", { durationMs: 300 }));
  await sleep(50);
  assert.equal(rig.h.model.history().length, 2, "records: the two calls taken, none for the shed INVITE");
  assert.equal(admission.calls, 0);
});

test("an answered call no longer waits at its DN: the next caller there is taken while it talks", { timeout: 180_000 }, async (t) => {
  const admission = new CallAdmission({ config: { maxWaitingPerDn: 1 }, logger: silentLogger() });
  t.after(() => admission.stop());
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } }, admission });
  rig.h.ready("1001");
  const agent = rig.agents("calls-agent-answer.xml");
  await sleep(200);
  const talking = rig.customer("calls-customer-bye.xml", "5000", { durationMs: 3000 });
  await rig.h.waitFor("EventEstablished");
  // The only agent talks: this caller queues at 5000 (taken, not 503), then hangs up.
  ok(await rig.customer("calls-customer-cancel.xml", "5000", { durationMs: 300 }));
  ok(await talking);
  ok(await agent);
  await sleep(50);
  assert.deepEqual(rig.h.model.history().map((r) => r.outcome).sort(), ["abandoned", "answered"]);
  assert.equal(admission.calls, 0);
});
