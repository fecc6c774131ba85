/**
 * The core's guard on a call waiting for a routing decision, at its default: a caller who left without a CANCEL
 * (a flood that walked away, a lost CANCEL) at a queue with no time-out of its own is let go after 30 minutes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { routeCall } from "@tandem/sdk";
import { FakeSip } from "./support/fake-sip.js";
import { createCallsHarness, settle } from "./support/calls-harness.js";

test("by default a call waits at most 30 minutes for a routing decision, then the caller gets 480", { timeout: 180_000 }, async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const sip = new FakeSip();
  createCallsHarness(t, { sip, dns: [{ number: "5000", type: "RoutingPoint" }] }).hooks.tap(routeCall, () => new Promise(() => undefined));
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  t.mock.timers.tick(29 * 60_000);
  await settle();
  assert.equal(invite.rejected, undefined, "still waiting after 29 minutes");
  t.mock.timers.tick(60_000);
  await settle();
  assert.equal(invite.rejected, 480);
});
