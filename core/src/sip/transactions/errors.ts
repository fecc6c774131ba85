/**
 * Coded errors of the UDP reliability layer (`docs/errors.md`, section `sip-transport`). The layer never
 * throws at its callers; these codes tag the log lines of what it had to swallow.
 */
import { defineError } from "@tandem/sdk";

export const ReliabilityErrors = {
  retransmit: defineError("TANDEM_ERR_SIP_RELIABILITY_RETRANSMIT", "retransmission of %s to %s failed: %s"),
  timer: defineError("TANDEM_ERR_SIP_RELIABILITY_TIMER", "reliability timer callback failed: %s"),
} as const;
