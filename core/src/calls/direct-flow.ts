/**
 * A direct call to an agent's DID: no strategy and no queue, but the same events and records. The agent is
 * attached for the call's length (so no routed call lands on top), whatever its Ready state.
 */
import type { Call } from "./call.js";
import { CallState } from "./call-types.js";
import { abandonCall, rejectCall, type CallEndings } from "./call-endings.js";
import { deliverCall } from "./agent-delivery.js";
import { establishCall } from "./established.js";
import { CallErrors } from "./errors.js";
import { holdOffBusyAgent } from "./agent-refusal.js";

/** SIP status for the caller when the agent's leg failed. */
const STATUS_BY_OUTCOME: Record<string, number> = { busy: 486, "no-answer": 480, unavailable: 480, failed: 503 };

export async function runDirectCall(ctx: CallEndings, call: Call): Promise<void> {
  const dn = call.entryDn;
  if (call.callerGone) return abandonCall(ctx, call);
  if (!ctx.reservations.reserve(dn, call.connId, "direct")) {
    const err = CallErrors.agentBusy(dn);
    ctx.logger.info({ code: err.code, connId: call.connId }, err.message);
    return rejectCall(ctx, call, 486, "busy");
  }
  call.agentDn = dn;
  call.addParty("agent", dn);
  call.to(CallState.Ringing);
  if (!call.callerGone) call.invite.progress();
  ctx.store.updateCall(call.connId, { state: call.state, agentDn: dn });
  ctx.events.emit("EventRinging", call, dn, { otherDn: call.farParty ?? null, thisDn: dn });
  const result = await deliverCall(ctx, call, dn, { ringTimeoutMs: ctx.config.ringTimeoutMs, role: "agent" });
  if (call.ended) return;
  if (result.ok) return establishCall(ctx, call, dn);
  if (result.outcome === "caller-gone") return abandonCall(ctx, call);
  if (result.outcome === "busy") holdOffBusyAgent(ctx, dn);
  const status = result.status && result.status !== 487 && result.status >= 400 ? result.status : (STATUS_BY_OUTCOME[result.outcome] ?? 480);
  rejectCall(ctx, call, status, result.outcome);
}
