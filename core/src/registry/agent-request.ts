/** Validation of agent-state requests coming from plugins and the admin API (the arbiter trusts its input). */
import type { AgentRequestKind, AgentStateRequest, WorkMode } from "@tandem/sdk";
import { RegistryErrors } from "./errors.js";

export const AGENT_REQUEST_KINDS: readonly AgentRequestKind[] = ["Login", "Logout", "Ready", "NotReady"];
export const WORK_MODES: readonly WorkMode[] = ["Unknown", "ManualIn", "AutoIn", "AfterCallWork", "AuxWork", "NoCallDisconnect"];

/** Throws `TANDEM_ERR_AGENT_REQUEST_INVALID` naming the first bad field. */
export function validateAgentRequest(request: AgentStateRequest): void {
  const bad = (what: string) => RegistryErrors.requestInvalid(request.dn, what);
  if (!AGENT_REQUEST_KINDS.includes(request.request)) throw bad(`request must be one of ${AGENT_REQUEST_KINDS.join(", ")}`);
  if (typeof request.source !== "string" || request.source.length === 0) throw bad("source must be a non-empty string");
  if (request.workMode !== undefined && !WORK_MODES.includes(request.workMode)) {
    throw bad(`workMode must be one of ${WORK_MODES.join(", ")}`);
  }
  if (request.reasonCode !== undefined && typeof request.reasonCode !== "string") throw bad("reasonCode must be a string");
  if (request.releasableBy !== undefined && (!Array.isArray(request.releasableBy) || request.releasableBy.some((x) => typeof x !== "string"))) {
    throw bad("releasableBy must be an array of source names");
  }
  if (request.withdrawOwnNotReady !== undefined && typeof request.withdrawOwnNotReady !== "boolean") throw bad("withdrawOwnNotReady must be a boolean");
  if (request.referenceId !== undefined && typeof request.referenceId !== "string") throw bad("referenceId must be a string");
}
