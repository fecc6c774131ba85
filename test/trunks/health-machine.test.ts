/**
 * The per-endpoint health machine under fake timers: out of service after `oos-force` without an answer, at
 * once on 503/408/transport errors and on reported call failures, back after `upAfter` good answers, and any
 * other reply (404, 405) counting as alive.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { HealthMachine, type HealthOptions, type HealthTransition } from "../../plugins/trunk-selection/src/health-machine.js";

const OPTIONS: HealthOptions = { oosForceMs: 3000, upAfter: 2, oosCodes: [503, 408], oosOnTransportError: true };

function machine(options: Partial<HealthOptions> = {}): { m: HealthMachine; changes: HealthTransition[] } {
  const changes: HealthTransition[] = [];
  const m = new HealthMachine({ ...OPTIONS, ...options }, (t) => changes.push(t));
  return { m, changes };
}

const answer = (status: number) => ({ kind: "answer", status, latencyMs: 1 }) as const;

describe("trunk health machine", { timeout: 300_000 }, () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it("goes out of service exactly oos-force after the last good answer", () => {
    const { m, changes } = machine();
    m.start();
    mock.timers.tick(2000);
    m.probe(answer(200));
    mock.timers.tick(2999);
    assert.equal(m.state, "in-service");
    mock.timers.tick(1);
    assert.equal(m.state, "out-of-service");
    assert.deepEqual(changes, [{ from: "in-service", to: "out-of-service", reason: "no-answer" }]);
    m.stop();
  });

  it("a 404 or 405 answer keeps it alive; 503, 408 and transport errors take it out at once", () => {
    for (const bad of [answer(503), answer(408), { kind: "transport" } as const, { kind: "timeout" } as const]) {
      const { m, changes } = machine();
      m.start();
      m.probe(answer(404));
      m.probe(answer(405));
      assert.equal(m.state, "in-service");
      m.probe(bad);
      assert.equal(m.state, "out-of-service", JSON.stringify(bad));
      assert.equal(changes.length, 1);
      m.stop();
    }
  });

  it("codes are configurable: with oosCodes [] a 503 counts as alive, and transport errors can be ignored", () => {
    const { m } = machine({ oosCodes: [], oosOnTransportError: false });
    m.start();
    m.probe(answer(503));
    m.probe({ kind: "transport" });
    m.probe({ kind: "timeout" });
    assert.equal(m.state, "in-service");
    m.stop();
  });

  it("comes back after upAfter consecutive good answers; a bad answer in between restarts the count", () => {
    const { m, changes } = machine({ upAfter: 3 });
    m.start();
    m.probe(answer(503));
    m.probe(answer(200));
    m.probe(answer(200));
    m.probe(answer(503));
    assert.equal(m.goodStreak, 0);
    m.probe(answer(200));
    m.probe(answer(404));
    assert.equal(m.state, "out-of-service");
    mock.timers.tick(500);
    m.probe(answer(200));
    assert.equal(m.state, "in-service");
    assert.equal(m.inServiceSince, 1_000_500);
    assert.deepEqual(
      changes.map((c) => `${c.to}:${c.reason}`),
      ["out-of-service:status-503", "in-service:recovered"],
    );
    // Back in service, the oos-force timer runs again.
    mock.timers.tick(3000);
    assert.equal(m.state, "out-of-service");
    m.stop();
  });

  it("a reported call failure takes it out; stop() cancels the timer", () => {
    const { m, changes } = machine();
    m.start();
    m.callFailure();
    assert.equal(m.state, "out-of-service");
    assert.equal(changes[0]?.reason, "call-failure");
    const second = machine();
    second.m.start();
    second.m.stop();
    mock.timers.tick(10_000);
    assert.equal(second.m.state, "in-service");
    assert.equal(second.changes.length, 0);
  });

  it("without start() (oos-check 0) silence never takes it out", () => {
    const { m } = machine();
    mock.timers.tick(60_000);
    assert.equal(m.state, "in-service");
  });
});
