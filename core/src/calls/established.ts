/** The answered phase: EventEstablished on the agent's DN, then waiting for either side to hang up. */
import type { Call } from "./call.js";
import { CallState } from "./call-types.js";
import { releaseCall, type CallEndings } from "./call-endings.js";
import { recordDialogs } from "./lost-calls.js";

export function establishCall(ctx: CallEndings, call: Call, dn: string): void {
  const now = Date.now();
  // Queue wait ends when the answering agent's phone started ringing (the Ringing state's start).
  call.queueWaitMs = call.queuedAtMs === undefined ? 0 : Math.max(0, call.stateSince - call.queuedAtMs);
  call.to(CallState.Established, now);
  call.answeredAt = new Date(now).toISOString();
  call.lastProbeMs = now;
  ctx.store.updateCall(call.connId, {
    state: call.state,
    answeredAt: call.answeredAt,
    queueWaitMs: call.queueWaitMs,
  });
  ctx.store.updateLeg(call.customerLegRow, { answeredAt: call.answeredAt, status: 200 });
  recordDialogs(ctx, call);
  ctx.events.emit("EventEstablished", call, dn, { otherDn: call.farParty ?? null, thisDn: dn });
  const bridge = call.bridge;
  if (!bridge) return;
  // The bridge relays BYE to the other leg itself (propagateBye); we only account for it.
  bridge.ended
    .then(
      // A transfer (control/single-step-transfer.ts) replaced this bridge: its end is not the call's end.
      ({ by, reason }) => call.bridge !== bridge ? undefined : releaseCall(ctx, call, by === "a" ? "customer" : by === "b" ? "agent" : "system", reason),
      (err: unknown) => {
        ctx.logger.error({ err, connId: call.connId }, "bridge failed");
        releaseCall(ctx, call, "system");
      },
    )
    .catch((err: unknown) => ctx.logger.error({ err, connId: call.connId }, "releasing the call failed"));
}
