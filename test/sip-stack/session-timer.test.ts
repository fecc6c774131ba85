/**
 * RFC 4028 session timers with fake timers: when we refresh, at half the interval (§10); when the peer
 * refreshes and does not, the session expires at SE − min(32, SE/3) (§10); a refresh re-arms the timer.
 */
import { describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { SessionTimer, parseSessionExpires, uacSessionTimer, uasSessionTimer } from "../../core/src/sip/extensions/session-timer.js";

describe("RFC 4028 session timer", { timeout: 300_000 }, () => {
  it("refreshes at half the interval when we are the refresher", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const refresh = mock.fn();
    const expire = mock.fn();
    const timer = new SessionTimer({ expires: 1800, refresher: "us" }, { refresh, expire });
    t.mock.timers.tick(899_999);
    assert.equal(refresh.mock.callCount(), 0);
    t.mock.timers.tick(1);
    assert.equal(refresh.mock.callCount(), 1);
    timer.refreshed();
    t.mock.timers.tick(900_000);
    assert.equal(refresh.mock.callCount(), 2);
    assert.equal(expire.mock.callCount(), 0);
    timer.stop();
  });

  it("expires at SE - min(32, SE/3) without a refresh from the peer", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const refresh = mock.fn();
    const expire = mock.fn();
    const timer = new SessionTimer({ expires: 90, refresher: "peer" }, { refresh, expire });
    t.mock.timers.tick(59_999); // 90 - min(32, 30) = 60 s
    assert.equal(expire.mock.callCount(), 0);
    timer.refreshed(); // the peer's re-INVITE/UPDATE arrived: start over
    t.mock.timers.tick(59_999);
    assert.equal(expire.mock.callCount(), 0);
    t.mock.timers.tick(1);
    assert.equal(expire.mock.callCount(), 1);
    assert.equal(refresh.mock.callCount(), 0);
    timer.stop();
  });

  it("uses 32 s of slack for long intervals", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const expire = mock.fn();
    const timer = new SessionTimer({ expires: 1800, refresher: "peer" }, { refresh: () => undefined, expire });
    t.mock.timers.tick(1_767_999);
    assert.equal(expire.mock.callCount(), 0);
    t.mock.timers.tick(1);
    assert.equal(expire.mock.callCount(), 1);
    timer.stop();
  });

  it("reads Session-Expires and chooses the refresher as CUCM expects", () => {
    assert.deepEqual(parseSessionExpires("1800;refresher=uac"), { expires: 1800, refresher: "uac" });
    assert.deepEqual(parseSessionExpires(" 120 ; refresher = UAS"), { expires: 120, refresher: "uas" });
    assert.equal(parseSessionExpires("soon"), undefined);
    // As UAS: keep the interval, ask the UAC to refresh when it did not say and supports timers (§9).
    assert.deepEqual(uasSessionTimer("1800", "timer, replaces"), {
      spec: { expires: 1800, refresher: "peer" },
      headers: ["Session-Expires: 1800;refresher=uac", "Require: timer"],
    });
    // A UAC without `Supported: timer` cannot refresh: we do, and no Require in the 2xx.
    assert.deepEqual(uasSessionTimer("1800", undefined), { spec: { expires: 1800, refresher: "us" }, headers: ["Session-Expires: 1800;refresher=uas"] });
    assert.deepEqual(uasSessionTimer("1800;refresher=uas", "timer")?.spec, { expires: 1800, refresher: "us" });
    assert.equal(uasSessionTimer(undefined, "timer"), undefined);
    // As UAC: refresher=uac in the 2xx means us (§7.2).
    assert.deepEqual(uacSessionTimer("600;refresher=uac"), { expires: 600, refresher: "us" });
    assert.deepEqual(uacSessionTimer("600;refresher=uas"), { expires: 600, refresher: "peer" });
  });
});
