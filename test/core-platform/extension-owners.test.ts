/**
 * Extension points have owners: a point's id names the plugin that owns it, and providing to a point whose
 * owner is not enabled stops the boot with TANDEM_ERR_PLUGIN_EXTENSION_OWNER.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CALL_CONTROL, MCU_ADAPTER, defineExtensionPoint, definePlugin, type ExtensionPointRef } from "@tandem/sdk";
import { createTestHost } from "@tandem/testing";

interface Sink {
  put(value: string): string;
}

const SINK = defineExtensionPoint<Sink>("widgets.sink");

const owner = definePlugin({
  manifest: { name: "widgets", version: "1.0.0", sdk: "^0.1.0" },
  register(ctx) {
    ctx.http.route({
      method: "GET",
      path: "/sinks",
      handler: () => ({ sinks: [...ctx.extensions.all(SINK).entries()].map(([name, sink]) => `${name}:${sink.put("x")}`) }),
    });
  },
});

function provider(name: string, ref: ExtensionPointRef<unknown>, implementation: unknown) {
  return definePlugin({
    manifest: { name, version: "1.0.0", sdk: "^0.1.0" },
    register(ctx) {
      ctx.extensions.provide(ref, name, implementation);
    },
  });
}

test("a point's id names its owner; an id without one is refused where it is declared", { timeout: 180_000 }, () => {
  assert.equal(SINK.owner, "widgets");
  assert.equal(MCU_ADAPTER.owner, "media");
  assert.equal(CALL_CONTROL.owner, "core");
  for (const bad of ["sink", ".sink", "Widgets.sink", "widgets.", "widgets sink.x"]) {
    assert.throws(() => defineExtensionPoint(bad), { code: "TANDEM_ERR_SDK_EXTENSION_POINT_ID" }, bad);
  }
});

test("providing to a point whose owner is enabled works, in any load order", { timeout: 180_000 }, async (t) => {
  const sink: Sink = { put: (v) => `acme(${v})` };
  const host = await createTestHost({ plugins: [provider("acme-sink", SINK, sink), owner] });
  t.after(() => host.close());
  const res = await host.inject({ method: "GET", url: "/api/v1/plugins/widgets/sinks" });
  assert.deepEqual(res.json(), { sinks: ["acme-sink:acme(x)"] });
});

test("providing to a point whose owner is not enabled stops the boot with a coded error naming both", { timeout: 180_000 }, async () => {
  await assert.rejects(createTestHost({ plugins: [provider("acme-sink", SINK, { put: () => "" })] }), (err: Error & { code?: string; pluginId?: string }) => {
    assert.equal(err.code, "TANDEM_ERR_PLUGIN_EXTENSION_OWNER");
    assert.equal(err.pluginId, "acme-sink");
    assert.match(err.message, /acme-sink.*widgets\.sink.*widgets/);
    return true;
  });
  // An owner that is installed but disabled in the config counts as absent.
  await assert.rejects(
    createTestHost({ plugins: [provider("acme-mcu", MCU_ADAPTER, {})], config: { plugins: { media: { enabled: false } } } }),
    { code: "TANDEM_ERR_PLUGIN_EXTENSION_OWNER" },
  );
});

test("the core's own points are always there to provide to", { timeout: 180_000 }, async (t) => {
  const host = await createTestHost({ plugins: [provider("other-control", CALL_CONTROL, {})] });
  t.after(() => host.close());
  assert.equal(host.events("EventError").length, 0);
});
