/**
 * The decision hooks the core itself calls. Their cards (kind, when, what comes before and after) are in
 * `docs/reference/hooks.md`.
 */
import { defineHook } from "./hooks.js";

/** A call waiting for a routing decision at a Routing Point. */
export interface RouteRequest {
  readonly connId: string;
  /** The Routing Point DN the call arrived at. */
  readonly routingPoint: string;
  /** Caller number (ANI). */
  readonly ani?: string;
  /** Dialled number (DNIS). */
  readonly dnis: string;
  readonly userData: Readonly<Record<string, unknown>>;
}

/** Where a call should go. */
export type RouteDecision =
  | { readonly kind: "agent"; readonly dn: string }
  | { readonly kind: "queue"; readonly queue: string; readonly priority?: number }
  | { readonly kind: "dn"; readonly dn: string }
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

/** `selectTrunk` (kind `first`): picks the trunk for an outbound leg; without a plugin the single configured trunk is used. */
export const selectTrunk = defineHook<[TrunkSelectionRequest], TrunkChoice>("selectTrunk", "first");
