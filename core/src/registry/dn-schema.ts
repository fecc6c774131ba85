/**
 * The JSON Schema of one DN: its number, its type and the options the core reads. Enabled plugins add their
 * own options (`manifest.dnOptions`); the merged schema is both the `dns[]` item of `config.schema.json` and
 * what `dn-validation.ts` compiles, so the config file and the admin API judge a DN alike.
 */
import { CORE_DN_OPTION_LIST, DN_TYPES, dnOptionSchemas, type JsonSchema, type PluginManifest } from "@tandem/sdk";

/** What a DN number may look like (also safe in a URL path segment once encoded). */
export const DN_NUMBER_PATTERN = "^[A-Za-z0-9+*#][A-Za-z0-9+*#._@:-]{0,63}$";

/**
 * DN options the core itself reads (`contact`, `contact-backup` for its own trunk choice) and the few that
 * describe any service DN for every plugin alike (`service-type`, `transport`, `description`), defined once in
 * the SDK so plugins read them typed; an option only one plugin reads is that plugin's (`manifest.dnOptions`)
 * and unknown while it is disabled.
 */
export const CORE_DN_OPTIONS: Readonly<Record<string, JsonSchema>> = dnOptionSchemas(CORE_DN_OPTION_LIST);

/** The schema of one `dns[]` entry (`{ number, type, ...options }`) with the given options. */
export function dnEntrySchema(options: Readonly<Record<string, JsonSchema>>): JsonSchema {
  return {
    type: "object",
    description: "A directory number: number, type and the type's options.",
    properties: {
      number: { type: "string", pattern: DN_NUMBER_PATTERN, description: "The DN (digits or a name), 1-64 characters." },
      type: { enum: [...DN_TYPES], description: "DN type." },
      ...options,
    },
    required: ["number", "type"],
    additionalProperties: false,
  };
}

/** The DN options of the core and of these plugins' manifests, each plugin's described as its own. */
export function mergedDnOptions(manifests: ReadonlyArray<Pick<PluginManifest, "name" | "dnOptions">>): Record<string, JsonSchema> {
  const options: Record<string, JsonSchema> = { ...CORE_DN_OPTIONS };
  for (const manifest of manifests) {
    for (const [name, schema] of Object.entries(manifest.dnOptions ?? {})) {
      // A clash was already refused by the plugin checks; the first declaration stays.
      if (name in options) continue;
      const said = typeof schema["description"] === "string" ? ` ${schema["description"]}` : "";
      options[name] = { ...schema, description: `(plugin ${manifest.name})${said}` };
    }
  }
  return options;
}
