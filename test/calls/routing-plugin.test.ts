/** The routing plugin as the host loads it: config validated, `routeCall` tapped, the queue API served. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { routeCall, type RouteDecision, type RouteRequest } from "@tandem/sdk";
import { createTestHost } from "@tandem/testing";
import routing from "../../plugins/routing/src/index.js";

function request(connId: string, signal = new AbortController().signal): RouteRequest & { reserved: string[] } {
  const reserved: string[] = [];
  return {
    connId,
    routingPoint: "5000",
    dnis: "5000",
    userData: {},
    signal,
    attempts: [],
    reserved,
    reserve: (dn) => (reserved.push(dn), true),
    unreserve: () => undefined,
    report: () => undefined,
  };
}

test("the plugin answers routeCall for its Routing Points and serves /queues", { timeout: 180_000 }, async (t) => {
  const host = await createTestHost({
    plugins: [routing as never],
    dns: [
      { number: "5000", type: "RoutingPoint", options: { queues: ["sales"] } },
      { number: "1001", type: "Extension" },
    ],
    config: { plugins: { routing: { enabled: true, queues: { sales: { agents: ["1001"] } } } } },
  });
  t.after(() => host.close());
  assert.equal(host.hooks.count(routeCall), 1);
  host.dns.requestAgentState({ dn: "1001", request: "Login", source: "desktop", workMode: "AutoIn" });
  const first = request("c1");
  const decision = await host.hooks.call(routeCall, first);
  assert.deepEqual(decision, { kind: "agent", dn: "1001" });
  assert.deepEqual(first.reserved, ["1001"]);
  // 1001 is still Ready in the registry (nobody attached the call): a second call for an unknown RP is not ours.
  const other = { ...request("c2"), routingPoint: "5999" };
  assert.equal(await host.hooks.call(routeCall, other), null);
  const abort = new AbortController();
  host.dns.requestAgentState({ dn: "1001", request: "NotReady", source: "desktop" });
  const waiting = host.hooks.call(routeCall, request("c3", abort.signal));
  await new Promise((r) => setImmediate(r));
  const res = await host.inject({ method: "GET", url: "/api/v1/plugins/routing/queues" });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json<{ queues: unknown[] }>().queues, [{ name: "sales", waiting: 1, readyAgents: 0, oldestWaitMs: res.json<{ queues: Array<{ oldestWaitMs: number }> }>().queues[0]?.oldestWaitMs }]);
  const metrics = await host.inject({ method: "GET", url: "/api/v1/metrics" });
  assert.match(metrics.body, /tandem_routing_queue_waiting\{queue="sales"\} 1/);
  assert.match(metrics.body, /tandem_routing_queue_ready_agents\{queue="sales"\} 0/);
  abort.abort();
  assert.equal(await waiting, null as RouteDecision | null);
});

test("a bad plugin config is refused before the plugin runs", { timeout: 180_000 }, async () => {
  await assert.rejects(
    createTestHost({
      plugins: [routing as never],
      config: { plugins: { routing: { enabled: true, queues: { sales: { agents: "1001" } } } } },
    }),
    /queues|agents|CONFIG/i,
  );
});
