/**
 * The call model's settings (`calls` section, all optional). Kept small: the routing strategy (a plugin)
 * owns queue behaviour; these are the core's own guards and agent policies.
 */
import type { CallDetachOptions } from "@tandem/sdk";

export interface CallsConfig {
  /** Agent state after a call: `base` (what it was before), `Ready`, `NotReady` or `AfterCallWork`. Default `base`. */
  afterCall: "base" | NonNullable<CallDetachOptions["after"]>;
  /** Reason code for the NotReady/AfterCallWork set after a call, if any. */
  afterCallReasonCode?: string;
  /** Ring-no-answer time-out of an agent leg, ms, unless the strategy gives one. Default 15000. */
  ringTimeoutMs: number;
  /** Set the agent NotReady after a ring-no-answer. Default true. */
  noAnswerNotReady: boolean;
  /** Reason code of that NotReady. Default `RingNoAnswer`. */
  noAnswerReason: string;
  /**
   * Interfaces whose Ready lifts that NotReady, and the busy one's (besides the call model). Default `desktop` and `admin`: a person
   * puts the agent back in rotation; presence (the phone going idle) does not, or an absent agent would be rung
   * again and again (Genesys: agent-no-answer-action = notready).
   */
  noAnswerReleasableBy: string[];
  /**
   * After an agent's phone answers busy (486/600) it is not offered routed calls for this long, ms; 0 offers it
   * again at once. Default 10000.
   */
  busyHoldOffMs: number;
  /** Also set the agent NotReady after a busy answer (held like a ring-no-answer's). Default false. */
  busyNotReady: boolean;
  /** Reason code of that NotReady. Default `Busy`. */
  busyReason: string;
  /**
   * An INVITE to a destination (agent leg, transfer target, make-call leg) that gets no response at all — not even
   * 100 Trying — within this long is a trunk failure, ms: the leg fails over to the next trunk or node at once
   * instead of ringing out `ringTimeoutMs` into a dead trunk (Timer B, 64·T1 = 32 s, RFC 3261 §17.1.1.2, is far
   * longer). 0: wait for the ring time-out. Default 4000 (Timer B / 8).
   */
  noResponseTimeoutMs: number;
  /** Give up routing a call after this many failed deliveries (480 to the caller). Default 10. */
  maxRouteAttempts: number;
  /**
   * Longest a caller waits for a routing decision before getting 480, ms. Default 1800000 (30 min): a queue with
   * no time-out of its own still lets go of a caller who left without a CANCEL (a flood, a lost CANCEL).
   */
  maxRouteWaitMs: number;
  /** Period of the sweep that frees agents left Busy with a call the model no longer has, ms. Default 30000. */
  sweepIntervalMs: number;
  /**
   * While a routed call is unanswered its provisional response (180, or the 183 of a treatment) is sent again
   * this often, ms (RFC 3261 §13.3.1.1: every minute, so proxies do not cancel a call waiting in a queue). Default 60000.
   */
  provisionalRefreshMs: number;
  /** An established call is probed (session refresh, RFC 4028) after this long without a probe, ms. Default 1800000. */
  sessionProbeMs: number;
  /**
   * Headers of the caller's INVITE copied onto the INVITE to the agent (and to a single-step transfer's target)
   * (carried-headers.ts). Default P-Asserted-Identity, Remote-Party-ID, Privacy, Cisco-Guid.
   */
  carryHeaders: string[];
  /**
   * CIDRs whose asserted identity (P-Asserted-Identity, P-Preferred-Identity, Remote-Party-ID) is carried (RFC 3325
   * §5 trust domain); from other sources those headers are dropped. Default the SIP stack's `sip.trustedPeers`;
   * an empty list trusts nobody.
   */
  identityTrustedPeers?: string[];
}

export const CALLS_CONFIG_DEFAULTS: CallsConfig = Object.freeze({
  afterCall: "base",
  ringTimeoutMs: 15_000,
  noAnswerNotReady: true,
  noAnswerReason: "RingNoAnswer",
  noAnswerReleasableBy: ["desktop", "admin"],
  busyHoldOffMs: 10_000,
  busyNotReady: false,
  busyReason: "Busy",
  noResponseTimeoutMs: 4_000,
  maxRouteAttempts: 10,
  maxRouteWaitMs: 1_800_000,
  sweepIntervalMs: 30_000,
  provisionalRefreshMs: 60_000,
  sessionProbeMs: 1_800_000,
  carryHeaders: ["P-Asserted-Identity", "Remote-Party-ID", "Privacy", "Cisco-Guid"],
});

/** JSON Schema of the `calls` section, for the config validator. */
export const CALLS_CONFIG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    afterCall: { enum: ["base", "Ready", "NotReady", "AfterCallWork"] },
    afterCallReasonCode: { type: "string" },
    ringTimeoutMs: { type: "integer", minimum: 1000 },
    noAnswerNotReady: { type: "boolean" },
    noAnswerReason: { type: "string", minLength: 1 },
    noAnswerReleasableBy: { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true },
    busyHoldOffMs: { type: "integer", minimum: 0 },
    busyNotReady: { type: "boolean" },
    busyReason: { type: "string", minLength: 1 },
    noResponseTimeoutMs: { type: "integer", minimum: 0 },
    maxRouteAttempts: { type: "integer", minimum: 1 },
    maxRouteWaitMs: { type: "integer", minimum: 1000 },
    sweepIntervalMs: { type: "integer", minimum: 100 },
    provisionalRefreshMs: { type: "integer", minimum: 1000, maximum: 170000 },
    sessionProbeMs: { type: "integer", minimum: 1000 },
    carryHeaders: {
      type: "array",
      maxItems: 32,
      uniqueItems: true,
      items: { type: "string", pattern: "^[A-Za-z0-9!%*_+`'~.-]+$" },
      description: "Headers of the caller's INVITE copied onto the agent's INVITE (identity ones only from identityTrustedPeers)",
    },
    identityTrustedPeers: {
      type: "array",
      items: { type: "string", pattern: "^[0-9A-Fa-f:.]+/[0-9]{1,3}$" },
      description: "CIDRs whose P-Asserted-Identity / Remote-Party-ID are carried (RFC 3325 trust domain); default sip.trustedPeers",
    },
  },
} as const;

/** Defaults applied over a partial section. */
export function resolveCallsConfig(partial: Partial<CallsConfig> = {}): CallsConfig {
  return { ...CALLS_CONFIG_DEFAULTS, ...partial };
}
