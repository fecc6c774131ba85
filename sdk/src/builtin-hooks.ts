/**
 * The decision hooks the core itself calls. Their cards (kind, when, what comes before and after) are in
 * `docs/reference/hooks.md`.
 */
import type { CallUserData } from "./call-control.js";
import type { SipFailureOrigin } from "./errors.js";
import { defineHook } from "./hooks.js";

/** Why an earlier delivery of the call failed. */
export type RouteAttemptOutcome =
  /** The destination answered 486/600 (busy). */
  | "busy"
  /** 480/404/other final error, or the agent could not be reserved (not Ready, already on a call). */
  | "unavailable"
  /** Ring-no-answer: no final answer within the ring time-out (408 or our own time-out). */
  | "no-answer"
  /** Transport failure or no trunk to reach the destination. */
  | "failed";

/** One earlier try to deliver the call, oldest first in {@link RouteRequest.attempts}. */
export interface RouteAttempt {
  /** The DN the call was offered to. */
  readonly dn: string;
  readonly outcome: RouteAttemptOutcome;
  /** SIP status of the failure, when one came. */
  readonly status?: number;
  /** Queue the call came from, as the strategy reported it with `report({ kind: "queued" })`. */
  readonly queue?: string;
  /** ISO time the attempt ended. */
  readonly at: string;
}

/** Progress a strategy reports while it holds the call; the core turns it into call events. */
export type RouteProgress =
  /** The call waits in `queue` (EventQueued on the queue's DN, or on the Routing Point). */
  | { readonly kind: "queued"; readonly queue: string; readonly priority?: number; readonly position?: number }
  /** The call left `from` for `to` without being answered (EventDiverted), e.g. a queue overflow. */
  | { readonly kind: "diverted"; readonly from: string; readonly to: string; readonly reason?: string };

/**
 * A call waiting for a routing decision at a Routing Point. A strategy may take its time (queueing): the
 * caller hears ringing (180) until the hook's promise settles, and `signal` aborts when the caller hangs up.
 */
export interface RouteRequest {
  readonly connId: string;
  /** The Routing Point DN the call arrived at. */
  readonly routingPoint: string;
  /** Caller number (ANI). */
  readonly ani?: string;
  /** Dialled number (DNIS). */
  readonly dnis: string;
  readonly userData: Readonly<Record<string, unknown>>;
  /** Aborted when the caller hangs up (CANCEL) or the core gives up on the call; a strategy drops it then. */
  readonly signal: AbortSignal;
  /** Earlier deliveries of this call that failed (empty on the first request); a requeue after ring-no-answer sees them. */
  readonly attempts: readonly RouteAttempt[];
  /** Set when an earlier decision was `{ kind: "queue" }`: the strategy is asked to hold the call in that queue. */
  readonly queue?: { readonly queue: string; readonly priority?: number };
  /**
   * Reserves an agent DN for this call at once (atomic: the agent is Busy with this call when it returns true;
   * false when the agent is not Ready or already has a call). A strategy that reserves answers `{ kind: "agent" }`
   * with the same DN; an agent decision without reservation is reserved by the core.
   */
  reserve(dn: string): boolean;
  /** Gives back a reservation the strategy made but will not use. */
  unreserve(dn: string): void;
  /** Reports progress (queued, diverted), emitted as call events with the call's ConnID, ANI, DNIS and user data. */
  report(progress: RouteProgress): void;
}

/**
 * Keys a strategy attaches to the call with its decision (e.g. `record: true`, which the recording plugin reads):
 * merged into the call's user data before the call moves on, reported as EventAttachedDataChanged on the Routing
 * Point and carried by every later event. Any decision but `reject` may carry it.
 */
export interface RouteUserData {
  readonly userData?: Readonly<CallUserData>;
}

/** Where a call should go. */
export type RouteDecision =
  | ({
      readonly kind: "agent";
      readonly dn: string;
      /** Ring-no-answer time-out for this delivery (default: the core's `calls.ringTimeoutMs`). */
      readonly ringTimeoutMs?: number;
      /** Reason code the agent's NotReady carries after a ring-no-answer (default: the core's). */
      readonly noAnswerReason?: string;
    } & RouteUserData)
  | ({ readonly kind: "queue"; readonly queue: string; readonly priority?: number } & RouteUserData)
  | ({ readonly kind: "dn"; readonly dn: string } & RouteUserData)
  | { readonly kind: "reject"; readonly status: number; readonly reason?: string };

/** `routeCall` (kind `first`): picks the destination of a call at a Routing Point. */
export const routeCall = defineHook<[RouteRequest], RouteDecision>("routeCall", "first");

/** A request for the trunk an outbound leg should use. */
export interface TrunkSelectionRequest {
  readonly connId?: string;
  /** Number or URI user to reach on the PBX (agent DN, external number). */
  readonly destination: string;
  readonly routingPoint?: string;
  /** Trunk DNs already tried for this leg (failover). */
  readonly exclude: readonly string[];
}

/** The trunk to use and the Request-URI through it. */
export interface TrunkChoice {
  /** Trunk DN number. */
  readonly trunk: string;
  /** Full Request-URI, e.g. `sip:1001@10.0.0.5:5060;transport=tcp`. */
  readonly target: string;
}

/**
 * `selectTrunk` (kind `first`): picks the trunk for an outbound leg. Without any handler the core uses the single
 * configured trunk (its `contact`, then each `contact-backup` on failover); once a handler is tapped, `null` from
 * every handler means no trunk is in service and the leg fails with 503.
 */
export const selectTrunk = defineHook<[TrunkSelectionRequest], TrunkChoice>("selectTrunk", "first");

/** One INVITE through a trunk that failed before the far end answered provisionally. */
export interface TrunkFailureReport {
  /** Trunk DN the INVITE went through (the `selectTrunk` choice). */
  readonly trunk: string;
  readonly connId?: string;
  /** Number or URI user the leg was for. */
  readonly destination: string;
  /** The Request-URI the INVITE went to (tells which node of the trunk failed). */
  readonly target: string;
  /** Final status: the far end's, 408 for a time-out, 503 for a transport error. */
  readonly status: number;
  /** `remote` (a response came), `timeout` (none came), `transport` (the connection failed). */
  readonly origin: SipFailureOrigin;
}

/** Whether the leg tries the next trunk within the same call. */
export interface TrunkFailureVerdict {
  readonly retry: boolean;
}

/**
 * `reportTrunkFailure` (kind `first`): told of each failed INVITE through a trunk (for health and counters), it
 * answers whether the same call tries the next trunk. 486, 487, 600 and 603 are never retried whatever the answer;
 * without a handler the core retries on a time-out, a transport error and 503.
 */
export const reportTrunkFailure = defineHook<[TrunkFailureReport], TrunkFailureVerdict>("reportTrunkFailure", "first");
