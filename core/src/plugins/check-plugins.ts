/**
 * The checks that run before any plugin code (after fastify's plugin-utils): manifest shape, name = config
 * id, SDK range, missing dependencies and cycles. Every problem is collected; the load order is
 * topological and stable (ties keep config order).
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import semver from "semver";
import { SDK_VERSION, type PluginDefinition, type PluginManifest } from "@tandem/sdk";
import { PLUGIN_ID_PATTERN } from "../config/build-schema.js";
import { CORE_DN_OPTIONS } from "../registry/dn-schema.js";
import { formatAjvErrors } from "../config/format-errors.js";
import type { BootProblem } from "../config/problems.js";
import { PluginErrors } from "./errors.js";

export interface Candidate {
  readonly id: string;
  readonly definition: PluginDefinition<unknown>;
}

const manifestSchema = {
  type: "object",
  properties: {
    name: { type: "string", pattern: PLUGIN_ID_PATTERN },
    version: { type: "string", minLength: 1 },
    sdk: { type: "string", minLength: 1 },
    dependsOn: { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true },
    configSchema: { type: "object" },
    dnOptions: { type: "object", additionalProperties: { type: "object" } },
    apiPaths: { type: "array", items: { type: "string", pattern: "^/[a-z0-9][a-z0-9-]*$" }, uniqueItems: true },
    description: { type: "string" },
  },
  required: ["name", "version", "sdk"],
  additionalProperties: false,
};

const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
const validateManifest = ajv.compile(manifestSchema);

function problem(path: string, err: Error & { code: string }, expected?: string, found?: string): BootProblem {
  return { code: err.code, path, message: err.message, ...(expected ? { expected } : {}), ...(found ? { found } : {}) };
}

/** Shape, name, semver fields, config schema compiles, `register` is a function. */
function checkManifest(id: string, definition: PluginDefinition<unknown>): BootProblem[] {
  const m = definition.manifest as PluginManifest | undefined;
  const path = `plugins.${id}`;
  if (!validateManifest(m)) {
    const details = formatAjvErrors(validateManifest.errors ?? []).map((p) => `manifest${p.path === "(root)" ? "" : `.${p.path}`}: expected ${p.expected}, found ${p.found}`);
    return [problem(path, PluginErrors.manifest(id, details.join("; ")))];
  }
  const problems: BootProblem[] = [];
  if (typeof definition.register !== "function") problems.push(problem(path, PluginErrors.manifest(id, "register is not a function")));
  if (!semver.valid(m.version)) problems.push(problem(path, PluginErrors.manifest(id, `version ${JSON.stringify(m.version)} is not semver`)));
  if (!semver.validRange(m.sdk)) problems.push(problem(path, PluginErrors.manifest(id, `sdk ${JSON.stringify(m.sdk)} is not a semver range`)));
  else if (!semver.satisfies(SDK_VERSION, m.sdk, { includePrerelease: true })) {
    problems.push(problem(path, PluginErrors.sdkRange(id, m.sdk, SDK_VERSION), `an SDK range that includes ${SDK_VERSION}`, m.sdk));
  }
  if (m.name !== id) problems.push(problem(path, PluginErrors.nameMismatch(id, m.name), JSON.stringify(id), JSON.stringify(m.name)));
  const schemas: Array<[string, object | undefined]> = [["configSchema", m.configSchema], ...Object.entries(m.dnOptions ?? {}).map(([k, s]): [string, object] => [`dnOptions.${k}`, s])];
  for (const [what, schema] of schemas) {
    if (schema !== undefined && !ajv.validateSchema(schema)) {
      problems.push(problem(path, PluginErrors.manifest(id, `${what} is not a valid JSON Schema: ${ajv.errorsText(ajv.errors)}`)));
    }
  }
  return problems;
}

