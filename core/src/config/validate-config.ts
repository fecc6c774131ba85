/**
 * Validates a raw config object against the composed schema (ajv: allErrors, useDefaults, formats;
 * unknown keys are errors) and returns every problem at once.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { PluginManifest } from "@tandem/sdk";
import { DnValidator } from "../registry/dn-validation.js";
import { buildConfigSchema } from "./build-schema.js";
import { ConfigErrors } from "./errors.js";
import { describeValue, formatAjvErrors } from "./format-errors.js";
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

const DN_ENTRY_PATH = /^\/dns\/\d+(\/|$)/;

/**
 * `dns[]` entries are judged by the registry's DN validator (the same one the admin API uses), so a bad DN gets
 * the same coded error from the file as from `/api/v1/dns`; the config-wide schema's findings on them are dropped.
 */
function dnEntryProblems(config: { dns?: unknown }, validator: DnValidator): BootProblem[] {
  if (!Array.isArray(config.dns)) return [];
  return config.dns.flatMap((entry: unknown, index) =>
    validator.entryProblems(entry).map((p) => {
      const path = p.field === "(entry)" ? `dns[${index}]` : `dns[${index}].${p.field}`;
      const unknown = p.error.code === "TANDEM_ERR_DN_OPTION_UNKNOWN";
      const found = unknown ? "an unknown key" : describeValue(p.found);
      // Worded like every other config problem (path, expected, found); an unknown option also says who defines options.
      const message = unknown ? `${path}: ${p.error.message}` : ConfigErrors.schema(path, p.expected, found).message;
      return { code: p.error.code, path, message, expected: p.expected, found };
    }),
  );
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
  const problems = ok ? [] : formatAjvErrors((validate.errors ?? []).filter((e) => !DN_ENTRY_PATH.test(e.instancePath)));
  problems.push(...dnEntryProblems((data ?? {}) as { dns?: unknown }, DnValidator.forManifests(manifests)));
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
