/**
 * `sip.connections`: limits on the TCP/TLS connections peers open to us. One source may hold only so many, and a
 * message must arrive whole within a few seconds of its first byte; RFC 3261 §18 sets neither, and without them
 * one host holding half-sent messages keeps buffers and connection slots for the whole idle time-out.
 */
import type { JsonSchema } from "@tandem/sdk";
import type { SipConnectionLimits } from "../stack-contract.js";

export const DEFAULT_CONNECTION_LIMITS: SipConnectionLimits = {
  idleTimeoutMs: 600_000,
  messageTimeoutMs: 5_000,
  maxPerListener: 10_000,
  maxPerSource: 128,
};

/** The limits in force: the configured ones over the defaults. */
export function connectionLimits(configured: Partial<SipConnectionLimits> | undefined): SipConnectionLimits {
  return { ...DEFAULT_CONNECTION_LIMITS, ...configured };
}

export const SIP_CONNECTIONS_SCHEMA: JsonSchema = {
  type: "object",
  description: "Limits on TCP/TLS connections opened to us. Sources outside sip.trustedPeers (when it is not empty) are closed at accept.",
  default: {},
  properties: {
    idleTimeoutMs: {
      type: "integer",
      minimum: 0,
      default: DEFAULT_CONNECTION_LIMITS.idleTimeoutMs,
      description: "Close a connection without traffic for this long (ms); 0 = never.",
    },
    messageTimeoutMs: {
      type: "integer",
      minimum: 100,
      default: DEFAULT_CONNECTION_LIMITS.messageTimeoutMs,
      description: "Close a connection (or TLS handshake) whose message is not complete this long after its first byte (ms).",
    },
    maxPerListener: {
      type: "integer",
      minimum: 1,
      default: DEFAULT_CONNECTION_LIMITS.maxPerListener,
      description: "Accepted connections per TCP/TLS listener.",
    },
    maxPerSource: {
      type: "integer",
      minimum: 1,
      default: DEFAULT_CONNECTION_LIMITS.maxPerSource,
      description: "Accepted connections one source address may hold at once.",
    },
  },
  additionalProperties: false,
};
