/**
 * Registers real plugins (routing, presence) on a calls harness through the core's own plugin-context
 * factory, as the plugin host would, and runs their onReady / onClose.
 */
import type { PluginDefinition, SipVerbs } from "@tandem/sdk";
import { createPluginContext, type PluginLifecycle } from "../../../core/src/plugins/plugin-context.js";
import { ExtensionRegistry } from "../../../core/src/plugins/extension-registry.js";
import { MetricsRegistry } from "../../../core/src/metrics/metrics-registry.js";
import { silentLogger } from "../../../core/src/logging.js";
import type { CallsHarness } from "./calls-harness.js";

export interface PluginRig {
  ready(): Promise<void>;
  close(): Promise<void>;
}

export async function registerPlugins(
  h: CallsHarness,
  sip: SipVerbs,
  plugins: Array<{ id: string; plugin: PluginDefinition<never>; config: Record<string, unknown> }>,
): Promise<PluginRig> {
  const metrics = new MetricsRegistry({ defaultMetrics: false });
  const lifecycles: PluginLifecycle[] = [];
  const deps = {
    db: h.db,
    logger: silentLogger(),
    bus: h.bus,
    dns: h.dns,
    sip,
    metrics,
    routes: { addPluginRoute: () => undefined, addPluginWebSocket: () => undefined },
    hooks: h.hookHost,
    extensions: new ExtensionRegistry(),
    coreVersion: "0.1.0",
  };
  const host = { sdkVersion: "0.1.0", coreVersion: "0.1.0", plugins: plugins.map((p) => p.id) };
  for (const { id, plugin, config } of plugins) {
    const lifecycle: PluginLifecycle = { ready: [], close: [] };
    lifecycles.push(lifecycle);
    const { context } = createPluginContext(deps, id, config, host, lifecycle, () => undefined);
    await (plugin as PluginDefinition<Record<string, unknown>>).register(context);
  }
  return {
    async ready() {
      for (const l of lifecycles) for (const fn of l.ready) await fn();
    },
    async close() {
      for (const l of [...lifecycles].reverse()) for (const fn of l.close) await fn();
    },
  };
}
