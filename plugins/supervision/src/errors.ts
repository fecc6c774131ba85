/** Coded errors of the supervision plugin. Each code has a row under `## supervision` in `docs/errors.md`. */
import { defineError } from "@tandem/sdk";

export const SupervisionErrors = {
  notSupervisor: defineError("TANDEM_ERR_SUPERVISION_NOT_SUPERVISOR", "%s: %s may not supervise (the token is not marked supervisor: true)", { httpStatus: 403 }),
  outOfScope: defineError("TANDEM_ERR_SUPERVISION_OUT_OF_SCOPE", "%s: supervisor %s may not monitor agent %s (no team of plugins.supervision.teams gives it)", { httpStatus: 403 }),
  agentTaken: defineError("TANDEM_ERR_SUPERVISION_AGENT_TAKEN", "%s: agent %s is already monitored by %s", { httpStatus: 409 }),
  supervisorBusy: defineError("TANDEM_ERR_SUPERVISION_SUPERVISOR_BUSY", "%s: supervisor %s already monitors agent %s", { httpStatus: 409 }),
  notMonitoring: defineError("TANDEM_ERR_SUPERVISION_NOT_MONITORING", "%s: supervisor %s monitors no agent", { httpStatus: 404 }),
  badModeSwitch: defineError("TANDEM_ERR_SUPERVISION_BAD_MODE_SWITCH", "%s: cannot switch from %s to %s", { httpStatus: 409 }),
  modeUnsupported: defineError("TANDEM_ERR_SUPERVISION_MODE_UNSUPPORTED", "%s: mode %s needs MCU mode %s, which adapter %s does not declare", { httpStatus: 501 }),
  notLoggedIn: defineError("TANDEM_ERR_SUPERVISION_NOT_LOGGED_IN", "%s: %s is not logged in", { httpStatus: 409 }),
  unavailable: defineError("TANDEM_ERR_SUPERVISION_UNAVAILABLE", "%s: %s is not available (is the %s plugin enabled?)", { httpStatus: 503 }),
  joinFailed: defineError("TANDEM_ERR_SUPERVISION_JOIN_FAILED", "supervisor %s could not join call %s: %s", { httpStatus: 502 }),
} as const;
