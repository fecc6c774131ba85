/**
 * Coded errors of the SIP stack (`## sip-stack` in docs/errors.md). Failures of a SIP transaction
 * itself travel as the SDK's `SipError`; these codes are for misuse and local faults.
 */
import { defineError } from "@tandem/sdk";

export const SipStackErrors = {
  notStarted: defineError("TANDEM_ERR_SIP_NOT_STARTED", "the SIP stack is not started (%s)"),
  badTarget: defineError("TANDEM_ERR_SIP_BAD_TARGET", "%s is not a usable SIP URI: %s"),
  badTrustedPeer: defineError("TANDEM_ERR_SIP_BAD_TRUSTED_PEER", "sip.trustedPeers entry %s is not a CIDR or address"),
  legTerminated: defineError("TANDEM_ERR_SIP_LEG_TERMINATED", "leg %s is terminated; cannot %s"),
  bridgeBusy: defineError("TANDEM_ERR_SIP_LEG_BRIDGED", "leg %s is already in a bridge"),
} as const;
