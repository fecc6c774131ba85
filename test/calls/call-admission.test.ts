/**
 * The call admission point on its own: each limit refuses with the configured Retry-After and counts
 * nothing for a refused INVITE, a release frees the place, an answered call no longer waits at its DN (but
 * still counts in all and at its source), a copy of a counted INVITE is no new load, and the
 * overload episode is told once when it starts and once when no INVITE was refused for the quiet time.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { EventBus, EventInput, EventName, Metrics } from "@tandem/sdk";
import { CallAdmission } from "../../core/src/calls/call-admission.js";
import { ADMISSION_CONFIG_DEFAULTS } from "../../core/src/calls/admission-config.js";
import { silentLogger } from "../../core/src/logging.js";
import { countingMetrics } from "../support/test-stack.js";

/** Only `emit` is used by admission control: the events it emitted, in order. */
function recordingBus(): { bus: EventBus; events: Array<{ name: EventName; input: EventInput | undefined }> } {
  const events: Array<{ name: EventName; input: EventInput | undefined }> = [];
  const bus = {
    emit: (name: EventName, input?: EventInput) => {
      events.push({ name, input });
      return { seq: events.length, ts: "", name, data: input?.data ?? {} };
    },
  } as unknown as EventBus;
  return { bus, events };
}

/** Metrics whose gauges can be read back through their `collect`. */
function readableMetrics(): Metrics & { totals: Map<string, number>; read(name: string): number } {
  const base = countingMetrics();
  const collectors = new Map<string, () => unknown>();
  return {
    ...base,
    gauge: ((spec: { name: string; collect?: () => unknown }) => {
      if (spec.collect) collectors.set(spec.name, spec.collect);
      return base.gauge(spec as never);
    }) as Metrics["gauge"],
    read: (name: string): number => Number(collectors.get(name)?.()),
  };
}

const invite = (callId: string, dn = "5000", sourceAddress = "10.0.0.1") => ({ callId, dn, sourceAddress });

test("defaults: limits that shed a flood from one source at one number", { timeout: 180_000 }, () => {
  const admission = new CallAdmission({ logger: silentLogger() });
  assert.deepEqual(admission.config, ADMISSION_CONFIG_DEFAULTS);
  for (let i = 0; i < ADMISSION_CONFIG_DEFAULTS.maxWaitingPerDn; i++) assert.equal(admission.admit(invite(`c${i}`)), undefined);
  assert.deepEqual(admission.check(invite("one-more")), { retryAfterSeconds: 30 });
  admission.stop();
});

test("each limit refuses with Retry-After and keeps nothing; a release frees the place", { timeout: 180_000 }, () => {
  const metrics = readableMetrics();
  const admission = new CallAdmission({
    config: { maxCalls: 3, maxWaitingPerDn: 2, maxCallsPerSource: 2, retryAfterSeconds: 7 },
    logger: silentLogger(),
    metrics,
  });
  assert.equal(admission.admit(invite("a", "5000", "10.0.0.1")), undefined);
  assert.equal(admission.admit(invite("b", "5000", "10.0.0.2")), undefined);
  // Per DN: 5000 holds two.
  assert.deepEqual(admission.check(invite("c", "5000", "10.0.0.3")), { retryAfterSeconds: 7 });
  assert.deepEqual(admission.admit(invite("c", "5000", "10.0.0.3")), { retryAfterSeconds: 7 });
  assert.equal(admission.calls, 2, "a refused INVITE is not counted");
  // Per source: 10.0.0.1 holds one more, then none.
  assert.equal(admission.admit(invite("d", "6000", "10.0.0.1")), undefined);
  assert.deepEqual(admission.check(invite("e", "7000", "10.0.0.1")), { retryAfterSeconds: 7 });
  // Overall: three calls.
  assert.deepEqual(admission.check(invite("f", "7000", "10.0.0.9")), { retryAfterSeconds: 7 });
  // A copy of a counted INVITE is no new load, even at the limit.
  assert.equal(admission.check(invite("a", "5000", "10.0.0.1")), undefined);
  assert.equal(admission.admit(invite("a", "5000", "10.0.0.1")), undefined);
  assert.equal(admission.calls, 3);
  assert.equal(metrics.read("calls_admission_calls"), 3);
  assert.equal(metrics.totals.get("calls_admission_refused_total"), 4);

  admission.release("a");
  admission.release("a"); // twice: no harm
  assert.equal(admission.calls, 2);
  assert.equal(admission.check(invite("g", "5000", "10.0.0.9")), undefined, "5000 has room again");
  assert.equal(admission.admit(invite("h", "8000", "10.0.0.1")), undefined, "10.0.0.1 has room again");
  admission.stop();
});

