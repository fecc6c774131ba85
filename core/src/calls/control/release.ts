/**
 * RequestReleaseCall: the agent ends the call from the desktop. The call is released locally at once —
 * EventReleased to the DNs on the call, the agent leaves it per the model's after-call setting (`releaseCall`),
 * the request is answered — and only then do the legs get their BYEs, in the background: a far end that has
 * vanished costs its BYE transaction its full Timer F (64·T1, RFC 3261 §17.1.2.2), which must not hold the agent
 * Busy or the desktop waiting. The bridge is stopped first so it does not relay one BYE into the other. A
 * make-call still dialling is cancelled. An agent in a conference only leaves it (party-leaving.ts).
 */
import type { CallControlResult, CallRequest, SipLeg } from "@tandem/sdk";
import { releaseCall, rejectCall } from "../call-endings.js";
import { CallState } from "../call-types.js";
import { asRequest, callOf, controlState, type ControlContext } from "./control-context.js";
import { dropParty } from "./party-leaving.js";
import { CallControlErrors } from "./errors.js";

export async function releaseRequest(cc: ControlContext, request: CallRequest): Promise<CallControlResult> {
  const call = callOf(cc, request, "RequestReleaseCall");
  // In a conference the agent leaves; the others go on as the conference's owner decides.
  if (controlState(call).owned) return dropParty(cc, { ...request, otherDn: request.dn });
  if (call.state === CallState.Ringing && call.callType === "Outbound") {
    // RequestMakeCall still ringing: the aborted signal CANCELs the INVITEs under way (ring-dn.ts).
    asRequest(call, request, () => rejectCall(cc.ctx, call, 487, "released"));
    return { connId: call.connId };
  }
  if (call.state !== CallState.Established) {
    throw CallControlErrors.badState("RequestReleaseCall", call.connId, `the call is ${call.state}; the phone must hang up`);
  }
  const legs = [call.customerLeg, call.agentLeg].filter((leg): leg is SipLeg => leg !== undefined);
  call.bridge?.unbridge();
  // Synchronously after unbridge: the bridge watcher then finds the call already released and does nothing.
  asRequest(call, request, () => releaseCall(cc.ctx, call, "agent", { by: "local" }));
  for (const leg of legs) {
    void leg.bye().catch((err: unknown) => cc.ctx.logger.warn({ err, connId: call.connId, callId: leg.callId }, "BYE failed; the leg is gone all the same"));
  }
  return { connId: call.connId };
}
