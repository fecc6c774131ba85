/**
 * The timer heap under the reliability layer (order, cancel, anchoring, errors, compaction), the
 * RFC 3261 Table 4 values, and the random identifiers (RFC 3261 §8.1.1.7, §19.3).
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { newBranch, newCallId, newTag } from "../../core/src/sip/transactions/random-ids.js";
import { TimerQueue } from "../../core/src/sip/transactions/timer-queue.js";
import { timerValues } from "../../core/src/sip/transactions/timer-values.js";

describe("TimerQueue", { timeout: 300_000 }, () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 }));
  afterEach(() => mock.timers.reset());

  it("fires in deadline order (FIFO on ties), skips cancelled ones, reports thrown errors", () => {
    const errors: unknown[] = [];
    const q = new TimerQueue((e) => errors.push(e), Date.now);
    const fired: string[] = [];
    q.schedule(300, () => fired.push("c"));
    q.schedule(100, () => fired.push("a"));
    q.schedule(100, () => fired.push("b"));
    const x = q.schedule(200, () => fired.push("x"));
    q.schedule(250, () => {
      throw new Error("boom");
    });
    q.cancel(x);
    assert.equal(q.size, 4);
    mock.timers.tick(1000);
    assert.deepEqual(fired, ["a", "b", "c"]);
    assert.equal(errors.length, 1);
    assert.equal(q.size, 0);
    q.stop();
  });

  it("anchors timers scheduled from a firing timer to its deadline, even when it fires late", () => {
    const q = new TimerQueue(() => undefined, Date.now);
    const at: number[] = [];
    const again = (n: number) => {
      at.push(Date.now());
      if (n > 0) q.schedule(500, () => again(n - 1));
    };
    q.schedule(500, () => again(2));
    mock.timers.tick(5000); // one big jump: every callback runs at t = 5000
    q.schedule(0, () => undefined);
    assert.equal(at.length, 3);
    const log: number[] = [];
    const q2 = new TimerQueue(() => undefined, Date.now);
    q2.schedule(100, () => log.push(1));
    q2.schedule(50, () => log.push(0)); // earlier than the armed one: re-armed
    for (let i = 0; i < 100; i++) mock.timers.tick(1);
    assert.deepEqual(log, [0, 1]);
    q.stop();
    q2.stop();
  });

  it("compacts when cancelled handles pile up", () => {
    const q = new TimerQueue(() => undefined, Date.now);
    const handles = Array.from({ length: 5000 }, (_, i) => q.schedule(10_000 + i, () => undefined));
    for (const h of handles.slice(0, 4900)) q.cancel(h);
    assert.equal(q.size, 100);
    let fired = 0;
    q.schedule(1, () => fired++);
    mock.timers.tick(20_000);
    assert.equal(fired, 1);
    assert.equal(q.size, 0);
    q.stop();
  });
});

describe("RFC 3261 Table 4 timer values", { timeout: 300_000 }, () => {
  it("derives A…K from T1/T2/T4 (Timer D at least 32 s)", () => {
    const v = timerValues({ t1: 500, t2: 4000, t4: 5000 });
    assert.deepEqual(
      [v.TIMER_A, v.TIMER_B, v.TIMER_D, v.TIMER_E, v.TIMER_F, v.TIMER_G, v.TIMER_H, v.TIMER_I, v.TIMER_J, v.TIMER_K],
      [500, 32_000, 32_000, 500, 32_000, 500, 32_000, 5000, 32_000, 5000],
    );
    assert.equal(timerValues({ t1: 100, t2: 4000, t4: 5000 }).TIMER_D, 32_000);
    assert.equal(timerValues({ t1: 1000, t2: 4000, t4: 5000 }).TIMER_B, 64_000);
  });
});

describe("random identifiers", { timeout: 300_000 }, () => {
  it("branches carry the magic cookie and 96 random bits; tags and Call-IDs are tokens; no repeats in 20k", () => {
    const token = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const b = newBranch();
      assert.ok(b.startsWith("z9hG4bK") && b.length === 23 && token.test(b));
      seen.add(b);
      const tag = newTag();
      assert.ok(tag.length === 12 && token.test(tag));
      seen.add(tag);
    }
    assert.equal(seen.size, 40_000);
    assert.match(newCallId(), /^[0-9a-f-]{36}$/);
    assert.match(newCallId("tandem.example"), /^[0-9a-f-]{36}@tandem\.example$/);
  });
});