/** A DN option may be declared once: by the core or by one plugin. */
function dnOptionClashes(candidates: readonly Candidate[]): BootProblem[] {
  const owner = new Map<string, string>(Object.keys(CORE_DN_OPTIONS).map((k) => [k, "the core"]));
  const problems: BootProblem[] = [];
  for (const { id, definition } of candidates) {
    const options = definition.manifest?.dnOptions;
    if (typeof options !== "object" || options === null) continue;
    for (const option of Object.keys(options)) {
      const first = owner.get(option);
      if (first === undefined) owner.set(option, `plugin ${id}`);
      else problems.push(problem(`plugins.${id}`, PluginErrors.dnOptionClash(id, option, first)));
    }
  }
  return problems;
}

/** Admin API paths the core serves itself; a plugin's `apiPaths` may not take them. */
export const CORE_API_PATHS: readonly string[] = ["/health", "/dns", "/agents", "/calls", "/events", "/metrics", "/plugins"];

/** A top-level API path may be owned once: by the core or by one plugin. */
function apiPathClashes(candidates: readonly Candidate[]): BootProblem[] {
  const owner = new Map<string, string>(CORE_API_PATHS.map((p) => [p, "the core"]));
  const problems: BootProblem[] = [];
  for (const { id, definition } of candidates) {
    const paths = definition.manifest?.apiPaths;
    if (!Array.isArray(paths)) continue;
    for (const path of paths) {
      const first = owner.get(path);
      if (first === undefined) owner.set(path, `plugin ${id}`);
      else problems.push(problem(`plugins.${id}`, PluginErrors.apiPathClash(id, path, first)));
    }
  }
  return problems;
}

/** Cycles among the candidates, each named once as `a → b → a`. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, "active");
    stack.push(id);
    for (const dep of graph.get(id) ?? []) {
      if (state.get(dep) === "active") cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (!state.has(dep) && graph.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(id, "done");
  };
  for (const id of graph.keys()) if (!state.has(id)) visit(id);
  return cycles;
}

/** Kahn's algorithm; among ready plugins the one listed first in config goes first. */
function topologicalOrder(graph: Map<string, string[]>): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const [id, deps] of graph) {
      if (placed.has(id) || !deps.every((d) => placed.has(d))) continue;
      order.push(id);
      placed.add(id);
      progress = true;
      break;
    }
  }
  return order;
}

/**
 * @param candidates loaded plugins, in config order
 * @param sections every `plugins.<id>` section of the config (to tell "disabled" from "not configured")
 * @param unloadable enabled ids whose module failed to load (already reported)
 * @returns the load order, the problems, and the manifests sound enough to merge into the config schema
 */
export function checkPlugins(
  candidates: readonly Candidate[],
  sections: ReadonlyMap<string, boolean>,
  unloadable: ReadonlySet<string>,
): { order: string[]; problems: BootProblem[]; soundManifests: PluginManifest[] } {
  const soundManifests: PluginManifest[] = [];
  const problems: BootProblem[] = [];
  for (const { id, definition } of candidates) {
    const found = checkManifest(id, definition);
    problems.push(...found);
    if (found.length === 0) soundManifests.push(definition.manifest);
  }
  problems.push(...dnOptionClashes(candidates));
  problems.push(...apiPathClashes(candidates));
  const ids = new Set(candidates.map((c) => c.id));
  const graph = new Map<string, string[]>();
  for (const { id, definition } of candidates) {
    const deps = [...(definition.manifest?.dependsOn ?? [])];
    graph.set(id, deps);
    for (const dep of deps) {
      if (ids.has(dep) || unloadable.has(dep)) continue;
      const why = sections.has(dep) ? "disabled (plugins." + dep + ".enabled is false)" : "not in the config (add plugins." + dep + " with enabled: true)";
      problems.push(problem(`plugins.${id}`, PluginErrors.dependencyMissing(id, dep, why), `plugin ${dep} enabled`, why));
    }
  }
  for (const cycle of findCycles(graph)) problems.push(problem(`plugins.${cycle[0]}`, PluginErrors.cycle(cycle.join(" → "))));
  return { order: topologicalOrder(graph), problems, soundManifests };
}
