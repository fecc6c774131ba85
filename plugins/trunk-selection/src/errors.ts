/**
 * Coded errors of the trunk-selection plugin. Each code has a row under `## trunk-selection` in
 * `docs/errors.md`. Config problems are logged at start and the bad part is skipped, so one wrong DN never
 * stops selection over the others.
 */
import { defineError } from "@tandem/sdk";

export const TrunkErrors = {
  badContact: defineError("TANDEM_ERR_TRUNK_BAD_CONTACT", "trunk %s has an unusable contact URI %s; it is left out"),
  unknownMember: defineError("TANDEM_ERR_TRUNK_UNKNOWN_MEMBER", "trunk group %s lists %s, which is not a Trunk DN with a contact"),
  unknownGroup: defineError("TANDEM_ERR_TRUNK_UNKNOWN_GROUP", "%s names trunk group %s, which is not a TrunkGroup DN"),
  badPattern: defineError("TANDEM_ERR_TRUNK_BAD_PATTERN", "destination rule %s is not a valid regular expression: %s"),
  noneInService: defineError("TANDEM_ERR_TRUNK_NONE_IN_SERVICE", "no trunk of group %s is in service for %s (tried: %s)", {
    sipStatus: 503,
  }),
  allTried: defineError("TANDEM_ERR_TRUNK_ALL_FAILED", "every trunk of group %s in service failed for %s in this call (tried: %s)", {
    sipStatus: 503,
  }),
  unknownTrunk: defineError("TANDEM_ERR_TRUNK_UNKNOWN", "no trunk %s", { httpStatus: 404 }),
} as const;
