/** Coded errors of the event bus and the durable event log (`docs/errors.md`, `## bus`). */
import { defineError } from "@tandem/sdk";

export const BusErrors = {
  eventName: defineError("TANDEM_ERR_BUS_EVENT_NAME", "event name %s is invalid: it must match Event<Name> (letters and digits)"),
  eventData: defineError("TANDEM_ERR_BUS_EVENT_DATA", "event %s has data that cannot be stored as a JSON object: %s"),
  seqOrder: defineError("TANDEM_ERR_BUS_SEQ_ORDER", "event seq %s is not above the last seq %s of the log"),
  flushFailed: defineError("TANDEM_ERR_BUS_FLUSH_FAILED", "writing %s events to the event log failed: %s"),
  closed: defineError("TANDEM_ERR_BUS_LOG_CLOSED", "the event log is closed; event %s was delivered but not stored"),
  options: defineError("TANDEM_ERR_BUS_OPTIONS", "event log option %s is invalid: %s"),
} as const;
