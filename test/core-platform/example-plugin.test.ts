/** The example plugin through the SDK's test host: logins counted in its own table, served over HTTP. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestHost } from "@tandem/testing";
import examplePlugin from "@tandem/plugin-example";

test("counts EventAgentLogin per DN and serves GET /api/v1/plugins/example/logins", { timeout: 180_000 }, async (t) => {
  const host = await createTestHost({
    plugins: [examplePlugin],
    dns: [
      { number: "1001", type: "Extension" },
      { number: "1002", type: "Extension" },
    ],
  });
  t.after(() => host.close());
  const login = host.waitForEvent("EventAgentLogin", (e) => e.dn === "1002");
  for (const dn of ["1001", "1002"]) host.dns.requestAgentState({ dn, request: "Login", source: "desktop" });
  host.dns.requestAgentState({ dn: "1001", request: "Logout", source: "desktop" });
  host.dns.requestAgentState({ dn: "1001", request: "Login", source: "desktop" });
  assert.equal((await login).dn, "1002");
  assert.equal(host.events("EventAgentLogin").length, 3);

  const res = await host.inject({ method: "GET", url: "/api/v1/plugins/example/logins" });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { logins: [{ dn: "1001", count: 2 }, { dn: "1002", count: 1 }] });

  const anonymous = await host.inject({ method: "GET", url: "/api/v1/plugins/example/logins", headers: { authorization: "" } });
  assert.equal(anonymous.statusCode, 401);
});

test("the plugin's config schema applies defaults and refuses unknown keys", { timeout: 180_000 }, async () => {
  await assert.rejects(
    createTestHost({ plugins: [examplePlugin], config: { plugins: { example: { enabled: true, evnt: "EventAgentReady" } } } }),
    (err: Error & { details: Array<{ path: string }> }) => {
      assert.deepEqual(err.details.map((d) => d.path), ["plugins.example.evnt"]);
      return true;
    },
  );
  const host = await createTestHost({
    plugins: [examplePlugin],
    config: { plugins: { example: { enabled: true, event: "EventAgentReady" } } },
    dns: [{ number: "1001", type: "Extension" }],
  });
  host.dns.requestAgentState({ dn: "1001", request: "Login", source: "desktop" });
  host.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
  const res = await host.inject({ method: "GET", url: "/api/v1/plugins/example/logins" });
  assert.deepEqual(res.json(), { logins: [{ dn: "1001", count: 1 }] });
  await host.close();
});
