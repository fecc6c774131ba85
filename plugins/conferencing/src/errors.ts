/** Coded errors of the conferencing plugin. Each code has a row under `## conferencing` in `docs/errors.md`. */
import { defineError } from "@tandem/sdk";

export const ConferencingErrors = {
  unavailable: defineError("TANDEM_ERR_CONFERENCE_UNAVAILABLE", "%s: %s is not available (is the %s plugin enabled?)", { httpStatus: 503 }),
  mediaLost: defineError("TANDEM_ERR_CONFERENCE_MEDIA_LOST", "the conference room of call %s was lost (%s): %s", { httpStatus: 502 }),
  full: defineError("TANDEM_ERR_CONFERENCE_FULL", "%s on call %s: the conference already has %s parties, its limit", { httpStatus: 409 }),
  notAnswered: defineError("TANDEM_ERR_CONFERENCE_NOT_ANSWERED", "RequestSingleStepConference on call %s: %s did not answer (%s)", { httpStatus: 409 }),
} as const;
