/**
 * Asking the `routeCall` strategy. The request carries an abort signal (the caller hung up), the failed
 * attempts so far (requeue after ring-no-answer), atomic agent reservation and progress reporting; the
 * answer may take as long as the call is queued, bounded by `calls.maxRouteWaitMs`.
 */
import { routeCall, type RouteDecision, type RouteProgress, type RouteRequest } from "@tandem/sdk";
import type { Call } from "./call.js";
import { CallState } from "./call-types.js";
import { queueDn } from "./call-endings.js";
import type { CallModelContext } from "./call-model-context.js";
import { CallErrors } from "./errors.js";
import { startQueueTreatment } from "./queue-treatment.js";

/** What asking gave: a decision, nobody answered, the caller left, or an error (coded). */
export type StrategyAnswer =
  | { readonly kind: "decision"; readonly decision: RouteDecision }
  | { readonly kind: "none" }
  | { readonly kind: "gone" }
  | { readonly kind: "error"; readonly error: Error };

export function buildRouteRequest(ctx: CallModelContext, call: Call): RouteRequest {
  return {
    connId: call.connId,
    routingPoint: call.routingPoint,
    ...(call.ani === undefined ? {} : { ani: call.ani }),
    dnis: call.dnis,
    userData: { ...call.userData },
    signal: call.abort.signal,
    attempts: [...call.attempts],
    ...(call.queueRequest ? { queue: { ...call.queueRequest } } : {}),
    reserve: (dn) => !call.ended && !call.callerGone && ctx.reservations.reserve(dn, call.connId, "routed"),
    unreserve: (dn) => {
      if (dn !== call.agentDn) ctx.reservations.release(dn, call.connId, { source: "calls" });
    },
    report: (progress) => reportProgress(ctx, call, progress),
  };
}

/** Turns a strategy's progress into call state and events. */
export function reportProgress(ctx: CallModelContext, call: Call, progress: RouteProgress): void {
  if (call.ended || call.callerGone) return;
  if (progress.kind === "diverted") {
    // A queue that is not a DN of its own lives on the Routing Point, like EventQueued.
    const from = ctx.dns.get(progress.from) ? progress.from : call.routingPoint;
    if (from !== call.routingPoint) call.endParty(from);
    ctx.events.emit("EventDiverted", call, from, { from: progress.from, to: progress.to, reason: progress.reason ?? null });
    return;
  }
  if (call.state !== CallState.Routing && call.state !== CallState.Queued) return;
  call.queue = progress.queue;
  call.queuedAtMs ??= Date.now();
  call.to(CallState.Queued);
  const dn = queueDn(ctx, call);
  if (!call.activeDns().includes(dn)) call.addParty("queue", dn);
  ctx.store.updateCall(call.connId, { state: call.state, queue: progress.queue });
  ctx.events.emit("EventQueued", call, dn, {
    queue: progress.queue,
    priority: progress.priority ?? 0,
    position: progress.position ?? null,
  });
  startQueueTreatment(ctx, call);
}

/** Calls `routeCall`, racing it against the caller hanging up and the route-wait bound. */
export async function askStrategy(ctx: CallModelContext, call: Call): Promise<StrategyAnswer> {
  const signal = call.abort.signal;
  if (signal.aborted) return { kind: "gone" };
  const waitLeft = call.startedMs + ctx.config.maxRouteWaitMs - Date.now();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const gone = new Promise<StrategyAnswer>((resolve) => {
    onAbort = () => resolve({ kind: "gone" });
    signal.addEventListener("abort", onAbort, { once: true });
    timer = setTimeout(
      () => resolve({ kind: "error", error: CallErrors.routeTimeout(call.connId, ctx.config.maxRouteWaitMs) }),
      Math.max(0, waitLeft),
    );
  });
  const asked = ctx.hooks.call(routeCall, buildRouteRequest(ctx, call)).then(
    (decision): StrategyAnswer => (decision ? { kind: "decision", decision } : { kind: "none" }),
    (err: unknown): StrategyAnswer => ({
      kind: "error",
      error: CallErrors.routeFailed(call.connId, err instanceof Error ? err.message : String(err)),
    }),
  );
  try {
    return await Promise.race([asked, gone]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
