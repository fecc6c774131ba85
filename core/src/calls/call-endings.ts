/**
 * The ways a call ends. Each is idempotent (a second ending of an ended call does nothing), emits the final
 * events on the DNs still on the call, frees the agent and closes the record.
 */
import type { CallDetachOptions, LegEndReason } from "@tandem/sdk";
import type { Call } from "./call.js";
import { CallState, type CallOutcome } from "./call-types.js";
import type { CallModelContext } from "./call-model-context.js";
import { endTreatment } from "./queue-treatment.js";
import { stopRinging } from "./provisional-refresh.js";

/** What the model does with a call once it is over (forget it). */
export interface CallEndings extends CallModelContext {
  closed(call: Call): void;
}

/** Queue wait: from the first time the call entered a queue until it rang the agent who answered (or ended). */
function queueWait(call: Call, untilMs: number): number {
  return call.queuedAtMs === undefined ? 0 : Math.max(0, untilMs - call.queuedAtMs);
}

function afterCallOptions(ctx: CallModelContext): CallDetachOptions {
  const { afterCall, afterCallReasonCode } = ctx.config;
  if (afterCall === "base") return { source: "calls" };
  return { after: afterCall, source: "calls", ...(afterCallReasonCode ? { reasonCode: afterCallReasonCode } : {}) };
}

/**
 * What a call's signal is aborted with when the call ends: the AbortError `abort()` would make, made once, since a
 * DOMException captures a stack trace each time it is built (about 1 % of a routed call's time).
 */
const CALL_ENDED = new DOMException("The call ended.", "AbortError");

/** Releases every DN still on the call with one event each. */
function releaseParties(ctx: CallModelContext, call: Call, name: "EventReleased", extra: Record<string, unknown>): void {
  for (const dn of call.activeDns()) {
    call.endParty(dn);
    ctx.events.emit(name, call, dn, extra);
  }
}

function close(ctx: CallEndings, call: Call, outcome: CallOutcome, extra: { releasedBy?: string; rejectStatus?: number }): void {
  const now = new Date();
  call.abort.abort(CALL_ENDED);
  stopRinging(call);
  void endTreatment(ctx, call, "call-ended");
  call.queueWaitMs ??= queueWait(call, now.getTime());
  ctx.store.updateCall(call.connId, {
    state: call.state,
    outcome,
    endedAt: now.toISOString(),
    queueWaitMs: call.queueWaitMs,
    ...extra,
  });
  ctx.metrics.ended(outcome, call);
  ctx.closed(call);
}

/** An answered call ended: `by` is the side that hung up (`customer`, `agent`) or `system`. */
export function releaseCall(ctx: CallEndings, call: Call, by: string, reason?: LegEndReason): void {
  if (call.ended) return;
  call.to(CallState.Released);
  const now = new Date().toISOString();
  const agentEnd = by === "agent" ? reason?.by ?? "remote" : "local";
  const customerEnd = by === "customer" ? reason?.by ?? "remote" : "local";
  ctx.store.updateLeg(call.customerLegRow, { endedAt: now, endedBy: customerEnd });
  if (call.agentLegRow !== undefined) ctx.store.updateLeg(call.agentLegRow, { endedAt: now, endedBy: agentEnd });
  releaseParties(ctx, call, "EventReleased", { releasedBy: by, cause: reason?.by ?? "normal" });
  if (call.agentDn) ctx.reservations.release(call.agentDn, call.connId, afterCallOptions(ctx));
  close(ctx, call, "answered", { releasedBy: by });
}

/** The caller hung up (CANCEL) before anyone answered: EventAbandoned where the call waited. */
export function abandonCall(ctx: CallEndings, call: Call): void {
  if (call.ended) return;
  void endTreatment(ctx, call, "call-ended");
  const where = call.state === CallState.Queued && call.queue !== undefined ? queueDn(ctx, call) : call.routingPoint;
  call.to(CallState.Abandoned);
  ctx.store.updateLeg(call.customerLegRow, { endedAt: new Date().toISOString(), endedBy: "cancel", status: 487 });
  if (call.agentDn) {
    // The agent's phone was ringing: its party goes with a release, the call itself is abandoned.
    call.endParty(call.agentDn);
    ctx.events.emit("EventReleased", call, call.agentDn, { cause: "abandoned" });
    ctx.reservations.release(call.agentDn, call.connId, { source: "calls" });
  }
  for (const dn of call.activeDns()) call.endParty(dn);
  ctx.events.emit("EventAbandoned", call, where, { queue: call.queue ?? null });
  releaseStrategyHolds(ctx, call);
  close(ctx, call, "abandoned", {});
}

/** The call is refused with a final error to the caller (`status` 4xx–6xx). */
export function rejectCall(ctx: CallEndings, call: Call, status: number, cause: string, reason?: string): void {
  if (call.ended) return;
  void endTreatment(ctx, call, "call-ended");
  call.to(CallState.Rejected);
  if (!call.callerGone) call.invite.reject(status, reason ? { reason } : undefined);
  ctx.store.updateLeg(call.customerLegRow, { endedAt: new Date().toISOString(), endedBy: "local", status });
  releaseParties(ctx, call, "EventReleased", { cause, status });
  if (call.agentDn) ctx.reservations.release(call.agentDn, call.connId, { source: "calls" });
  releaseStrategyHolds(ctx, call);
  close(ctx, call, "rejected", { rejectStatus: status });
}

/** Gives back reservations a strategy made for this call and never used. */
export function releaseStrategyHolds(ctx: CallModelContext, call: Call, keep?: string): void {
  for (const dn of ctx.reservations.heldBy(call.connId)) {
    if (dn !== call.agentDn && dn !== keep) ctx.reservations.release(dn, call.connId, { source: "calls" });
  }
}

/** The DN to put queue events on: the queue's own DN when it is one, else the Routing Point. */
export function queueDn(ctx: CallModelContext, call: Call): string {
  return call.queue !== undefined && ctx.dns.get(call.queue) ? call.queue : call.routingPoint;
}
