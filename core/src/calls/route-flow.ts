/**
 * A call at a Routing Point (or Queue DN): EventRouteRequest, then the strategy's decisions until the call
 * is answered, abandoned or refused. A failed delivery (busy, unavailable, ring-no-answer) is recorded as an
 * attempt and the strategy is asked again, so a queue strategy can put the call back at the head.
 */
import { AGENT_DN_TYPES, type RouteDecision } from "@tandem/sdk";
import type { Call } from "./call.js";
import { CallState } from "./call-types.js";
import { abandonCall, queueDn, rejectCall, releaseCall, releaseStrategyHolds, type CallEndings } from "./call-endings.js";
import { deliverCall } from "./agent-delivery.js";
import { establishCall } from "./established.js";
import { askStrategy, reportProgress } from "./route-strategy.js";
import { CallErrors } from "./errors.js";
import { keepRinging } from "./provisional-refresh.js";
import { releaseRefusingAgent } from "./agent-refusal.js";
import { attachStrategyUserData } from "./strategy-user-data.js";

/**
 * Max decisions that send the call on without delivering it (to another Routing Point, or into a queue the
 * strategy is then asked about), so strategies that hand a call back and forth cannot spin.
 */
const MAX_REROUTES = 8;

export async function runRoutedCall(ctx: CallEndings, call: Call): Promise<void> {
  call.to(CallState.Routing);
  call.addParty("routing-point", call.routingPoint);
  if (!call.callerGone) call.invite.progress();
  keepRinging(call, ctx.config.provisionalRefreshMs);
  ctx.events.emit("EventRouteRequest", call, call.routingPoint);
  let reroutes = 0;
  while (!call.ended) {
    if (call.attempts.length >= ctx.config.maxRouteAttempts) {
      const err = CallErrors.tooManyAttempts(call.connId, call.attempts.length);
      ctx.logger.warn({ code: err.code, connId: call.connId }, err.message);
      return rejectCall(ctx, call, 480, "attempts");
    }
    const answer = await askStrategy(ctx, call);
    if (call.ended) return;
    if (answer.kind === "gone" || call.callerGone) return abandonCall(ctx, call);
    if (answer.kind === "error") {
      ctx.logger.warn({ err: answer.error, connId: call.connId }, answer.error.message);
      return rejectCall(ctx, call, 480, "route-error");
    }
    if (answer.kind === "none") {
      const err = CallErrors.noRoute(call.connId, call.routingPoint);
      ctx.logger.warn({ code: err.code, connId: call.connId }, err.message);
      return rejectCall(ctx, call, 480, "no-route");
    }
    const next = await applyDecision(ctx, call, answer.decision);
    if (next === "done") return;
    if (next === "reroute" && ++reroutes > MAX_REROUTES) return rejectCall(ctx, call, 482, "route-loop", "Loop Detected");
  }
}

type Step = "done" | "again" | "reroute";

async function applyDecision(ctx: CallEndings, call: Call, decision: RouteDecision): Promise<Step> {
  releaseStrategyHolds(ctx, call, decision.kind === "agent" ? decision.dn : undefined);
  attachStrategyUserData(ctx, call, decision);
  switch (decision.kind) {
    case "reject": {
      // Only a final error may end the caller's INVITE (RFC 3261 §8.2.6); anything else from a strategy is a bug.
      const valid = Number.isInteger(decision.status) && decision.status >= 400 && decision.status <= 699;
      if (!valid) ctx.logger.warn({ connId: call.connId, status: decision.status }, "strategy rejected with a non-error status; 480 sent");
      rejectCall(ctx, call, valid ? decision.status : 480, "rejected", valid ? decision.reason : undefined);
      return "done";
    }
    case "queue": {
      const priority = decision.priority === undefined ? {} : { priority: decision.priority };
      call.queueRequest = { queue: decision.queue, ...priority };
      reportProgress(ctx, call, { kind: "queued", queue: decision.queue, ...priority });
      return "reroute";
    }
    case "agent":
      return deliverToAgent(ctx, call, decision.dn, decision.ringTimeoutMs, decision.noAnswerReason);
    case "dn":
      return routeToDn(ctx, call, decision.dn);
  }
}

