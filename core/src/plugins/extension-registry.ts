/**
 * Implementations of extension points, by point id and implementation name (after Backstage). A plugin
 * provides through its own view ({@link ExtensionRegistry.forPlugin}), which refuses a point whose owner is
 * not enabled: the implementation would never be selected, and a boot that goes on hides the mistake.
 */
import { CORE_EXTENSION_OWNER, type ExtensionPointRef, type Extensions } from "@tandem/sdk";
import { PluginErrors } from "./errors.js";

export class ExtensionRegistry implements Extensions {
  private readonly points = new Map<string, Map<string, unknown>>();

  provide<T>(ref: ExtensionPointRef<T>, name: string, implementation: T): void {
    let point = this.points.get(ref.id);
    if (!point) {
      point = new Map();
      this.points.set(ref.id, point);
    }
    if (point.has(name)) throw PluginErrors.extensionDuplicate(ref.id, name);
    point.set(name, implementation);
  }

  all<T>(ref: ExtensionPointRef<T>): ReadonlyMap<string, T> {
    return new Map(this.points.get(ref.id) as Map<string, T> | undefined);
  }

  get<T>(ref: ExtensionPointRef<T>, name: string): T | undefined {
    return this.points.get(ref.id)?.get(name) as T | undefined;
  }

  /** The registry as plugin `pluginId` sees it, with `enabled` the ids of the plugins this boot runs. */
  forPlugin(pluginId: string, enabled: readonly string[]): Extensions {
    const owners = new Set([CORE_EXTENSION_OWNER, ...enabled]);
    return {
      provide: (ref, name, implementation) => {
        if (!owners.has(ref.owner)) throw Object.assign(PluginErrors.extensionOwner(pluginId, ref.id, ref.owner), { pluginId });
        this.provide(ref, name, implementation);
      },
      all: (ref) => this.all(ref),
      get: (ref, name) => this.get(ref, name),
    };
  }
}
