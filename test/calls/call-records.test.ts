/** Call records, restart, reconciliation, the HTTP routes and the core's own guards. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { routeCall, type RouteRequest } from "@tandem/sdk";
import { FakeSip } from "./support/fake-sip.js";
import { createCallsHarness, settle } from "./support/calls-harness.js";
import { mountPluginRoute } from "../../core/src/admin/plugin-routes.js";
import { RequestGuard } from "../../core/src/admin/request-guard.js";
import { installErrorFormat } from "../../core/src/admin/error-format.js";
import { silentLogger } from "../../core/src/logging.js";

const DNS = [
  { number: "5000", type: "RoutingPoint" as const },
  { number: "5001", type: "RoutingPoint" as const },
  { number: "1001", type: "Extension" as const },
  { number: "cucm", type: "Trunk" as const, options: { contact: "sip:127.0.0.1:5070" } },
];

async function established(sip: FakeSip, h: ReturnType<typeof createCallsHarness>) {
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  const agentLeg = sip.outbound.at(-1)?.answer();
  await settle();
  return { invite, agentLeg };
}

test("a call active when the process died is closed as lost at start, and its agent freed", { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-calls-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, "tandem.sqlite");
  const sip1 = new FakeSip();
  const first = createCallsHarness(undefined, { sip: sip1, dns: DNS, dbPath });
  first.hooks.tap(routeCall, () => ({ kind: "agent", dn: "1001" }));
  await established(sip1, first);
  const connId = first.model.active()[0]?.connId ?? "";
  assert.equal(first.dns.agent("1001")?.state, "Busy");
  // A second process on the same file, the first never stopped (a crash).
  const second = createCallsHarness(t, { sip: new FakeSip(), dns: DNS, dbPath });
  const record = second.model.get(connId);
  assert.equal(record?.outcome, "lost");
  assert.equal(record?.state, "Lost");
  assert.ok(record?.legs.every((l) => l.endedBy === "lost"));
  assert.equal(second.dns.agent("1001")?.calls.length, 0, "no agent stays Busy across a restart");
  first.kill();
});

test("the sweep frees an agent Busy with a call the model does not have", { timeout: 180_000 }, async (t) => {
  const h = createCallsHarness(t, { sip: new FakeSip(), dns: DNS });
  h.ready("1001");
  h.dns.attachCall("1001", "ghost");
  assert.equal(h.dns.agent("1001")?.state, "Busy");
  assert.equal(h.model.sweep().freedAgents, 1);
  assert.equal(h.dns.agent("1001")?.state, "Ready");
});

test("an established call whose leg fails the session refresh is released", { timeout: 180_000 }, async (t) => {
  t.mock.timers.enable({ apis: ["Date"], now: 1_000_000 });
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS, config: { sessionProbeMs: 60_000 } });
  h.hooks.tap(routeCall, () => ({ kind: "agent", dn: "1001" }));
  const { invite, agentLeg } = await established(sip, h);
  assert.ok(agentLeg);
  t.mock.timers.tick(30_000);
  assert.equal(h.model.sweep().probedCalls, 0);
  t.mock.timers.tick(30_000);
  agentLeg.reinviteStatus = 481;
  assert.equal(h.model.sweep().probedCalls, 1);
  await settle();
  assert.equal(invite.leg?.reinvites, 1);
  assert.equal(agentLeg.reinvites, 1);
  assert.equal(invite.leg?.state, "terminated");
  const [record] = h.model.history();
  assert.equal(record?.releasedBy, "system");
  assert.equal(h.dns.agent("1001")?.state, "Ready");
});

test("a strategy that never answers: 480 after maxRouteWaitMs, its signal aborted", { timeout: 180_000 }, async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS, config: { maxRouteWaitMs: 5000 } });
  let request: RouteRequest | undefined;
  h.hooks.tap(routeCall, (r) => {
    request = r;
    return new Promise(() => undefined);
  });
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  t.mock.timers.tick(5000);
  await settle();
  assert.equal(invite.rejected, 480);
  assert.equal(request?.signal.aborted, true);
});

test("a `dn` decision to another Routing Point re-routes there (EventDiverted, EventRouteRequest)", { timeout: 180_000 }, async (t) => {
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS });
  h.hooks.tap(routeCall, (r) => (r.routingPoint === "5000" ? { kind: "dn", dn: "5001" } : { kind: "agent", dn: "1001" }));
  await established(sip, h);
  const connId = h.model.active()[0]?.connId ?? "";
  assert.deepEqual(h.trace(connId), [
    "EventRouteRequest@5000",
    "EventDiverted@5000",
    "EventRouteRequest@5001",
    "EventRouteUsed@5001",
    "EventRinging@1001",
    "EventEstablished@1001",
  ]);
});

test("stop() hangs up answered calls and refuses waiting ones with 503", { timeout: 180_000 }, async (t) => {
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS });
  h.hooks.tap(routeCall, (r) => (r.reserve("1001") ? { kind: "agent", dn: "1001" } : new Promise(() => undefined)));
  const { invite, agentLeg } = await established(sip, h);
  const waiting = await sip.offer({ dn: "5000" });
  await settle();
  await h.model.stop();
  assert.equal(invite.leg?.state, "terminated");
  assert.equal(agentLeg?.state, "terminated");
  assert.equal(waiting.rejected, 503);
  assert.equal(h.model.active().length, 0);
  assert.equal(h.dns.agent("1001")?.calls.length, 0);
});

test("GET /api/v1/calls and /api/v1/calls/history with filters", { timeout: 180_000 }, async (t) => {
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS });
  h.hooks.tap(routeCall, () => ({ kind: "agent", dn: "1001" }));
  const app = Fastify();
  t.after(() => app.close());
  // Mounted as the admin server mounts a plugin's root routes, with its error format (auth aside).
  installErrorFormat(app, silentLogger());
  const guard = new RequestGuard();
  await app.register(async (scope) => h.routes.forEach((route) => mountPluginRoute(scope, "calls", route, guard)), { prefix: "/api/v1" });
  const { invite } = await established(sip, h);
  const active = (await app.inject({ method: "GET", url: "/api/v1/calls" })).json<{ calls: Array<Record<string, unknown>> }>();
  assert.equal(active.calls.length, 1);
  assert.equal(active.calls[0]?.state, "Established");
  assert.equal(active.calls[0]?.agentDn, "1001");
  invite.leg?.remoteBye();
  await settle();
  const rejected = await sip.offer({ dn: "9999" });
  assert.equal(rejected.rejected, 404);
  const all = await app.inject({ method: "GET", url: "/api/v1/calls/history?outcome=answered&agentDn=1001" });
  assert.equal(all.statusCode, 200);
  const body = all.json<{ calls: Array<{ outcome: string; legs: unknown[]; queueWaitMs: number }> }>();
  assert.equal(body.calls.length, 1);
  assert.equal(body.calls[0]?.outcome, "answered");
  assert.equal(body.calls[0]?.legs.length, 2);
  const none = await app.inject({ method: "GET", url: "/api/v1/calls/history?from=2999-01-01T00:00:00Z" });
  assert.equal(none.json<{ calls: unknown[] }>().calls.length, 0);
  // The bad-filter error's format is checked through the admin server in test/core-platform/calls-api.test.ts.
  const badLimit = await app.inject({ method: "GET", url: "/api/v1/calls/history?limit=0" });
  assert.equal(badLimit.statusCode, 400);
  const badFrom = await app.inject({ method: "GET", url: "/api/v1/calls/history?from=yesterday" });
  assert.equal(badFrom.statusCode, 400);
  assert.equal(badFrom.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_CALLS_BAD_FILTER");
});

test("the sweep cancels an agent leg that rings far past its deadline (lost final response)", { timeout: 180_000 }, async (t) => {
  t.mock.timers.enable({ apis: ["Date"], now: 5_000_000 });
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS, config: { ringTimeoutMs: 10_000 } });
  h.hooks.tap(routeCall, (r) => (r.attempts.length === 0 ? { kind: "agent", dn: "1001" } : { kind: "reject", status: 480 }));
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  t.mock.timers.tick(30_000);
  assert.equal(h.model.sweep().cancelledRings, 0, "within the grace period");
  t.mock.timers.tick(30_000);
  assert.equal(h.model.sweep().cancelledRings, 1);
  await settle();
  assert.ok(sip.outbound[0]?.cancelledWith);
  assert.equal(invite.rejected, 480);
  assert.equal(h.dns.agent("1001")?.calls.length, 0);
});

test("metrics: calls by outcome, active calls by state, delivery time", { timeout: 180_000 }, async (t) => {
  const { MetricsRegistry } = await import("../../core/src/metrics/metrics-registry.js");
  const registry = new MetricsRegistry({ defaultMetrics: false });
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS, metrics: registry.core });
  h.hooks.tap(routeCall, () => ({ kind: "agent", dn: "1001" }));
  const { invite } = await established(sip, h);
  let text = await registry.render();
  assert.match(text, /tandem_calls_active\{state="Established"\} 1/);
  assert.match(text, /tandem_calls_delivery_seconds_count 1/);
  invite.leg?.remoteBye();
  await settle();
  await sip.offer({ dn: "9999" });
  text = await registry.render();
  assert.match(text, /tandem_calls_total\{outcome="answered"\} 1/);
});
