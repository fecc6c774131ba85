/**
 * The desktop plugin's coded errors (`TANDEM_ERR_DESKTOP_*`). Each reaches the client as an EventError
 * (WebSocket) or as the HTTP status in `httpStatus` (HTTP variant); `docs/errors.md` § desktop lists them.
 */
import { defineError } from "@tandem/sdk";

export const DesktopErrors = {
  unauthorized: defineError(
    "TANDEM_ERR_DESKTOP_UNAUTHORIZED",
    "no valid desktop token (Authorization: Bearer or ?token=)",
    { httpStatus: 401 },
  ),
  dnForbidden: defineError("TANDEM_ERR_DESKTOP_DN_FORBIDDEN", "token %s may not control DN %s", { httpStatus: 403 }),
  badJson: defineError("TANDEM_ERR_DESKTOP_BAD_JSON", "message is not valid JSON: %s", { httpStatus: 400 }),
  tooLarge: defineError(
    "TANDEM_ERR_DESKTOP_MESSAGE_TOO_LARGE",
    "message of %s bytes is larger than the limit of %s bytes",
    { httpStatus: 413 },
  ),
  unknownRequest: defineError("TANDEM_ERR_DESKTOP_UNKNOWN_REQUEST", "unknown request %s", { httpStatus: 400 }),
  requestInvalid: defineError("TANDEM_ERR_DESKTOP_REQUEST_INVALID", "%s is invalid: %s", { httpStatus: 400 }),
  unknownDn: defineError("TANDEM_ERR_DESKTOP_UNKNOWN_DN", "DN %s does not exist", { httpStatus: 404 }),
  notRegistered: defineError(
    "TANDEM_ERR_DESKTOP_NOT_REGISTERED",
    "DN %s is not registered on this connection; send RequestRegisterAddress first",
    { httpStatus: 409 },
  ),
  resumeInvalid: defineError("TANDEM_ERR_DESKTOP_RESUME_INVALID", "after=%s is beyond the last event seq %s", { httpStatus: 400 }),
  resumeTooFar: defineError(
    "TANDEM_ERR_DESKTOP_RESUME_TOO_FAR",
    "resuming after seq %s would scan more than %s events; register without `after` and re-read the state",
    { httpStatus: 409 },
  ),
  answerByPhone: defineError(
    "TANDEM_ERR_DESKTOP_ANSWER_BY_PHONE",
    "calls cannot be answered from the desktop: answer on the PBX phone (or set it to auto-answer); CUCM phones do not support 3PCC answer",
    { httpStatus: 409 },
  ),
  callControlUnavailable: defineError(
    "TANDEM_ERR_DESKTOP_CALL_CONTROL_UNAVAILABLE",
    "%s needs call control, and no call model provides it (extension point core.call-control, name %s)",
    { httpStatus: 503 },
  ),
  callControlFailed: defineError("TANDEM_ERR_DESKTOP_CALL_CONTROL_FAILED", "%s failed: %s", { httpStatus: 502 }),
  notImplemented: defineError(
    "TANDEM_ERR_DESKTOP_NOT_IMPLEMENTED",
    "%s is not available: no enabled plugin carries it out (conferencing, supervision or recording)",
    { httpStatus: 501 },
  ),
  rateLimited: defineError("TANDEM_ERR_DESKTOP_RATE_LIMITED", "token %s is over its %s requests per second; retry after %s s", {
    httpStatus: 429,
  }),
  tooManySockets: defineError("TANDEM_ERR_DESKTOP_TOO_MANY_SOCKETS", "token %s already holds %s WebSockets (plugins.desktop.maxSocketsPerToken)", {
    httpStatus: 429,
  }),
  duplicateToken: defineError("TANDEM_ERR_DESKTOP_DUPLICATE_TOKEN", "plugins.desktop.tokens: token %s has the same secret as token %s"),
} as const;
