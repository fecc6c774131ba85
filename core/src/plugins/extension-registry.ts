/** Implementations of extension points, by point id and implementation name (after Backstage). */
import type { ExtensionPointRef, Extensions } from "@tandem/sdk";
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
}
