/**
 * Validates a raw config object against the composed schema (ajv: allErrors, useDefaults, formats;
 * unknown keys are errors) and returns every problem at once.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { PluginManifest } from "@tandem/sdk";
import { buildConfigSchema } from "./build-schema.js";
import { ConfigErrors } from "./errors.js";
import { formatAjvErrors } from "./format-errors.js";
import type { BootProblem } from "./problems.js";
import { resolveConfigPaths } from "./resolve-paths.js";
import type { TandemConfig } from "./types.js";

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export interface ValidationResult {
  /** The config with defaults applied and paths resolved; only meaningful when `problems` is empty. */
  readonly config: TandemConfig;
  readonly problems: BootProblem[];
}

function duplicateDns(config: { dns?: unknown }): BootProblem[] {
  if (!Array.isArray(config.dns)) return [];
  const firstAt = new Map<string, number>();
  const problems: BootProblem[] = [];
  config.dns.forEach((entry: unknown, index) => {
    const number = (entry as { number?: unknown } | null)?.number;
    if (typeof number !== "string") return;
    const first = firstAt.get(number);
    if (first === undefined) {
      firstAt.set(number, index);
      return;
    }
    const err = ConfigErrors.duplicateDn(`dns[${index}].number`, number, `dns[${first}]`);
    problems.push({ code: err.code, path: `dns[${index}].number`, message: err.message, expected: "a unique number", found: JSON.stringify(number) });
  });
  return problems;
}

/**
 * Validates `raw` (left untouched) with the schema for these plugin manifests.
 * @param dir folder that relative paths are resolved against (the config file's folder)
 */
export function validateConfig(raw: unknown, manifests: readonly PluginManifest[], dir: string): ValidationResult {
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false, verbose: true });
  addFormats(ajv);
  const validate = ajv.compile(buildConfigSchema(manifests));
  const data = structuredClone(raw);
  const ok = validate(data);
  const problems = ok ? [] : formatAjvErrors(validate.errors ?? []);
  problems.push(...duplicateDns((data ?? {}) as { dns?: unknown }));
  const config = data as TandemConfig;
  if (problems.length === 0) resolveConfigPaths(config, dir);
  return { config, problems };
}

/** The enabled plugin sections of a raw (unvalidated) config, read leniently so plugins can be loaded first. */
export function enabledPluginSections(raw: unknown): Array<{ id: string; module?: string }> {
  if (typeof raw !== "object" || raw === null) return [];
  const plugins = (raw as { plugins?: unknown }).plugins;
  if (typeof plugins !== "object" || plugins === null || Array.isArray(plugins)) return [];
  const out: Array<{ id: string; module?: string }> = [];
  for (const [id, section] of Object.entries(plugins as Record<string, unknown>)) {
    if (typeof section !== "object" || section === null) continue;
    const { enabled, module } = section as { enabled?: unknown; module?: unknown };
    if (enabled !== true) continue;
    out.push(typeof module === "string" && module.length > 0 ? { id, module } : { id });
  }
  return out;
}
