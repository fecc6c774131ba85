/** Coded errors of the call trace (`## trace` in docs/errors.md). */
import { defineError } from "@tandem/sdk";

export const TraceErrors = {
  unknownCall: defineError("TANDEM_ERR_TRACE_UNKNOWN_CALL", "no call %s in progress or in the call records", { httpStatus: 404 }),
} as const;
