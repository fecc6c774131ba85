/** The admin API in-process: auth, validation errors, DNs, agents, plugins, events, metrics, docs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { auth, startHarness } from "./admin-support.js";

interface ApiError {
  error: { code: string; message: string; details: Array<Record<string, unknown>> };
}

test("every route but health needs a valid bearer token", { timeout: 180_000 }, async (t) => {
  const { admin } = startHarness(t);
  assert.deepEqual((await admin.inject({ method: "GET", url: "/api/v1/health" })).json(), { status: "ok" }, "no token: status only");
  const health = await admin.inject({ method: "GET", url: "/api/v1/health", headers: auth });
  assert.equal(health.statusCode, 200);
  const body = health.json<{ status: string; version: string; uptimeSeconds: number; counts: Record<string, number>; sip: string }>();
  assert.equal(body.status, "ok");
  assert.match(body.version, /^\d+\.\d+\.\d+/);
  assert.equal(body.sip, "up");
  assert.deepEqual(Object.keys(body.counts).sort(), ["agents", "dns", "lastSeq", "plugins"]);
  let source = 0; // each from its own address: one address would meet the failed-auth back-off (admin-limits.test.ts)
  for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: "Basic dGVzdA==" }, { authorization: "Bearer " }]) {
    for (const url of ["/api/v1/dns", "/api/v1/agents", "/api/v1/events", "/api/v1/metrics", "/api/v1/plugins"]) {
      const res = await admin.inject({ method: "GET", url, headers, remoteAddress: `10.9.0.${++source}` });
      assert.equal(res.statusCode, 401, `${url} with ${JSON.stringify(headers)}`);
      assert.equal(res.json<ApiError>().error.code, "TANDEM_ERR_API_UNAUTHORIZED");
      assert.match(String(res.headers["www-authenticate"]), /^Bearer/);
    }
  }
  const denied = await admin.inject({ method: "POST", url: "/api/v1/dns", payload: { number: "1", type: "Queue" } });
  assert.equal(denied.statusCode, 401, "auth runs before validation and the handler");
  const ok = await admin.inject({ method: "GET", url: "/api/v1/dns", headers: { authorization: "bearer another-token" } });
  assert.equal(ok.statusCode, 200);
});

test("a bad body gives 400 naming every bad field, in the one error format", { timeout: 180_000 }, async (t) => {
  const { admin } = startHarness(t);
  const res = await admin.inject({ method: "POST", url: "/api/v1/dns", headers: auth, payload: { number: "10 01", colour: "red" } });
  assert.equal(res.statusCode, 400);
  const { error } = res.json<ApiError>();
  assert.equal(error.code, "TANDEM_ERR_API_VALIDATION");
  const fields = error.details.map((d) => d.field).sort();
  // The body's shape is the route's; the number's pattern is the DN validator's, judged once the shape is right.
  assert.deepEqual(fields, ["body.colour", "body.type"]);
  assert.match(error.message, /body\.type is required/);
  const number = await admin.inject({ method: "POST", url: "/api/v1/dns", headers: auth, payload: { number: "10 01", type: "Extension" } });
  assert.equal(number.statusCode, 400);
  assert.equal(number.json<ApiError>().error.code, "TANDEM_ERR_DN_NUMBER_INVALID");
  assert.deepEqual(number.json<ApiError>().error.details.map((d) => d.field), ["body.number"]);
  const q = await admin.inject({ method: "GET", url: "/api/v1/events?after=-1", headers: auth });
  assert.equal(q.statusCode, 400);
  assert.equal(q.json<ApiError>().error.details[0]?.field, "query.after");
  const bad = await admin.inject({ method: "POST", url: "/api/v1/dns", headers: { ...auth, "content-type": "application/json" }, payload: "{oops" });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json<ApiError>().error.code, "TANDEM_ERR_API_BAD_REQUEST");
  const missing = await admin.inject({ method: "GET", url: "/api/v1/nothing-here", headers: auth });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json<ApiError>().error.code, "TANDEM_ERR_API_NOT_FOUND");
  const option = await admin.inject({ method: "POST", url: "/api/v1/dns", headers: auth, payload: { number: "1001", type: "Extension", options: { transport: "sctp" } } });
  assert.equal(option.statusCode, 400);
  assert.equal(option.json<ApiError>().error.code, "TANDEM_ERR_DN_OPTION_INVALID");
  assert.deepEqual(option.json<ApiError>().error.details.map((d) => d.field), ["body.options.transport"]);
});

test("DN create, read, list by type, replace, delete; config DNs are read-only", { timeout: 180_000 }, async (t) => {
  const { admin, core } = startHarness(t);
  core.registry.syncFromConfig([{ number: "cucm", type: "VoipService", options: { contact: "sip:127.0.0.1:5070" } }]);
  const created = await admin.inject({ method: "POST", url: "/api/v1/dns", headers: auth, payload: { number: "1001", type: "Extension", options: { description: "desk 1" } } });
  assert.equal(created.statusCode, 201);
  assert.deepEqual(
    (({ number, type, options, origin }) => ({ number, type, options, origin }))(created.json<Record<string, unknown>>()),
    { number: "1001", type: "Extension", options: { description: "desk 1" }, origin: "api" },
  );
  const dup = await admin.inject({ method: "POST", url: "/api/v1/dns", headers: auth, payload: { number: "1001", type: "Extension" } });
  assert.equal(dup.statusCode, 409);
  assert.equal(dup.json<ApiError>().error.code, "TANDEM_ERR_DN_EXISTS");
  const put = await admin.inject({ method: "PUT", url: "/api/v1/dns/q1", headers: auth, payload: { type: "Queue", options: { description: "sales" } } });
  assert.equal(put.statusCode, 200);
  const list = await admin.inject({ method: "GET", url: "/api/v1/dns?type=Queue&type=VoipService", headers: auth });
  assert.deepEqual(list.json<Array<{ number: string }>>().map((d) => d.number), ["cucm", "q1"]);
  const all = await admin.inject({ method: "GET", url: "/api/v1/dns", headers: auth });
  assert.equal(all.json<unknown[]>().length, 3);
  const one = await admin.inject({ method: "GET", url: "/api/v1/dns/cucm", headers: auth });
  assert.deepEqual(one.json<{ options: unknown }>().options, { contact: "sip:127.0.0.1:5070" });
  const ro = await admin.inject({ method: "DELETE", url: "/api/v1/dns/cucm", headers: auth });
  assert.equal(ro.statusCode, 409);
  assert.equal(ro.json<ApiError>().error.code, "TANDEM_ERR_DN_CONFIG_MANAGED");
  const del = await admin.inject({ method: "DELETE", url: "/api/v1/dns/1001", headers: auth });
  assert.equal(del.statusCode, 204);
  const gone = await admin.inject({ method: "GET", url: "/api/v1/dns/1001", headers: auth });
  assert.equal(gone.statusCode, 404);
  assert.equal(gone.json<ApiError>().error.code, "TANDEM_ERR_DN_NOT_FOUND");
});

test("agents: list, get, admin requests through the arbiter (409 on priority, force overrides)", { timeout: 180_000 }, async (t) => {
  const { admin, core } = startHarness(t);
  core.registry.upsert({ number: "1001", type: "Extension" });
  core.registry.upsert({ number: "q1", type: "Queue" });
  const list = await admin.inject({ method: "GET", url: "/api/v1/agents", headers: auth });
  assert.deepEqual(list.json<Array<{ dn: string; state: string }>>().map((a) => [a.dn, a.state]), [["1001", "LoggedOut"]]);
  const login = await admin.inject({ method: "POST", url: "/api/v1/agents/1001/state", headers: auth, payload: { request: "Login", referenceId: "r-7" } });
  assert.equal(login.statusCode, 200);
  const result = login.json<{ applied: boolean; snapshot: { state: string }; events: Array<{ name: string; source: string; referenceId: string }> }>();
  assert.equal(result.applied, true);
  assert.equal(result.snapshot.state, "NotReady");
  assert.deepEqual(result.events.map((e) => [e.name, e.source, e.referenceId]), [
    ["EventAgentLogin", "admin", "r-7"],
    ["EventAgentNotReady", "admin", "r-7"],
  ]);
  core.registry.requestAgentState({ dn: "1001", request: "NotReady", source: "presence", reasonCode: "OnPhone" });
  const refused = await admin.inject({ method: "POST", url: "/api/v1/agents/1001/state", headers: auth, payload: { request: "Ready" } });
  assert.equal(refused.statusCode, 409);
  const err = refused.json<ApiError>().error;
  assert.equal(err.code, "TANDEM_ERR_AGENT_PRIORITY");
  assert.equal((err.details[0]?.snapshot as { reasonCode: string }).reasonCode, "OnPhone");
  const forced = await admin.inject({ method: "POST", url: "/api/v1/agents/1001/state", headers: auth, payload: { request: "Ready", force: true } });
  assert.equal(forced.statusCode, 200);
  const get = await admin.inject({ method: "GET", url: "/api/v1/agents/1001", headers: auth });
  const snap = get.json<{ dn: string; state: string; since: string; setBy: string }>();
  assert.equal(snap.state, "Ready");
  assert.equal(snap.setBy, "admin");
  assert.ok(!Number.isNaN(Date.parse(snap.since)));
  assert.equal((await admin.inject({ method: "GET", url: "/api/v1/agents/q1", headers: auth })).statusCode, 409);
  assert.equal((await admin.inject({ method: "GET", url: "/api/v1/agents/404", headers: auth })).statusCode, 404);
  const badReq = await admin.inject({ method: "POST", url: "/api/v1/agents/1001/state", headers: auth, payload: { request: "Dance" } });
  assert.equal(badReq.statusCode, 400);
  assert.equal(badReq.json<ApiError>().error.details[0]?.field, "body.request");
});

test("plugins, events pages, metrics text", { timeout: 180_000 }, async (t) => {
  const { admin, core } = startHarness(t);
  const plugins = await admin.inject({ method: "GET", url: "/api/v1/plugins", headers: auth });
  assert.deepEqual(plugins.json(), [{ id: "example", version: "1.2.3", status: "ready", description: "example plugin" }]);
  for (let i = 1; i <= 5; i++) core.bus.emit("EventUserEvent", { dn: "1001", data: { i, nested: { ok: true } } });
  const page = await admin.inject({ method: "GET", url: "/api/v1/events?after=2&limit=2", headers: auth });
  const body = page.json<{ events: Array<{ seq: number; data: unknown; dn: string }>; next: number; lastSeq: number }>();
  assert.deepEqual(body.events.map((e) => e.seq), [3, 4]);
  assert.deepEqual(body.events[0]?.data, { i: 3, nested: { ok: true } });
  assert.equal(body.next, 4);
  assert.equal(body.lastSeq, 5);
  const metrics = await admin.inject({ method: "GET", url: "/api/v1/metrics", headers: auth });
  assert.equal(metrics.statusCode, 200);
  assert.match(String(metrics.headers["content-type"]), /^text\/plain/);
  assert.match(metrics.body, /^tandem_test_total 1$/m);
  assert.match(metrics.body, /^tandem_events_last_seq 5$/m);
  assert.match(metrics.body, /^tandem_event_log_pending \d+$/m);
  assert.match(metrics.body, /^tandem_event_log_failed_batches 0$/m);
  core.registry.upsert({ number: "1001", type: "Extension" });
  const again = await admin.inject({ method: "GET", url: "/api/v1/metrics", headers: auth });
  assert.match(again.body, /^tandem_agents\{state="LoggedOut"\} 1$/m);
  assert.match(again.body, /^tandem_dns\{type="Extension"\} 1$/m);
});

test("/docs serves Swagger UI and the OpenAPI document lists the routes with bearer security", { timeout: 180_000 }, async (t) => {
  const { admin } = startHarness(t);
  const ui = await admin.inject({ method: "GET", url: "/docs" });
  assert.equal(ui.statusCode, 200);
  assert.match(String(ui.headers["content-type"]), /text\/html/);
  assert.match(ui.body, /swagger-ui/i);
  // Every script and stylesheet the page names is served (the UI really loads, not just its HTML).
  const assets = [...ui.body.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? "");
  assert.ok(assets.some((a) => a.endsWith("swagger-ui-bundle.js")), `bundle referenced: ${assets.join(", ")}`);
  for (const asset of assets) {
    const url = new URL(asset, "http://127.0.0.1/docs").pathname; // as a browser resolves it from /docs
    const res = await admin.inject({ method: "GET", url });
    assert.equal(res.statusCode, 200, url);
  }
  const doc = await admin.inject({ method: "GET", url: "/docs/json" });
  const openapi = doc.json<{ openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>>; components: unknown }>();
  assert.match(openapi.openapi, /^3\./);
  for (const path of [
    "/api/v1/health",
    "/api/v1/dns",
    "/api/v1/dns/{number}",
    "/api/v1/agents",
    "/api/v1/agents/{dn}",
    "/api/v1/agents/{dn}/state",
    "/api/v1/plugins",
    "/api/v1/events",
    "/api/v1/events/stream",
    "/api/v1/metrics",
  ]) {
    assert.ok(openapi.paths[path], `${path} is documented`);
  }
  assert.deepEqual(openapi.paths["/api/v1/health"]?.get?.security, []);
  assert.ok(openapi.paths["/api/v1/dns"]?.post, "POST /dns documented");
});
