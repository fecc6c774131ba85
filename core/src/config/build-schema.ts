/**
 * Composes the whole config schema: the core sections, `dns[]` with the core's DN options plus the enabled
 * plugins' `dnOptions`, and one `plugins.<id>` schema per known plugin (its `configSchema` merged with
 * `enabled`/`module`). The same function feeds runtime validation and the published `config.schema.json`.
 */
import type { JsonSchema, PluginManifest } from "@tandem/sdk";
import { dnEntrySchema, mergedDnOptions } from "../registry/dn-schema.js";
import { CORE_SECTIONS } from "./core-schema.js";

export const CONFIG_SCHEMA_ID = "https://tandem.dev/config.schema.json";
export const PLUGIN_ID_PATTERN = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

const hostKeys: Record<string, JsonSchema> = {
  enabled: { type: "boolean", description: "Load this plugin." },
  module: {
    type: "string",
    minLength: 1,
    description: "Third-party plugins: npm package name or path (relative to the config file). Built-in plugins omit it.",
  },
};

/** A section for a plugin the host has not loaded (disabled or unknown): only the host's keys are checked. */
const unknownPluginSection: JsonSchema = {
  type: "object",
  properties: hostKeys,
  required: ["enabled"],
};

/** `plugins.<id>` for a loaded plugin: its own schema with `enabled`/`module` beside its options. */
export function pluginSectionSchema(manifest: PluginManifest): JsonSchema {
  const own = manifest.configSchema ?? { type: "object", additionalProperties: false };
  const ownProps = (own["properties"] ?? {}) as Record<string, JsonSchema>;
  const required = Array.isArray(own["required"]) ? (own["required"] as string[]) : [];
  return {
    ...own,
    // Its own resource id, so `$ref: "#/$defs/…"` inside a plugin's schema resolves within that schema.
    $id: `https://tandem.dev/plugins/${manifest.name}.schema.json`,
    type: "object",
    description: manifest.description ?? `Options of the ${manifest.name} plugin.`,
    properties: { ...hostKeys, ...ownProps },
    required: ["enabled", ...required.filter((k) => k !== "enabled")],
  };
}

/** The config schema for a run with these plugin manifests known. */
export function buildConfigSchema(manifests: readonly PluginManifest[]): JsonSchema {
  const dnOptions = mergedDnOptions(manifests);
  const pluginProps: Record<string, JsonSchema> = {};
  for (const manifest of manifests) pluginProps[manifest.name] = pluginSectionSchema(manifest);
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: CONFIG_SCHEMA_ID,
    title: "Tandem configuration",
    type: "object",
    properties: {
      $schema: { type: "string", description: "Path or URL of this schema, for editors." },
      ...CORE_SECTIONS,
      dns: { type: "array", items: dnEntrySchema(dnOptions), default: [], description: "Directory numbers Tandem serves." },
      plugins: {
        type: "object",
        default: {},
        description: "Plugins by id: { enabled, module?, ...the plugin's options }.",
        propertyNames: { pattern: PLUGIN_ID_PATTERN },
        properties: pluginProps,
        additionalProperties: unknownPluginSection,
      },
    },
    required: ["admin"],
    additionalProperties: false,
  };
}
