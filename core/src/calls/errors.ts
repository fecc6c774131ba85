/** Coded errors of the call model (`## calls` in docs/errors.md). */
import { defineError } from "@tandem/sdk";

export const CallErrors = {
  unknownDn: defineError("TANDEM_ERR_CALLS_UNKNOWN_DN", "no DN %s is configured to take calls", { sipStatus: 404 }),
  noRoute: defineError("TANDEM_ERR_CALLS_NO_ROUTE", "no routing strategy answered for call %s at %s", { sipStatus: 480 }),
  routeFailed: defineError("TANDEM_ERR_CALLS_ROUTE_FAILED", "routing call %s failed: %s", { sipStatus: 480 }),
  tooManyAttempts: defineError("TANDEM_ERR_CALLS_TOO_MANY_ATTEMPTS", "call %s was not delivered after %s attempts", {
    sipStatus: 480,
  }),
  routeTimeout: defineError("TANDEM_ERR_CALLS_ROUTE_TIMEOUT", "call %s waited %s ms for a routing decision", {
    sipStatus: 480,
  }),
  noTrunk: defineError("TANDEM_ERR_CALLS_NO_TRUNK", "no trunk to reach %s: %s", { sipStatus: 503 }),
  badTransition: defineError("TANDEM_ERR_CALLS_BAD_TRANSITION", "call %s cannot go from %s to %s"),
  agentBusy: defineError("TANDEM_ERR_CALLS_AGENT_BUSY", "agent %s is already on a call", { sipStatus: 486 }),
  lost: defineError("TANDEM_ERR_CALLS_LOST", "%s calls were active when the server stopped and are closed as lost"),
  stuckAgent: defineError("TANDEM_ERR_CALLS_STUCK_AGENT", "agent %s was Busy with call %s that no longer exists; freed"),
  probeFailed: defineError("TANDEM_ERR_CALLS_PROBE_FAILED", "call %s did not answer a session refresh (%s); released"),
  treatmentFailed: defineError("TANDEM_ERR_CALLS_TREATMENT_FAILED", "queue treatment for call %s failed: %s"),
  mediaMoveFailed: defineError("TANDEM_ERR_CALLS_MEDIA_MOVE_FAILED", "call %s: the caller's media could not be moved to %s (%s); released"),
  badFilter: defineError("TANDEM_ERR_CALLS_BAD_FILTER", "bad call history filter: %s", { httpStatus: 400 }),
} as const;
