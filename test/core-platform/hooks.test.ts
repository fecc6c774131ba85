/** Hook kinds (first, sequential, parallel), `order`, error wrapping, and extension points. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { defineExtensionPoint, defineHook } from "@tandem/sdk";
import { ExtensionRegistry } from "../../core/src/plugins/extension-registry.js";
import { HookHost } from "../../core/src/plugins/hook-host.js";

test("first: handlers run by order until one answers; null when nobody does", { timeout: 180_000 }, async () => {
  const host = new HookHost();
  const pick = defineHook<[string], string>("pickAgent", "first");
  const calls: string[] = [];
  const a = host.forPlugin("a");
  const b = host.forPlugin("b");
  a.tap(pick, (_q: string) => { calls.push("a"); return undefined; });
  b.tap(pick, (q) => { calls.push("b"); return `agent-for-${q}`; }, { order: -1 });
  a.tap(pick, (_q: string) => { calls.push("late"); return "never"; }, { order: 5 });
  assert.equal(await a.call(pick, "sales"), "agent-for-sales");
  assert.deepEqual(calls, ["b"]);
  assert.equal(a.count(pick as never), 3);
  assert.equal(await host.forPlugin("x").call(defineHook<[], string>("nobody", "first")), null);
});

test("sequential: each handler edits the value in turn; untouched value is returned as given", { timeout: 180_000 }, async () => {
  const host = new HookHost();
  const decorate = defineHook<[string[], string], string[]>("decorateHeaders", "sequential");
  const h = host.forPlugin("p");
  assert.deepEqual(await h.call(decorate, ["a"], "x"), ["a"]);
  h.tap(decorate, (value, extra) => [...value, `1${extra}`]);
  h.tap(decorate, (_value: string[], _extra: string) => null);
  h.tap(decorate, (value, _extra) => [...value, "0"], { order: -1 });
  assert.deepEqual(await h.call(decorate, ["a"], "x"), ["a", "0", "1x"]);
});

test("parallel: every handler runs at once; result is null", { timeout: 180_000 }, async () => {
  const host = new HookHost();
  const notify = defineHook<[number], void>("onTick", "parallel");
  const seen: number[] = [];
  const h = host.forPlugin("p");
  h.tap(notify, async (n) => { await new Promise((r) => setTimeout(r, 5)); seen.push(n); });
  h.tap(notify, (n) => { seen.push(n * 10); });
  assert.equal(await h.call(notify, 2), null);
  assert.deepEqual(seen.sort(), [2, 20]);
});

test("a handler's error names the plugin and the hook; unsubscribe removes the tap", { timeout: 180_000 }, async () => {
  const host = new HookHost();
  const route = defineHook<[string], string>("routeCall", "first");
  const off = host.forPlugin("router-x").tap(route, (_dn: string) => { throw new Error("no strategy"); });
  await assert.rejects(host.forPlugin("core").call(route, "5000"), (err: Error & { code: string; pluginId: string; hook: string }) => {
    assert.equal(err.code, "TANDEM_ERR_PLUGIN_HOOK");
    assert.equal(err.message, "plugin router-x failed in hook routeCall: no strategy");
    assert.equal(err.pluginId, "router-x");
    return true;
  });
  off();
  assert.equal(await host.forPlugin("core").call(route, "5000"), null);
});

test("a hook name used with two kinds is refused", { timeout: 180_000 }, () => {
  const host = new HookHost();
  host.forPlugin("a").tap(defineHook<[], string>("selectTrunk", "first"), () => "t");
  assert.throws(() => host.forPlugin("b").tap(defineHook<[], string>("selectTrunk", "parallel"), () => "t"), { code: "TANDEM_ERR_SDK_HOOK_KIND" });
});

test("extension points: provide, find, refuse a duplicate name", { timeout: 180_000 }, () => {
  const registry = new ExtensionRegistry();
  const mcu = defineExtensionPoint<{ mix(): string }>("conference.mcu");
  registry.provide(mcu, "acme", { mix: () => "acme" });
  assert.equal(registry.get(mcu, "acme")?.mix(), "acme");
  assert.deepEqual([...registry.all(mcu).keys()], ["acme"]);
  assert.throws(() => registry.provide(mcu, "acme", { mix: () => "again" }), { code: "TANDEM_ERR_PLUGIN_EXTENSION_DUPLICATE" });
});
