/**
 * What becomes of an agent whose phone refused a routed call. One policy for both refusals, on the registry's
 * own NotReady mechanism (a detach with `after: "NotReady"` held by the call model with `releasableBy`):
 *
 * - ring-no-answer: NotReady with `calls.noAnswerReason` (or the strategy's reason) when `calls.noAnswerNotReady`;
 * - busy (486/600): NotReady with `calls.busyReason` when `calls.busyNotReady`; and, whatever that option, the
 *   agent is not offered another routed call for `calls.busyHoldOffMs`, so a phone that answers busy (a private
 *   call, do-not-disturb, a second line the presence feed does not show) is not rung again within milliseconds:
 *   the call goes to another Ready agent or waits in its queue.
 *
 * The agent leaves Busy straight into that NotReady, never Ready in between. Only the interfaces in
 * `calls.noAnswerReleasableBy` (a person: desktop, admin) lift it; presence (the phone idle again) does not.
 */
import type { CallDetachOptions, RouteAttemptOutcome } from "@tandem/sdk";
import type { CallModelContext } from "./call-model-context.js";

/** Ends `connId`'s hold on agent `dn` after its phone refused the call with `outcome`. */
export function releaseRefusingAgent(
  ctx: CallModelContext,
  connId: string,
  dn: string,
  outcome: RouteAttemptOutcome,
  noAnswerReason?: string,
): void {
  ctx.reservations.release(dn, connId, detachAfterRefusal(ctx, outcome, noAnswerReason));
  if (outcome === "busy") holdOffBusyAgent(ctx, dn);
}

/** A busy agent is not offered routed calls for `calls.busyHoldOffMs` (0: offered again at once). */
export function holdOffBusyAgent(ctx: CallModelContext, dn: string): void {
  if (ctx.config.busyHoldOffMs <= 0) return;
  ctx.reservations.holdOff(dn, ctx.config.busyHoldOffMs);
  ctx.logger.info({ dn, holdOffMs: ctx.config.busyHoldOffMs }, "agent answered busy; not offered routed calls for a while");
}

function detachAfterRefusal(ctx: CallModelContext, outcome: RouteAttemptOutcome, noAnswerReason?: string): CallDetachOptions {
  const { config } = ctx;
  if (outcome === "no-answer" && config.noAnswerNotReady) return refusalNotReady(ctx, noAnswerReason ?? config.noAnswerReason);
  if (outcome === "busy" && config.busyNotReady) return refusalNotReady(ctx, config.busyReason);
  return { source: "calls" };
}

function refusalNotReady(ctx: CallModelContext, reasonCode: string): CallDetachOptions {
  return { after: "NotReady", reasonCode, source: "calls", releasableBy: ctx.config.noAnswerReleasableBy };
}
