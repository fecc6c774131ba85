/**
 * The narrow context a plugin receives in `register`. It never exposes the container, sockets or the
 * database handle: everything goes through these typed facades, scoped to the plugin.
 */
import type { DnRegistry } from "./dns.js";
import type { EventBus } from "./events.js";
import type { Extensions } from "./extension-points.js";
import type { Hooks } from "./hooks.js";
import type { PluginHttp } from "./http.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import type { SipVerbs } from "./sip.js";
import type { PluginStorage } from "./storage.js";

/** Facts about the running host. */
export interface HostInfo {
  readonly sdkVersion: string;
  readonly coreVersion: string;
  /** Ids of the plugins enabled in this run, in load order. */
  readonly plugins: readonly string[];
}

/** Everything a plugin may use. `C` is the type of its validated config. */
export interface PluginContext<C = Record<string, unknown>> {
  /** The plugin id (its key under `plugins` in config). */
  readonly id: string;
  /** `plugins.<id>` from config, validated against the manifest's schema, defaults applied (without `enabled`/`module`). */
  readonly config: C;
  readonly log: Logger;
  readonly bus: EventBus;
  readonly dns: DnRegistry;
  readonly sip: SipVerbs;
  readonly storage: PluginStorage;
  readonly http: PluginHttp;
  readonly hooks: Hooks;
  readonly metrics: Metrics;
  readonly extensions: Extensions;
  readonly host: HostInfo;
  /** Runs once every plugin has registered and the SIP and HTTP listeners are up. */
  onReady(fn: () => void | Promise<void>): void;
  /** Runs at shutdown, plugins in reverse load order. */
  onClose(fn: () => void | Promise<void>): void;
}
