/**
 * How a plugin is written: `export default definePlugin({ manifest, register(ctx) { … } })`.
 * The host checks the manifest (SDK range, dependencies, config schema) before any `register` runs.
 */
import type { PluginContext } from "./context.js";

/** A JSON Schema (draft 2020-12 subset that ajv understands). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** What the host reads before running any plugin code. */
export interface PluginManifest {
  /** Plugin id, kebab-case; also its key under `plugins` in config. */
  readonly name: string;
  /** The plugin's own version (semver). */
  readonly version: string;
  /** Semver range of the SDK the plugin was written against, e.g. `^0.1.0`. */
  readonly sdk: string;
  /** Ids of plugins that must be enabled and registered first. */
  readonly dependsOn?: readonly string[];
  /** JSON Schema for `plugins.<id>` (without `enabled`/`module`); defaults in it are applied. */
  readonly configSchema?: JsonSchema;
  /** JSON Schemas for DN options this plugin reads, by option name (merged into the `dns[]` schema). */
  readonly dnOptions?: Readonly<Record<string, JsonSchema>>;
  /**
   * Top-level admin API paths this plugin owns (e.g. `/trunks`), for resources operators address directly:
   * routes with `root: true` under them are mounted at `/api/v1<path>`. Checked at boot: a path may not clash
   * with the core's own (`/health`, `/dns`, `/agents`, `/calls`, `/events`, `/metrics`, `/plugins`) or another plugin's.
   */
  readonly apiPaths?: readonly string[];
  readonly description?: string;
}

/** A plugin: its manifest and its registration function. */
export interface PluginDefinition<C = Record<string, unknown>> {
  readonly manifest: PluginManifest;
  register(ctx: PluginContext<C>): void | Promise<void>;
}

/** Marks an object as a Tandem plugin and gives `register` a typed context. */
export function definePlugin<C = Record<string, unknown>>(definition: PluginDefinition<C>): PluginDefinition<C> {
  return Object.freeze({ ...definition, [PLUGIN_MARK]: true });
}

const PLUGIN_MARK = Symbol.for("tandem.plugin");

/** True when `value` came from {@link definePlugin} (works across copies of the SDK). */
export function isPluginDefinition(value: unknown): value is PluginDefinition<unknown> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[PLUGIN_MARK] === true;
}
