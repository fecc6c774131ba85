/**
 * What a subscriber does after `Subscription-State: terminated`, by reason (RFC 6665 §4.1.3):
 *
 * - `deactivated`, `timeout`: re-subscribe at once (the notifier ended the dialog, not the interest).
 * - `probation`, `giveup`: try again later, not before `retry-after` when given.
 * - `rejected`, `noresource`, `invariant`: SHOULD NOT re-subscribe. The agent is logged out (see the mapper); we
 *   still try again after the longest backoff, so a phone re-provisioned on the PBX comes back without a restart.
 * - no reason or an unknown one: MAY re-subscribe at any time, so at once (a `retry-after` still wins).
 */
import { RESOURCE_GONE } from "./presence-mapper.js";

export type TerminationPlan =
  /** A new SUBSCRIBE now (backoff only if this keeps happening). */
  | { readonly kind: "now" }
  /** A new SUBSCRIBE after `retryAfter` seconds, or after the usual backoff. */
  | { readonly kind: "later"; readonly retryAfter?: number }
  /** A new SUBSCRIBE only after the longest backoff (or `retry-after`). */
  | { readonly kind: "rarely"; readonly retryAfter?: number };

const LATER = new Set(["probation", "giveup"]);

export function planAfterTermination(reason: string | undefined, retryAfter: number | undefined): TerminationPlan {
  const after = retryAfter !== undefined ? { retryAfter } : {};
  if (reason !== undefined && RESOURCE_GONE.has(reason)) return { kind: "rarely", ...after };
  if (retryAfter !== undefined || (reason !== undefined && LATER.has(reason))) return { kind: "later", ...after };
  return { kind: "now" };
}
