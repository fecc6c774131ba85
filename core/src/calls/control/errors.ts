/** Coded errors of third-party call control (`## call-control` in docs/errors.md). */
import { defineError } from "@tandem/sdk";

export const CallControlErrors = {
  unknownCall: defineError("TANDEM_ERR_CALL_CONTROL_UNKNOWN_CALL", "no active call %s", { httpStatus: 404 }),
  notParty: defineError("TANDEM_ERR_CALL_CONTROL_NOT_PARTY", "DN %s is not the agent on call %s", { httpStatus: 403 }),
  badState: defineError("TANDEM_ERR_CALL_CONTROL_BAD_STATE", "%s is not possible on call %s: %s", { httpStatus: 409 }),
  busy: defineError("TANDEM_ERR_CALL_CONTROL_BUSY", "call %s is still carrying out an earlier request (%s)", { httpStatus: 409 }),
  notAgent: defineError("TANDEM_ERR_CALL_CONTROL_NOT_AGENT", "%s is not an agent DN", { httpStatus: 400 }),
  agentBusy: defineError("TANDEM_ERR_CALL_CONTROL_AGENT_BUSY", "agent %s is already on a call", { httpStatus: 409 }),
  sipFailed: defineError("TANDEM_ERR_CALL_CONTROL_SIP_FAILED", "%s on call %s failed at the SIP level: %s", { httpStatus: 502 }),
  userDataExists: defineError("TANDEM_ERR_CALL_CONTROL_USER_DATA_EXISTS", "call %s already has user data key(s) %s; use RequestUpdateUserData", {
    httpStatus: 409,
  }),
  badDigits: defineError("TANDEM_ERR_CALL_CONTROL_BAD_DIGITS", "DTMF digits %s: only 0-9, *, #, A-D, 1 to 32 of them", { httpStatus: 400 }),
} as const;