test("an answered call frees its place at the DN, not in all or at its source", { timeout: 180_000 }, () => {
  const admission = new CallAdmission({ config: { maxCalls: 3, maxWaitingPerDn: 1, maxCallsPerSource: 2 }, logger: silentLogger() });
  assert.equal(admission.admit(invite("a", "5000", "10.0.0.1")), undefined);
  assert.ok(admission.check(invite("b", "5000", "10.0.0.2")), "5000 has one caller waiting");
  admission.answered("a");
  admission.answered("a"); // twice: no harm
  assert.equal(admission.admit(invite("b", "5000", "10.0.0.1")), undefined, "the answered call waits no longer");
  assert.ok(admission.check(invite("c", "6000", "10.0.0.1")), "10.0.0.1 still has its two calls");
  admission.release("a");
  assert.ok(admission.check(invite("c", "5000", "10.0.0.3")), "b still waits at 5000");
  admission.release("b");
  assert.equal(admission.check(invite("c", "5000", "10.0.0.3")), undefined);
  assert.equal(admission.calls, 0);
  admission.stop();
});

test("0 means no limit", { timeout: 180_000 }, () => {
  const admission = new CallAdmission({ config: { maxCalls: 0, maxWaitingPerDn: 0, maxCallsPerSource: 0 }, logger: silentLogger() });
  for (let i = 0; i < 5000; i++) assert.equal(admission.admit(invite(`c${i}`)), undefined);
  assert.equal(admission.calls, 5000);
  admission.stop();
});

test("shedding is told once when it starts and once after the quiet time, not per call", { timeout: 180_000 }, (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });
  const { bus, events } = recordingBus();
  const metrics = readableMetrics();
  const admission = new CallAdmission({ config: { maxCalls: 1, sheddingQuietMs: 10_000 }, logger: silentLogger(), bus, metrics });
  admission.admit(invite("held"));
  assert.equal(metrics.read("calls_admission_shedding"), 0);
  for (let i = 0; i < 50; i++) admission.check(invite(`flood${i}`));
  assert.deepEqual(events.map((e) => e.name), ["EventOverloadStarted"]);
  assert.deepEqual(events[0]?.input?.data, { limit: "calls", load: 1, retryAfterSeconds: 30 });
  assert.equal(metrics.read("calls_admission_shedding"), 1);

  t.mock.timers.tick(6000);
  admission.check(invite("late")); // a refusal within the quiet time keeps the episode going
  t.mock.timers.tick(6000);
  assert.equal(admission.shedding, true);
  assert.deepEqual(events.map((e) => e.name), ["EventOverloadStarted"]);
  t.mock.timers.tick(4000);
  assert.equal(admission.shedding, false);
  assert.deepEqual(events.map((e) => e.name), ["EventOverloadStarted", "EventOverloadEnded"]);
  assert.deepEqual(events[1]?.input?.data, { refused: 51, durationMs: 6000 });
  assert.equal(metrics.read("calls_admission_shedding"), 0);

  admission.check(invite("again"));
  assert.deepEqual(events.map((e) => e.name), ["EventOverloadStarted", "EventOverloadEnded", "EventOverloadStarted"]);
  admission.stop();
});
