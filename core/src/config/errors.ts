/** Coded errors of the configuration area (reading, parsing and validating the config file). */
import { defineError } from "@tandem/sdk";

export const ConfigErrors = {
  /** Thrown once, at boot, listing every problem found in the config and the enabled plugins. */
  invalid: defineError("TANDEM_ERR_CONFIG_INVALID", "the configuration has %s problem(s):\n%s"),
  /** One schema violation (an item of `invalid`'s details). */
  schema: defineError("TANDEM_ERR_CONFIG_SCHEMA", "%s: expected %s, found %s"),
  /** Two `dns[]` entries with the same number (an item of `invalid`'s details). */
  duplicateDn: defineError("TANDEM_ERR_CONFIG_DUPLICATE_DN", "%s: DN %s is already defined at %s"),
  notFound: defineError("TANDEM_ERR_CONFIG_NOT_FOUND", "config file %s does not exist"),
  read: defineError("TANDEM_ERR_CONFIG_READ", "cannot read config file %s: %s"),
  json: defineError("TANDEM_ERR_CONFIG_JSON", "config file %s is not valid JSON (line %s, column %s): %s"),
} as const;
