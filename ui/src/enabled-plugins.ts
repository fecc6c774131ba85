/**
 * Which optional plugins are on, read from `GET /api/v1/plugins` (the list the System panel shows): a view offers
 * a plugin's controls only when that plugin is there and ready, so nothing is shown that would answer 404.
 */
import type { Api } from "./api.js";
import type { PluginStatus } from "./api-types.js";

export async function enabledPlugins(api: Api): Promise<Set<string>> {
  const plugins = await api.get<PluginStatus[]>("/plugins");
  return new Set(plugins.filter((p) => p.status === "ready").map((p) => p.id));
}
