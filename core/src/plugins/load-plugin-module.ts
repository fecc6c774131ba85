/**
 * Loads one plugin's definition: a built-in plugin by id (`@tandem/plugin-<id>`), or a third-party plugin
 * from `plugins.<id>.module` (npm package name, resolved from the config file's folder, or a path).
 * Importing runs only the module's top level; no `register` runs here.
 */
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isPluginDefinition, type PluginDefinition } from "@tandem/sdk";
import type { BootProblem } from "../config/problems.js";
import { isPathSpecifier } from "../config/resolve-paths.js";
import { PluginErrors } from "./errors.js";

export type LoadOutcome =
  | { readonly ok: true; readonly definition: PluginDefinition<unknown> }
  | { readonly ok: false; readonly problem: BootProblem };

/** The package a built-in plugin lives in. */
export function builtinPackageName(id: string): string {
  return `@tandem/plugin-${id}`;
}

/** A file URL for paths and packages found from `dir`; the bare name otherwise (resolved from the core). */
function resolveSpecifier(spec: string, dir: string): string {
  const require = createRequire(join(dir, "noop.js"));
  const target = isPathSpecifier(spec) ? resolve(dir, spec) : spec;
  try {
    return pathToFileURL(require.resolve(target)).href;
  } catch (err) {
    if (isPathSpecifier(spec)) throw err;
    // ESM-only packages (exports without a "require"/"default" condition) resolve only through import().
    return spec;
  }
}

function notFound(id: string, spec: string, path: string, reason: string): LoadOutcome {
  const e = PluginErrors.notFound(id, spec, reason);
  return { ok: false, problem: { code: e.code, path, message: e.message, expected: "a loadable plugin module", found: JSON.stringify(spec) } };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message.split("\n")[0] ?? err.message : String(err);
}

export async function loadPluginModule(id: string, module: string | undefined, configDir: string): Promise<LoadOutcome> {
  const spec = module ?? builtinPackageName(id);
  const path = `plugins.${id}${module === undefined ? "" : ".module"}`;
  let target: string;
  try {
    target = module === undefined ? spec : resolveSpecifier(spec, configDir);
  } catch (err) {
    return notFound(id, spec, path, message(err));
  }
  let imported: { default?: unknown };
  try {
    imported = (await import(target)) as { default?: unknown };
  } catch (err) {
    // A missing package is "not found"; a module that exists but throws while loading is an import failure.
    const code = (err as { code?: string }).code;
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message(err).includes(spec)) {
      return notFound(id, spec, path, module === undefined ? `no built-in plugin has this id; set plugins.${id}.module for a third-party plugin` : message(err));
    }
    const e = PluginErrors.importFailed(id, spec, message(err));
    return { ok: false, problem: { code: e.code, path, message: e.message } };
  }
  if (!isPluginDefinition(imported.default)) {
    const e = PluginErrors.notAPlugin(id, spec);
    return { ok: false, problem: { code: e.code, path, message: e.message, expected: "export default definePlugin({...})", found: typeof imported.default } };
  }
  return { ok: true, definition: imported.default };
}
