/**
 * The `admission` section: how many calls Tandem takes at once before it answers new INVITEs 503 with
 * Retry-After (call-admission.ts). The defaults keep a flood from one source, or at one number, from holding
 * memory without bound, while leaving room for a contact centre's busy hour through a PBX trunk.
 */
import type { JsonSchema } from "@tandem/sdk";

export interface AdmissionConfig {
  /** Most calls (inbound INVITEs not yet ended: ringing, queued or answered) at once; 0: no limit. Default 2000. */
  maxCalls: number;
  /**
   * Most unanswered calls (ringing or queued) at once at one dialled DN — a Routing Point, a Queue DN, an agent's
   * DID; answered calls do not count, so a busy main number is not capped by its agents' talk; 0: no limit. Default 500.
   */
  maxWaitingPerDn: number;
  /** Most calls at once from one source IP address (a PBX node counts as one); 0: no limit. Default 1000. */
  maxCallsPerSource: number;
  /**
   * Event-loop utilisation (0..1) above which, sustained, a share of new INVITEs is refused so the calls taken
   * stay within what the process can serve (loop-load.ts); 0: no limit. Default 0 (off): on a machine shared
   * with other busy processes the loop reads busy while it merely waits for a core, and sheds more than needed.
   */
  maxLoopUtilization: number;
  /** Seconds in the 503's Retry-After (RFC 3261 §20.33). Default 30. */
  retryAfterSeconds: number;
  /** Shedding is over (EventOverloadEnded) once no INVITE was refused for this long, ms. Default 10000. */
  sheddingQuietMs: number;
}

export const ADMISSION_CONFIG_DEFAULTS: AdmissionConfig = Object.freeze({
  maxCalls: 2000,
  maxWaitingPerDn: 500,
  maxCallsPerSource: 1000,
  maxLoopUtilization: 0,
  retryAfterSeconds: 30,
  sheddingQuietMs: 10_000,
});

export function resolveAdmissionConfig(partial: Partial<AdmissionConfig> = {}): AdmissionConfig {
  return { ...ADMISSION_CONFIG_DEFAULTS, ...partial };
}

const limit = (description: string, fallback: number): JsonSchema => ({ type: "integer", minimum: 0, default: fallback, description });

/** JSON Schema of the `admission` section, for the config validator. */
export const ADMISSION_CONFIG_SCHEMA: JsonSchema = {
  type: "object",
  additionalProperties: false,
  default: {},
  description:
    "Overload control: past these limits new INVITEs get 503 with Retry-After before any dialog or call exists (RFC 3261 §21.5.4).",
  properties: {
    maxCalls: limit("Most calls at once (inbound INVITEs not yet ended: ringing, queued or answered); 0: no limit.", ADMISSION_CONFIG_DEFAULTS.maxCalls),
    maxWaitingPerDn: limit(
      "Most unanswered calls (ringing or queued) at once at one dialled DN (Routing Point, Queue DN, agent DID); answered calls do not count; 0: no limit.",
      ADMISSION_CONFIG_DEFAULTS.maxWaitingPerDn,
    ),
    maxCallsPerSource: limit(
      "Most calls at once from one source IP address (a PBX node counts as one); 0: no limit.",
      ADMISSION_CONFIG_DEFAULTS.maxCallsPerSource,
    ),
    maxLoopUtilization: {
      type: "number",
      minimum: 0,
      maximum: 1,
      default: ADMISSION_CONFIG_DEFAULTS.maxLoopUtilization,
      description:
        "Event-loop utilisation (0..1) above which, sustained, a share of new INVITEs is refused so the calls taken stay within what the process can serve (0.95 is a fair start on a machine of its own); 0: no limit.",
    },
    retryAfterSeconds: { type: "integer", minimum: 1, maximum: 86400, default: ADMISSION_CONFIG_DEFAULTS.retryAfterSeconds, description: "Seconds in the 503's Retry-After (RFC 3261 §20.33)." },
    sheddingQuietMs: {
      type: "integer",
      minimum: 1000,
      default: ADMISSION_CONFIG_DEFAULTS.sheddingQuietMs,
      description: "Shedding is over (EventOverloadEnded) once no INVITE was refused for this long, ms.",
    },
  },
};
