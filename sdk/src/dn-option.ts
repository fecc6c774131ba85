/**
 * A DN option as a plugin declares and reads it: its name, the JSON Schema the core merges into the DN schema
 * (`manifest.dnOptions`, so the config file and the admin API judge it with the core's own options), and a
 * typed reader, so a plugin never casts `dn.options[...]` itself.
 *
 * ```ts
 * export const DN_OPTION_PRESENCE = dnOption.flag("presence", "Watch this DN's presence on the PBX.");
 * export const manifest = { …, dnOptions: dnOptionSchemas([DN_OPTION_PRESENCE]) };
 * if (DN_OPTION_PRESENCE.read(dn) === true) …
 * ```
 */
import type { DnRecord } from "./dns.js";
import type { JsonSchema } from "./plugin.js";

/** One DN option: its name, its schema and how to read it from a DN. */
export interface DnOption<T> {
  /** The key in `dns[]` entries and in `options` of the admin API. */
  readonly name: string;
  /** JSON Schema of the value (draft 2020-12, as ajv reads it). */
  readonly schema: JsonSchema;
  /**
   * The DN's value; undefined when there is no DN, the DN does not set it, or the value is of another shape. The
   * validator keeps such values out of new input; a DN stored while the option meant something else (an older
   * plugin version) must not crash its reader, so it reads as unset.
   */
  read(dn: Pick<DnRecord, "options"> | undefined): T | undefined;
  /** True when the DN sets the option at all, whatever the value (to warn about values `read` ignores). */
  isSet(dn: Pick<DnRecord, "options"> | undefined): boolean;
}

/** A DN option with any schema; `accepts` must admit exactly what `schema` admits. */
export function defineDnOption<T>(name: string, schema: JsonSchema, accepts: (value: unknown) => value is T): DnOption<T> {
  return Object.freeze({
    name,
    schema,
    read: (dn: Pick<DnRecord, "options"> | undefined): T | undefined => {
      const value = dn?.options[name];
      return accepts(value) ? value : undefined;
    },
    isSet: (dn: Pick<DnRecord, "options"> | undefined): boolean => dn !== undefined && dn.options[name] !== undefined,
  });
}

/** The `manifest.dnOptions` of these options, by name. */
export function dnOptionSchemas(options: ReadonlyArray<DnOption<unknown>>): Record<string, JsonSchema> {
  return Object.fromEntries(options.map((o) => [o.name, o.schema]));
}

const isText = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** The usual shapes of DN option values, schema and reader from one definition. */
export const dnOption = {
  /** `true` / `false`. */
  flag(name: string, description: string): DnOption<boolean> {
    return defineDnOption(name, { type: "boolean", description }, (v): v is boolean => typeof v === "boolean");
  },
  /** A non-empty string (a DN number, a name). */
  text(name: string, description: string): DnOption<string> {
    return defineDnOption(name, { type: "string", minLength: 1, description }, isText);
  },
  /** A list of non-empty strings (DN numbers, queue names, skills), in order. */
  list(name: string, description: string): DnOption<readonly string[]> {
    return defineDnOption(
      name,
      { type: "array", items: { type: "string", minLength: 1 }, description },
      (v): v is readonly string[] => Array.isArray(v) && v.every(isText),
    );
  },
  /** Seconds, fractions allowed, 0 or more. */
  seconds(name: string, description: string): DnOption<number> {
    return defineDnOption(
      name,
      { type: "number", minimum: 0, description },
      (v): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0,
    );
  },
  /** One of a few words. */
  oneOf<const V extends string>(name: string, values: readonly V[], description: string): DnOption<V> {
    return defineDnOption(name, { enum: [...values], description }, (v): v is V => typeof v === "string" && (values as readonly string[]).includes(v));
  },
} as const;