/** A `{ kind: "dn" }` decision: an agent, another Routing Point, a Queue, or any number through the trunk. */
async function routeToDn(ctx: CallEndings, call: Call, dn: string): Promise<Step> {
  const record = ctx.dns.get(dn);
  if (record && AGENT_DN_TYPES.includes(record.type)) return deliverToAgent(ctx, call, dn);
  if (record?.type === "Queue") return applyDecision(ctx, call, { kind: "queue", queue: dn });
  if (record?.type === "RoutingPoint") {
    ctx.events.emit("EventDiverted", call, call.routingPoint, { to: dn, reason: "reroute" });
    call.endParty(call.routingPoint);
    call.routingPoint = dn;
    call.queueRequest = undefined;
    call.addParty("routing-point", dn);
    ctx.events.emit("EventRouteRequest", call, dn);
    return "reroute";
  }
  return deliverTo(ctx, call, dn, "destination", ctx.config.ringTimeoutMs);
}

async function deliverToAgent(ctx: CallEndings, call: Call, dn: string, ringTimeoutMs?: number, reason?: string): Promise<Step> {
  if (!ctx.reservations.reserve(dn, call.connId, "routed")) {
    ctx.logger.debug({ connId: call.connId, dn }, "agent could not be reserved");
    call.attempts.push({ dn, outcome: "unavailable", at: new Date().toISOString(), ...(call.queue ? { queue: call.queue } : {}) });
    return "again";
  }
  return deliverTo(ctx, call, dn, "agent", ringTimeoutMs ?? ctx.config.ringTimeoutMs, reason);
}

/** Rings `dn`; on failure records the attempt (and applies the refusal policy to the agent: agent-refusal.ts). */
async function deliverTo(
  ctx: CallEndings,
  call: Call,
  dn: string,
  role: "agent" | "destination",
  ringTimeoutMs: number,
  noAnswerReason?: string,
): Promise<Step> {
  leaveRouting(ctx, call);
  call.agentDn = role === "agent" ? dn : undefined;
  call.addParty(role, dn);
  call.to(CallState.Ringing);
  ctx.store.updateCall(call.connId, { state: call.state, ...(role === "agent" ? { agentDn: dn } : {}) });
  ctx.events.emit("EventRinging", call, dn, { otherDn: call.farParty ?? null, thisDn: dn });
  const result = await deliverCall(ctx, call, dn, { ringTimeoutMs, role });
  if (call.ended) return "done";
  if (result.ok) {
    establishCall(ctx, call, dn);
    if (result.mediaFailed) await releaseWithoutMedia(ctx, call);
    return "done";
  }
  if (result.outcome === "caller-gone") {
    abandonCall(ctx, call);
    return "done";
  }
  if (result.noTrunk) {
    // No trunk reaches the PBX: any other agent would fail the same way, so the caller gets 503 at once.
    rejectCall(ctx, call, 503, "no-trunk");
    return "done";
  }
  call.endParty(dn);
  ctx.events.emit("EventReleased", call, dn, { cause: result.outcome, status: result.status ?? null });
  if (role === "agent") releaseRefusingAgent(ctx, call.connId, dn, result.outcome, noAnswerReason);
  call.agentDn = undefined;
  call.attempts.push({
    dn,
    outcome: result.outcome,
    at: new Date().toISOString(),
    ...(result.status === undefined ? {} : { status: result.status }),
    ...(call.queue ? { queue: call.queue } : {}),
  });
  call.to(CallState.Routing);
  call.addParty("routing-point", call.routingPoint);
  ctx.store.updateCall(call.connId, { state: call.state });
  return "again";
}

/** The party answered but the caller's media could not be moved to it: release rather than leave dead air. */
async function releaseWithoutMedia(ctx: CallEndings, call: Call): Promise<void> {
  releaseCall(ctx, call, "system", { by: "local" });
  call.bridge?.unbridge();
  await Promise.all([call.customerLeg?.bye(), call.agentLeg?.bye()].map((p) => p?.catch(() => undefined)));
}

/** The call leaves its Routing Point (EventRouteUsed) and queue (EventDiverted) for a destination. */
function leaveRouting(ctx: CallEndings, call: Call): void {
  const queue = call.state === CallState.Queued ? queueDn(ctx, call) : undefined;
  if (queue !== undefined && queue !== call.routingPoint) {
    call.endParty(queue);
    ctx.events.emit("EventDiverted", call, queue, { queue: call.queue ?? null });
  }
  call.endParty(call.routingPoint);
  ctx.events.emit("EventRouteUsed", call, call.routingPoint, { queue: call.queue ?? null });
}
