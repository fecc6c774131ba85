/**
 * Writes `config.schema.json` at the repo root from the code: the core schema plus every built-in
 * plugin's schema and DN options. Run with `npm run schema`; a test fails when the file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildConfigSchema } from "./config/build-schema.js";
import { loadBuiltinPlugins } from "./plugins/builtin-plugins.js";

export const SCHEMA_FILE = fileURLToPath(new URL("../../config.schema.json", import.meta.url));

/** The text of the published schema. */
export async function renderPublishedSchema(): Promise<string> {
  const plugins = await loadBuiltinPlugins();
  const schema = buildConfigSchema(plugins.map((p) => p.manifest).sort((a, b) => a.name.localeCompare(b.name)));
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, await renderPublishedSchema());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
