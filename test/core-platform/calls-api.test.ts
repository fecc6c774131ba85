/** The call model as the server wires it: its config section is validated, its routes sit behind the admin token. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestHost } from "@tandem/testing";

test("GET /api/v1/calls and /calls/history are served behind the admin token, in the one error format", { timeout: 180_000 }, async (t) => {
  const host = await createTestHost();
  t.after(() => host.close());
  const anonymous = await host.inject({ method: "GET", url: "/api/v1/calls", headers: { authorization: "Bearer nope" } });
  assert.equal(anonymous.statusCode, 401);
  const active = await host.inject({ method: "GET", url: "/api/v1/calls" });
  assert.equal(active.statusCode, 200);
  assert.deepEqual(active.json(), { calls: [] });
  const history = await host.inject({ method: "GET", url: "/api/v1/calls/history?outcome=answered" });
  assert.equal(history.statusCode, 200);
  const bad = await host.inject({ method: "GET", url: "/api/v1/calls/history?from=yesterday" });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_CALLS_BAD_FILTER");
  const openapi = await host.inject({ method: "GET", url: "/docs/json" });
  const paths = Object.keys(openapi.json<{ paths: Record<string, unknown> }>().paths);
  assert.ok(paths.includes("/api/v1/calls") && paths.includes("/api/v1/calls/history"), paths.join(", "));
});

test("a bad calls section is a config error naming the field", { timeout: 180_000 }, async () => {
  await assert.rejects(createTestHost({ config: { calls: { ringTimeoutMs: 5, colour: "red" } } }), (err: Error & { code?: string }) => {
    assert.equal(err.code, "TANDEM_ERR_CONFIG_INVALID");
    assert.match(err.message, /calls\.ringTimeoutMs/);
    assert.match(err.message, /calls.*colour|colour.*calls/);
    return true;
  });
});
