/**
 * Builds the narrow context one plugin receives. It holds facades scoped to the plugin (logger, metrics,
 * storage, http, hooks) and never the container or the database handle.
 */
import type Database from "better-sqlite3";
import type { DnRegistry, EventBus, HostInfo, Logger, Metrics, PluginContext, SipVerbs } from "@tandem/sdk";
import { SqlitePluginStorage } from "../storage/plugin-storage.js";
import type { ExtensionRegistry } from "./extension-registry.js";
import type { HookHost } from "./hook-host.js";
import { PluginHttpFacade, type PluginRouteSink } from "./plugin-http.js";

/** What the host shares with every plugin context. */
export interface PluginHostDeps {
  readonly db: Database.Database;
  readonly logger: Logger;
  readonly bus: EventBus;
  readonly dns: DnRegistry;
  readonly sip: SipVerbs;
  readonly metrics: { forPlugin(id: string): Metrics };
  readonly routes: PluginRouteSink;
  readonly hooks: HookHost;
  readonly extensions: ExtensionRegistry;
  readonly coreVersion: string;
}

/** Callbacks a plugin left with `onReady` / `onClose`. */
export interface PluginLifecycle {
  readonly ready: Array<() => void | Promise<void>>;
  readonly close: Array<() => void | Promise<void>>;
}

/** The bus as a plugin sees it: events it emits carry its id as `source` unless it names another. */
function pluginBus(bus: EventBus, id: string): EventBus {
  return {
    emit: (name, input) => bus.emit(name, { source: id, ...input }),
    on: (name, listener) => bus.on(name, listener),
    since: (after, limit) => bus.since(after, limit),
    lastSeq: () => bus.lastSeq(),
    ...(bus.afterCommit ? { afterCommit: bus.afterCommit.bind(bus) } : {}),
  };
}

export function createPluginContext(
  deps: PluginHostDeps,
  id: string,
  config: Record<string, unknown>,
  host: HostInfo,
  lifecycle: PluginLifecycle,
  onLateReady: (fn: () => void | Promise<void>) => void,
  manifestApiPaths: readonly string[] = [],
): { context: PluginContext<Record<string, unknown>>; http: PluginHttpFacade } {
  const http = new PluginHttpFacade(id, deps.routes, manifestApiPaths);
  const context: PluginContext<Record<string, unknown>> = Object.freeze({
    id,
    config,
    log: deps.logger.child({ plugin: id }),
    bus: pluginBus(deps.bus, id),
    dns: deps.dns,
    sip: deps.sip,
    storage: new SqlitePluginStorage(deps.db, id),
    http,
    hooks: deps.hooks.forPlugin(id),
    metrics: deps.metrics.forPlugin(id),
    extensions: deps.extensions.forPlugin(id, host.plugins),
    host,
    onReady: (fn: () => void | Promise<void>) => {
      lifecycle.ready.push(fn);
      onLateReady(fn);
    },
    onClose: (fn: () => void | Promise<void>) => {
      lifecycle.close.push(fn);
    },
  });
  return { context, http };
}
