/**
 * Coded errors of the DN registry and the agent-state arbiter. Each code has a row in `docs/errors.md`
 * under `## registry`.
 */
import { defineError } from "@tandem/sdk";

export const RegistryErrors = {
  numberInvalid: defineError(
    "TANDEM_ERR_DN_NUMBER_INVALID",
    "DN number %s is invalid: use 1-64 characters from A-Z a-z 0-9 + * # . _ @ : - (starting with a letter, digit, +, * or #)",
    { httpStatus: 400 },
  ),
  typeInvalid: defineError("TANDEM_ERR_DN_TYPE_INVALID", "DN %s has type %s; expected one of %s", { httpStatus: 400 }),
  optionInvalid: defineError("TANDEM_ERR_DN_OPTION_INVALID", "DN %s option %s is invalid: %s", { httpStatus: 400 }),
  optionUnknown: defineError(
    "TANDEM_ERR_DN_OPTION_UNKNOWN",
    "DN %s has option %s, which %s (DN options come from %s; a plugin's options exist only while it is enabled)",
    { httpStatus: 400 },
  ),
  notFound: defineError("TANDEM_ERR_DN_NOT_FOUND", "DN %s does not exist", { httpStatus: 404 }),
  exists: defineError("TANDEM_ERR_DN_EXISTS", "DN %s already exists", { httpStatus: 409 }),
  configManaged: defineError(
    "TANDEM_ERR_DN_CONFIG_MANAGED",
    "DN %s comes from the config file; change it there (a restart re-applies the file)",
    { httpStatus: 409 },
  ),
  duplicate: defineError("TANDEM_ERR_DN_DUPLICATE", "DN %s appears more than once in dns[]", { httpStatus: 400 }),
  configInvalid: defineError("TANDEM_ERR_DN_CONFIG_INVALID", "dns[] has %s invalid entries: %s", { httpStatus: 400 }),
  notAgent: defineError("TANDEM_ERR_AGENT_NOT_AGENT_DN", "DN %s is a %s, not an agent DN (Extension or ACDPosition)", {
    httpStatus: 409,
  }),
  requestInvalid: defineError("TANDEM_ERR_AGENT_REQUEST_INVALID", "agent request on %s is invalid: %s", { httpStatus: 400 }),
  priority: defineError(
    "TANDEM_ERR_AGENT_PRIORITY",
    "%s from %s refused: %s holds the agent on %s in %s (a NotReady/Logout from another interface wins)",
    { httpStatus: 409 },
  ),
  notLoggedIn: defineError("TANDEM_ERR_AGENT_NOT_LOGGED_IN", "%s refused: agent on %s is not logged in", { httpStatus: 409 }),
} as const;
