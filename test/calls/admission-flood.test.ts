/**
 * A flood of INVITEs from one address at one Routing Point with no agent, inside a loopback-only network
 * namespace (admission-flood-runner.ts): with the default limits only `maxWaitingPerDn` (500) calls are held,
 * every other INVITE is shed with 503 and leaves no call record and no event-log row, and the episode is told
 * once (EventOverloadStarted), not per INVITE.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ADMISSION_CONFIG_DEFAULTS } from "../../core/src/calls/admission-config.js";
import { runInLoopbackNetns } from "../support/loopback-netns.js";

interface FloodResult {
  invites: number;
  sippOk: number;
  held: number;
  shed: number;
  overloadEvents: string[];
  eventRows: number;
  records: number;
}

test("a flood from one source is shed past the default per-DN limit, with no record, event row or event per INVITE", { timeout: 180_000 }, async (t) => {
  const run = await runInLoopbackNetns<FloodResult>("test/calls/admission-flood-runner.ts", {
    timeoutMs: 180_000,
    env: { ...process.env, FLOOD_INVITES: "2000", FLOOD_RATE: "500" },
  });
  assert.equal(run.status, 0, run.stderr);
  const out = run.result;
  assert.ok(out, run.stderr);
  t.diagnostic(JSON.stringify(out));
  const limit = ADMISSION_CONFIG_DEFAULTS.maxWaitingPerDn;
  assert.equal(out.held, limit, "calls held: the per-DN limit");
  assert.equal(out.records, out.held, "a call record for each held call, none for a shed INVITE");
  // UDP on loopback loses nothing at this pace; allow for a rare lost datagram all the same.
  assert.ok(out.shed + out.held >= 0.99 * out.invites, `held ${out.held} + shed ${out.shed} of ${out.invites}`);
  assert.ok(out.sippOk >= 0.99 * out.invites, "each flood INVITE got its 180 or its 503");
  assert.ok(out.eventRows <= 3 * out.held, `${out.eventRows} event-log rows for ${out.held} held calls`);
  assert.deepEqual(out.overloadEvents, ["EventOverloadStarted"]);
});
