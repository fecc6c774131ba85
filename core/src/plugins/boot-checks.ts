/**
 * Everything checked before anything starts: the config against the schema (with the enabled plugins'
 * schemas merged in), and the plugins (load, manifest, SDK range, dependencies, cycles). Every problem is
 * collected and thrown as one `TANDEM_ERR_CONFIG_INVALID`, so one run shows them all.
 */
import type { PluginDefinition } from "@tandem/sdk";
import { bootProblemsError, type BootProblem } from "../config/problems.js";
import type { TandemConfig } from "../config/types.js";
import { enabledPluginSections, validateConfig } from "../config/validate-config.js";
import { checkPlugins, type Candidate } from "./check-plugins.js";
import { PluginErrors } from "./errors.js";
import { loadPluginModule } from "./load-plugin-module.js";
import type { CheckedPlugin } from "./plugin-host.js";

export interface BootPlan {
  readonly config: TandemConfig;
  /** In load order. */
  readonly plugins: CheckedPlugin[];
}

export interface BootCheckOptions {
  /** Folder relative paths are resolved against (the config file's folder). */
  readonly configDir: string;
  /** Plugin definitions given directly (test host); enabled even without a config section. */
  readonly extraPlugins?: ReadonlyArray<PluginDefinition<unknown>>;
}

function pluginSectionsOf(raw: unknown): Map<string, boolean> {
  const plugins = (raw as { plugins?: unknown } | null)?.plugins;
  const map = new Map<string, boolean>();
  if (typeof plugins !== "object" || plugins === null) return map;
  for (const [id, section] of Object.entries(plugins)) map.set(id, (section as { enabled?: unknown } | null)?.enabled === true);
  return map;
}

/** Adds `{ enabled: true }` for directly given plugins that the config does not mention. */
function withExtraSections(raw: unknown, extras: ReadonlyArray<PluginDefinition<unknown>>): unknown {
  if (extras.length === 0 || typeof raw !== "object" || raw === null) return raw;
  const copy = structuredClone(raw) as { plugins?: Record<string, unknown> };
  const plugins = (copy.plugins ??= {});
  for (const extra of extras) {
    const id = extra.manifest?.name;
    if (typeof id === "string" && !(id in plugins)) plugins[id] = { enabled: true };
  }
  return copy;
}

async function loadCandidates(raw: unknown, options: BootCheckOptions): Promise<{ candidates: Candidate[]; unloadable: Set<string>; problems: BootProblem[] }> {
  const extras = new Map((options.extraPlugins ?? []).map((d) => [d.manifest?.name, d] as const));
  const candidates: Candidate[] = [];
  const unloadable = new Set<string>();
  const problems: BootProblem[] = [];
  for (const { id, module } of enabledPluginSections(raw)) {
    const extra = extras.get(id);
    if (extra && module !== undefined) {
      const e = PluginErrors.duplicate(id);
      problems.push({ code: e.code, path: `plugins.${id}.module`, message: e.message });
      continue;
    }
    const outcome = extra ? { ok: true as const, definition: extra } : await loadPluginModule(id, module, options.configDir);
    if (outcome.ok) candidates.push({ id, definition: outcome.definition });
    else {
      unloadable.add(id);
      problems.push(outcome.problem);
    }
  }
  return { candidates, unloadable, problems };
}

export async function checkBoot(rawConfig: unknown, options: BootCheckOptions): Promise<BootPlan> {
  const raw = withExtraSections(rawConfig, options.extraPlugins ?? []);
  const loaded = await loadCandidates(raw, options);
  const checked = checkPlugins(loaded.candidates, pluginSectionsOf(raw), loaded.unloadable);
  const { config, problems } = validateConfig(raw, checked.soundManifests, options.configDir);
  const all = [...problems, ...loaded.problems, ...checked.problems];
  if (all.length > 0) throw bootProblemsError(all);
  const byId = new Map(loaded.candidates.map((c) => [c.id, c.definition]));
  const plugins = checked.order.map((id) => {
    const { enabled: _enabled, module: _module, ...own } = config.plugins[id] ?? { enabled: true };
    return { id, definition: byId.get(id) as PluginDefinition<unknown>, config: own };
  });
  return { config, plugins };
}
