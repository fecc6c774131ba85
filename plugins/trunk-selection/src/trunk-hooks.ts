/**
 * How the call model tells trunk selection that an INVITE through a trunk failed, and learns whether to try
 * the next trunk within the same call.
 *
 * `reportTrunkFailure` (kind `first`) — card:
 * - when: the outbound leg's INVITE through `trunk` (a choice `selectTrunk` made) ended without a 2xx;
 *   called once per failed attempt, before the next `selectTrunk` with `exclude` grown by this trunk;
 * - before: `selectTrunk` returned `{ trunk, target }` and the INVITE went to `target`;
 * - after: on `{ retry: true }` the caller calls `selectTrunk` again with the failed trunks in `exclude`;
 *   on `{ retry: false }` (or when it returns `null`, i.e. no plugin answers) the caller applies
 *   {@link defaultTrunkVerdict}, then ends the leg with the status it got.
 * - the trunk-selection plugin counts the failure, takes the endpoint out of service on a time-out or transport
 *   error (`oosOnCallFailure`), and answers from its `failoverCodes` (never 486, 487, 600, 603).
 *
 * Hooks are matched by name and kind, so the core may declare the same reference in its own code (or the SDK may
 * adopt this one in `builtin-hooks.ts`) without importing this plugin.
 */
import { defineHook, type SipFailureOrigin } from "@tandem/sdk";

/** One failed INVITE through a trunk. */
export interface TrunkFailureReport {
  readonly trunk: string;
  readonly connId?: string;
  readonly destination: string;
  /** The Request-URI the INVITE went to (tells which endpoint of the trunk failed). */
  readonly target: string;
  /** Final status (408 for our own time-out, 503 for a transport failure). */
  readonly status: number;
  readonly origin: SipFailureOrigin;
}

/** Whether the call should try another trunk. */
export interface TrunkFailureVerdict {
  readonly retry: boolean;
}

export const reportTrunkFailure = defineHook<[TrunkFailureReport], TrunkFailureVerdict>("reportTrunkFailure", "first");

/** The answer without any handler: retry on time-out, transport error and 503; never on busy, decline or CANCEL. */
export function defaultTrunkVerdict(report: Pick<TrunkFailureReport, "status" | "origin">): TrunkFailureVerdict {
  if (report.origin === "timeout" || report.origin === "transport") return { retry: true };
  return { retry: report.status === 503 };
}
