/**
 * One trunk's state over its endpoints: in service while any endpoint is, calls follow the first in-service
 * endpoint, trunk transitions only when the whole trunk changes; a reported call failure takes a probed endpoint
 * out at once (probes bring it back), an unprobed one after `failuresBeforeOos` in a row, for the hold-down.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { TrunkState, type TrunkTransition } from "../../plugins/trunk-selection/src/trunk-state.js";

const HEALTH = { upAfter: 1, oosCodes: [503, 408], oosOnTransportError: true };
const ok = { kind: "answer", status: 200, latencyMs: 1 } as const;
const POLICY = { failuresBeforeOos: 2, holdDownMs: 30_000 };

function trunk(oosCheckMs: number): { t: TrunkState; changes: TrunkTransition[] } {
  const changes: TrunkTransition[] = [];
  const t = new TrunkState(
    { number: "cucm", endpoints: ["sip:10.0.0.1:5060", "sip:10.0.0.2:5060;transport=tcp"], oosCheckMs, oosForceMs: 2000 },
    HEALTH,
    (c) => changes.push(c),
  );
  return { t, changes };
}

describe("trunk state over endpoints", { timeout: 300_000 }, () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 5_000_000 }));
  afterEach(() => mock.timers.reset());

  it("stays in service on the backup endpoint, goes out when every endpoint is out, comes back with one", () => {
    const { t, changes } = trunk(1000);
    t.start();
    t.callFailure("sip:1001@10.0.0.1:5060", POLICY);
    assert.equal(t.endpoints[0]?.machine.state, "out-of-service");
    assert.equal(t.state, "in-service");
    assert.equal(t.activeEndpoint()?.uri, "sip:10.0.0.2:5060;transport=tcp");
    assert.equal(changes.length, 0);
    t.endpoints[1]?.machine.probe({ kind: "transport" });
    assert.equal(t.state, "out-of-service");
    assert.equal(t.activeEndpoint(), undefined);
    assert.deepEqual(changes, [{ trunk: "cucm", to: "out-of-service", endpoint: "sip:10.0.0.2:5060;transport=tcp", reason: "transport" }]);
    mock.timers.tick(700);
    t.endpoints[0]?.machine.probe(ok);
    assert.equal(t.state, "in-service");
    assert.equal(t.inServiceSince, 5_000_700);
    assert.equal(t.activeEndpoint()?.uri, "sip:10.0.0.1:5060");
    assert.equal(t.counters.outOfService, 1);
    assert.equal(changes.at(-1)?.reason, "recovered");
    t.stop();
  });

  it("silence on every endpoint takes the trunk out after oos-force", () => {
    const { t, changes } = trunk(1000);
    t.start();
    mock.timers.tick(1999);
    assert.equal(t.state, "in-service");
    mock.timers.tick(1);
    assert.equal(t.state, "out-of-service");
    assert.equal(changes.length, 1);
    t.stop();
  });

  it("without probing (oos-check 0): out after failuresBeforeOos failures in a row, back after the hold-down, out again at the next", () => {
    const { t, changes } = trunk(0);
    t.start();
    t.callFailure("sip:1001@10.0.0.1:5060", POLICY);
    assert.equal(t.endpoints[0]?.machine.state, "in-service", "one failure is not yet a dead node");
    t.callAnswered("sip:10.0.0.1:5060");
    t.callFailure("sip:1001@10.0.0.1:5060", POLICY);
    assert.equal(t.endpoints[0]?.machine.state, "in-service", "an answer in between starts the count again");
    t.callFailure("sip:1001@10.0.0.1:5060", POLICY);
    assert.equal(t.endpoints[0]?.machine.state, "out-of-service");
    assert.equal(t.activeEndpoint()?.uri, "sip:10.0.0.2:5060;transport=tcp");
    t.callFailure("sip:1001@10.0.0.2:5060;transport=tcp", POLICY);
    t.callFailure("sip:1001@10.0.0.2:5060;transport=tcp", POLICY);
    assert.equal(t.state, "out-of-service");
    assert.deepEqual(changes.map((c) => [c.to, c.reason]), [["out-of-service", "call-failure"]]);
    mock.timers.tick(29_999);
    assert.equal(t.endpoints[0]?.machine.state, "out-of-service");
    mock.timers.tick(1);
    assert.equal(t.endpoints[0]?.machine.state, "in-service");
    assert.deepEqual(changes.at(-1), { trunk: "cucm", to: "in-service", endpoint: "sip:10.0.0.1:5060", reason: "hold-down-over" });
    // Still on probation: the next failure takes it out at once.
    t.callFailure("sip:1001@10.0.0.1:5060", POLICY);
    assert.equal(t.endpoints[0]?.machine.state, "out-of-service");
    t.stop();
  });

  it("finds the endpoint a Request-URI went through by host and port", () => {
    const { t } = trunk(1000);
    assert.equal(t.endpointOf("sip:2002@10.0.0.2:5060;transport=tcp")?.uri, "sip:10.0.0.2:5060;transport=tcp");
    assert.equal(t.endpointOf("sip:2002@10.0.0.9:5060"), undefined);
  });
});
