/**
 * Registers a real plugin on a calls harness (its registry, bus and hook host) with the real SIP stack's verbs,
 * through a minimal context: what the call-level rigs need to run a plugin next to the call model without a
 * whole server. Routes are collected so a test can call their handlers; onReady runs at once, onClose after the test.
 */
import type { TestContext } from "node:test";
import type { Extensions, PluginContext, PluginDefinition, PluginRoute } from "@tandem/sdk";
import { countingMetrics, quietLogger } from "../../support/test-stack.js";
import type { CallsHarness } from "./calls-harness.js";

export async function registerOnHarness<C>(
  t: TestContext,
  h: CallsHarness,
  sip: PluginContext["sip"],
  plugin: PluginDefinition<C>,
  config: C,
  /** Extension points shared by the plugins of one rig (absent from the context when not given). */
  extensions?: Extensions,
): Promise<PluginRoute[]> {
  const id = plugin.manifest.name;
  const routes: PluginRoute[] = [];
  const ready: Array<() => void | Promise<void>> = [];
  const close: Array<() => void | Promise<void>> = [];
  const ctx = {
    id,
    config,
    log: quietLogger({ plugin: id }),
    bus: h.bus,
    dns: h.dns,
    sip,
    hooks: h.hookHost.forPlugin(id),
    metrics: countingMetrics(),
    http: { prefix: `/api/v1/plugins/${id}`, route: (r: PluginRoute) => void routes.push(r), websocket: () => undefined },
    onReady: (fn: () => void | Promise<void>) => void ready.push(fn),
    onClose: (fn: () => void | Promise<void>) => void close.push(fn),
    ...(extensions ? { extensions } : {}),
  } as unknown as PluginContext<C>;
  await plugin.register(ctx);
  for (const fn of ready) await fn();
  t.after(async () => {
    for (const fn of close.reverse()) await fn();
  });
  return routes;
}
