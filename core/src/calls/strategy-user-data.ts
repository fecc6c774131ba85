/**
 * User data a routing strategy attaches with its decision (`RouteDecision.userData`): merged into the call and its
 * record before the call moves on, so the delivery and every later event carry it (e.g. `record: true` asking the
 * recording plugin for a recording — Genesys's selective recording set by the strategy).
 */
import type { RouteDecision } from "@tandem/sdk";
import type { Call } from "./call.js";
import type { CallEndings } from "./call-endings.js";

export function attachStrategyUserData(ctx: CallEndings, call: Call, decision: RouteDecision): void {
  const data = decision.kind === "reject" ? undefined : decision.userData;
  if (!data || Object.keys(data).length === 0) return;
  Object.assign(call.userData, data);
  ctx.store.updateCall(call.connId, { userData: call.userData });
  ctx.events.emit("EventAttachedDataChanged", call, call.routingPoint, { thisDn: call.routingPoint, changed: { ...data } });
}
