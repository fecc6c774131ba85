/**
 * Shedding by the event loop's load (loop-load.ts), with a scripted utilisation and clock: a busy loop for a
 * sustained time makes admission refuse most new INVITEs (but never all), a single busy interval refuses none,
 * a quiet loop takes every call again, and the refusals are told as the `load` limit with the utilisation.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { EventBus, EventInput, EventName } from "@tandem/sdk";
import { LoopLoad } from "../../core/src/calls/loop-load.js";
import { CallAdmission } from "../../core/src/calls/call-admission.js";
import { silentLogger } from "../../core/src/logging.js";
import { countingMetrics } from "../support/test-stack.js";

/** A loop whose utilisation the test sets, read through a clock the test moves. */
function scriptedLoop(): { meter: () => number; now: () => number; set(u: number): void; advance(ms: number): void; reads: () => number } {
  let utilization = 0;
  let t = 0;
  let reads = 0;
  return {
    meter: () => {
      reads++;
      return utilization;
    },
    now: () => t,
    set: (u) => void (utilization = u),
    advance: (ms) => void (t += ms),
    reads: () => reads,
  };
}

/** Offers `perTick` new calls every 100 ms for `ms` at utilisation `u`; returns how many were taken. */
function offer(load: LoopLoad, loop: ReturnType<typeof scriptedLoop>, u: number, ms: number, perTick = 10): number {
  loop.set(u);
  let taken = 0;
  for (let elapsed = 0; elapsed < ms; elapsed += 100) {
    loop.advance(100);
    for (let i = 0; i < perTick; i++) if (load.take()) taken++;
  }
  return taken;
}

test("a loop busy past the limit for a sustained time refuses most new calls, never all; a quiet one takes them all again", { timeout: 180_000 }, () => {
  const loop = scriptedLoop();
  const load = new LoopLoad({ maxUtilization: 0.9, meter: loop.meter, now: loop.now });
  assert.equal(offer(load, loop, 0.5, 1000), 100, "below the limit every call is taken");
  offer(load, loop, 1, 2000);
  const saturated = offer(load, loop, 1, 1000);
  assert.ok(saturated < 50, `${saturated} of 100 taken after 2 s saturated`);
  assert.ok(saturated > 0, "some calls are always taken, so the share can find the capacity again");
  offer(load, loop, 0.3, 2000);
  assert.equal(offer(load, loop, 0.3, 1000), 100, "a quiet loop takes every call again");
  assert.ok(load.lastPercent <= 35 && load.lastPercent >= 25, `smoothed utilisation ${load.lastPercent} %`);
});

test("one busy interval is not overload: no call is refused", { timeout: 180_000 }, () => {
  const loop = scriptedLoop();
  const load = new LoopLoad({ maxUtilization: 0.9, meter: loop.meter, now: loop.now });
  assert.equal(offer(load, loop, 0.85, 1000), 100);
  assert.equal(offer(load, loop, 1, 100), 10, "the smoothed utilisation passes the limit for one interval");
  assert.equal(offer(load, loop, 0.5, 1000), 100);
});

test("the utilisation is read at most once per interval, and never when the limit is off", { timeout: 180_000 }, () => {
  const loop = scriptedLoop();
  const load = new LoopLoad({ maxUtilization: 0.9, meter: loop.meter, now: loop.now });
  for (let i = 0; i < 50; i++) load.take();
  assert.equal(loop.reads(), 0, "within the first interval");
  offer(load, loop, 0.5, 1000, 50);
  assert.equal(loop.reads(), 10);
  const off = scriptedLoop();
  const unlimited = new LoopLoad({ maxUtilization: 0, meter: off.meter, now: off.now });
  assert.equal(offer(unlimited, off, 1, 3000), 300);
  assert.equal(off.reads(), 0);
});

test("admission refuses by load in check() only, as the `load` limit with the utilisation in percent", { timeout: 180_000 }, () => {
  const loop = scriptedLoop();
  const metrics = countingMetrics();
  const events: Array<{ name: EventName; input: EventInput | undefined }> = [];
  const bus = {
    emit: (name: EventName, input?: EventInput) => {
      events.push({ name, input });
      return { seq: events.length, ts: "", name, data: input?.data ?? {} };
    },
  } as unknown as EventBus;
  const admission = new CallAdmission({
    config: { maxLoopUtilization: 0.9, retryAfterSeconds: 5 },
    logger: silentLogger(),
    metrics,
    bus,
    loopMeter: loop.meter,
    now: loop.now,
  });
  loop.set(1);
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    loop.advance(10);
    const request = { callId: `c${i}`, dn: "5000", sourceAddress: "10.0.0.1" };
    const refusal = admission.check(request);
    if (refusal) {
      assert.deepEqual(refusal, { retryAfterSeconds: 5 });
      refused++;
      // The stack answered 503; admit() (not reached then) would not weigh the load a second time.
      assert.equal(admission.admit({ ...request, callId: `again-${i}` }), undefined);
      admission.release(`again-${i}`);
    } else {
      assert.equal(admission.admit(request), undefined);
      admission.release(request.callId);
    }
  }
  assert.ok(refused > 150, `${refused} of 300 refused in 3 s of a saturated loop`);
  assert.equal(metrics.totals.get("calls_admission_refused_total"), refused);
  assert.equal(events.length, 1);
  assert.equal(events[0]?.name, "EventOverloadStarted");
  const data = events[0]?.input?.data as { limit: string; load: number } | undefined;
  assert.equal(data?.limit, "load");
  assert.ok((data?.load ?? 0) > 90 && (data?.load ?? 0) <= 100, `load ${data?.load} %`);
  admission.stop();
});
