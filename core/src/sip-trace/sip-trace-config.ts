/**
 * The `sipTrace` section: a bounded, in-memory record of the SIP messages of recent calls, read by the
 * dashboard's call ladder (`GET /api/v1/calls/{connId}/sip-trace`). Bounded by calls kept, messages per call and
 * age, so a flood or a long day never grows it past what the operator chose.
 */
import type { JsonSchema } from "@tandem/sdk";

export interface SipTraceConfig {
  /** Keep the SIP messages of recent calls. Default true. */
  enabled: boolean;
  /** Calls (SIP Call-IDs) kept at once; the oldest goes first. Default 500. */
  maxCalls: number;
  /** Messages kept per Call-ID; later ones are counted, not kept. Default 100. */
  maxMessagesPerCall: number;
  /** A Call-ID with no message for this long is forgotten, minutes. Default 60. */
  retentionMinutes: number;
  /** Keep message bodies (SDP, PIDF); false keeps the start line and headers only. Default true. */
  includeBodies: boolean;
}

export const SIP_TRACE_CONFIG_DEFAULTS: SipTraceConfig = Object.freeze({
  enabled: true,
  maxCalls: 500,
  maxMessagesPerCall: 100,
  retentionMinutes: 60,
  includeBodies: true,
});

export function resolveSipTraceConfig(partial: Partial<SipTraceConfig> = {}): SipTraceConfig {
  return { ...SIP_TRACE_CONFIG_DEFAULTS, ...partial };
}

/** JSON Schema of the `sipTrace` section, for the config validator. */
export const SIP_TRACE_CONFIG_SCHEMA: JsonSchema = {
  type: "object",
  additionalProperties: false,
  default: {},
  description: "In-memory SIP trace of recent calls (the dashboard's SIP ladder); bounded by calls, messages per call and age.",
  properties: {
    enabled: { type: "boolean", default: SIP_TRACE_CONFIG_DEFAULTS.enabled, description: "Keep the SIP messages of recent calls." },
    maxCalls: { type: "integer", minimum: 1, maximum: 100_000, default: SIP_TRACE_CONFIG_DEFAULTS.maxCalls, description: "Calls (SIP Call-IDs) kept at once; the oldest goes first." },
    maxMessagesPerCall: {
      type: "integer",
      minimum: 1,
      maximum: 10_000,
      default: SIP_TRACE_CONFIG_DEFAULTS.maxMessagesPerCall,
      description: "Messages kept per Call-ID; later ones are counted, not kept.",
    },
    retentionMinutes: {
      type: "integer",
      minimum: 1,
      maximum: 10_080,
      default: SIP_TRACE_CONFIG_DEFAULTS.retentionMinutes,
      description: "A Call-ID with no message for this long is forgotten.",
    },
    includeBodies: { type: "boolean", default: SIP_TRACE_CONFIG_DEFAULTS.includeBodies, description: "Keep message bodies (SDP, PIDF); false keeps start line and headers only." },
  },
};
