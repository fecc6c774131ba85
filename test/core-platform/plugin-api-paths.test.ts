/** `manifest.apiPaths` + `route.root`: plugins may own top-level admin paths, checked before any register runs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { definePlugin, type PluginDefinition } from "@tandem/sdk";
import { createTestHost } from "@tandem/testing";

function owner(name: string, apiPaths: string[], routePath: string, registered: string[] = []): PluginDefinition<never> {
  return definePlugin({
    manifest: { name, version: "1.0.0", sdk: "^0.1.0", apiPaths },
    register(ctx) {
      registered.push(name);
      ctx.http.route({ method: "GET", path: routePath, root: true, handler: () => ({ from: name }) });
    },
  }) as PluginDefinition<never>;
}

test("a root route under a declared apiPath is served at /api/v1<path>", { timeout: 180_000 }, async (t) => {
  const host = await createTestHost({ plugins: [owner("widgets", ["/widgets"], "/widgets/:id")] });
  t.after(() => host.close());
  const res = await host.inject({ method: "GET", url: "/api/v1/widgets/7" });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { from: "widgets" });
});

test("clashes with the core or another plugin are found before any register runs", { timeout: 180_000 }, async () => {
  const registered: string[] = [];
  await assert.rejects(
    createTestHost({ plugins: [owner("one", ["/agents"], "/agents", registered), owner("two", ["/x"], "/x", registered), owner("three", ["/x"], "/x", registered)] }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, "TANDEM_ERR_CONFIG_INVALID");
      assert.match(err.message, /plugin one claims the API path \/agents, which the core already serves \[TANDEM_ERR_PLUGIN_API_PATH_CLASH\]/);
      assert.match(err.message, /plugin three claims the API path \/x, which plugin two already serves/);
      return true;
    },
  );
  assert.deepEqual(registered, [], "no plugin code ran");
});

test("a root route outside the declared apiPaths fails register with a coded error", { timeout: 180_000 }, async () => {
  await assert.rejects(createTestHost({ plugins: [owner("sneaky", ["/mine"], "/dns")] }), (err: Error) => {
    assert.match(err.message, /sneaky/);
    assert.match(`${err.message} ${String((err as Error & { cause?: unknown }).cause)}`, /TANDEM_ERR_PLUGIN_ROOT_ROUTE|not under a path its manifest lists/);
    return true;
  });
});
