/**
 * Runs the checked plugins: `register` in dependency order (a throwing one is named), `onReady` once all
 * are registered and the listeners are up, `onClose` in reverse order at shutdown (errors logged, shutdown
 * continues).
 */
import { SDK_VERSION, type PluginDefinition } from "@tandem/sdk";
import { PluginErrors } from "./errors.js";
import { createPluginContext, type PluginHostDeps, type PluginLifecycle } from "./plugin-context.js";

/** A plugin that passed the boot checks, with its validated config (without `enabled`/`module`). */
export interface CheckedPlugin {
  readonly id: string;
  readonly definition: PluginDefinition<unknown>;
  readonly config: Record<string, unknown>;
}

export type PluginState = "registered" | "ready" | "failed" | "closed";

/** What `GET /api/v1/plugins` shows. */
export interface PluginStatus {
  id: string;
  version: string;
  status: PluginState;
  description?: string;
}

interface Running extends CheckedPlugin {
  state: PluginState | "pending";
  readonly lifecycle: PluginLifecycle;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class PluginHost {
  private readonly plugins: Running[];
  private isReady = false;

  /** @param plugins in load order (dependencies first) */
  constructor(
    private readonly deps: PluginHostDeps,
    plugins: readonly CheckedPlugin[],
  ) {
    this.plugins = plugins.map((p) => ({ ...p, state: "pending", lifecycle: { ready: [], close: [] } }));
  }

  /** Ids in load order. */
  get ids(): string[] {
    return this.plugins.map((p) => p.id);
  }

  /** Calls each `register` in order; the first that throws stops the boot with its id in the error. */
  async registerAll(): Promise<void> {
    const host = Object.freeze({ sdkVersion: SDK_VERSION, coreVersion: this.deps.coreVersion, plugins: Object.freeze(this.ids) });
    for (const plugin of this.plugins) {
      const late = (fn: () => void | Promise<void>): void => {
        if (this.isReady) void this.runLate(plugin, fn);
      };
      const { context, http } = createPluginContext(
        this.deps, plugin.id, plugin.config, host, plugin.lifecycle, late, plugin.definition.manifest.apiPaths ?? [],
      );
      try {
        await plugin.definition.register(context as never);
        plugin.state = "registered";
      } catch (err) {
        plugin.state = "failed";
        // The host's own refusal already names the plugin and says what to fix: it stops the boot as it is.
        if (PluginErrors.extensionOwner.is(err)) throw err;
        throw Object.assign(PluginErrors.register(plugin.id, reason(err)), { cause: err, pluginId: plugin.id });
      } finally {
        http.seal();
      }
      this.deps.logger.info({ plugin: plugin.id, version: plugin.definition.manifest.version }, "plugin registered");
    }
  }

  /** Runs the `onReady` callbacks, plugins in load order. */
  async ready(): Promise<void> {
    for (const plugin of this.plugins) {
      if (plugin.state !== "registered") continue;
      try {
        for (const fn of plugin.lifecycle.ready) await fn();
        plugin.state = "ready";
      } catch (err) {
        plugin.state = "failed";
        throw Object.assign(PluginErrors.ready(plugin.id, reason(err)), { cause: err, pluginId: plugin.id });
      }
    }
    this.isReady = true;
  }

  /** Runs `onClose` callbacks in reverse load order (each plugin's own in reverse too), also of a plugin whose register threw; never throws. */
  async close(): Promise<void> {
    for (const plugin of [...this.plugins].reverse()) {
      if (plugin.state === "pending" || plugin.state === "closed") continue;
      for (const fn of [...plugin.lifecycle.close].reverse()) {
        try {
          await fn();
        } catch (err) {
          this.deps.logger.error({ plugin: plugin.id, err }, "plugin onClose failed; shutdown continues");
        }
      }
      // A plugin that failed keeps saying so; its onClose still ran to release what it set up.
      if (plugin.state !== "failed") plugin.state = "closed";
    }
  }

  statuses(): PluginStatus[] {
    return this.plugins.map((p) => ({
      id: p.id,
      version: p.definition.manifest.version,
      status: p.state === "pending" ? "failed" : p.state,
      ...(p.definition.manifest.description ? { description: p.definition.manifest.description } : {}),
    }));
  }

  /** `onReady` registered after the host is ready (e.g. from a later async step) runs at once. */
  private async runLate(plugin: Running, fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.deps.logger.error({ plugin: plugin.id, err }, "plugin onReady failed");
    }
  }
}
