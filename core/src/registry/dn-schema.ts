/**
 * The JSON Schema of one DN: its number, its type and the options the core reads. Enabled plugins add their
 * own options (`manifest.dnOptions`); the merged schema is both the `dns[]` item of `config.schema.json` and
 * what `dn-validation.ts` compiles, so the config file and the admin API judge a DN alike.
 */
import { DN_TYPES, type JsonSchema } from "@tandem/sdk";

/** What a DN number may look like (also safe in a URL path segment once encoded). */
export const DN_NUMBER_PATTERN = "^[A-Za-z0-9+*#][A-Za-z0-9+*#._@:-]{0,63}$";

/** DN options the core itself reads; plugins add theirs through `manifest.dnOptions`. */
export const CORE_DN_OPTIONS: Readonly<Record<string, JsonSchema>> = {
  contact: { type: "string", pattern: "^sips?:\\S+$", description: "SIP URI that reaches the device or service." },
  "contact-backup": {
    type: "array",
    items: { type: "string", pattern: "^sips?:\\S+$" },
    description: "Other URIs of the same service (cluster members), tried in order after `contact`.",
  },
  presence: { type: "boolean", description: "Watch this DN's presence on the PBX." },
  queues: { type: "array", items: { type: "string", minLength: 1 }, description: "Queue DNs this agent DN serves." },
  // Seconds may be fractions: trunk-selection's own defaults (`oosCheck`, `oosForce`) are numbers too.
  "oos-check": { type: "number", minimum: 0, description: "Seconds between OPTIONS health checks (0 = off)." },
  "oos-force": { type: "number", minimum: 0, description: "Seconds without an answer before the DN is out of service." },
  "service-type": { type: "string", minLength: 1, description: "Kind of VoIP service: softswitch, mcu, recorder, media-server …" },
  transport: { enum: ["udp", "tcp", "tls"], description: "Transport to reach the contact." },
  description: { type: "string", description: "Free text for operators." },
};

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
