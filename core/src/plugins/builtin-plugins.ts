/**
 * The built-in plugins: the workspace packages under `plugins/` (`@tandem/plugin-<id>`). Used to publish
 * their schemas in `config.schema.json` and by the tests that need every code registered.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isPluginDefinition, type PluginDefinition } from "@tandem/sdk";
import { builtinPackageName } from "./load-plugin-module.js";

/** The repo's `plugins/` folder (same depth from `core/src/plugins` and `core/dist/plugins`). */
export const BUILTIN_PLUGINS_DIR = fileURLToPath(new URL("../../../plugins/", import.meta.url));

/** Ids of the built-in plugins, sorted. */
export function listBuiltinPluginIds(dir = BUILTIN_PLUGINS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "package.json")))
    .filter((d) => (JSON.parse(readFileSync(join(dir, d.name, "package.json"), "utf8")) as { name?: string }).name === builtinPackageName(d.name))
    .map((d) => d.name)
    .sort();
}

/** Imports every built-in plugin's definition. */
export async function loadBuiltinPlugins(): Promise<Array<PluginDefinition<unknown>>> {
  const definitions: Array<PluginDefinition<unknown>> = [];
  for (const id of listBuiltinPluginIds()) {
    const mod = (await import(builtinPackageName(id))) as { default?: unknown };
    if (isPluginDefinition(mod.default)) definitions.push(mod.default);
  }
  return definitions;
}
