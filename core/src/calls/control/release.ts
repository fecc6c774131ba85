/**
 * RequestReleaseCall: the agent ends the call from the desktop. Both legs get a BYE (the bridge is stopped
 * first so it does not relay one BYE into the other), EventReleased goes to the DNs on the call and the agent
 * leaves the call per the model's after-call setting (`releaseCall`). A make-call still dialling is cancelled.
 */
import type { CallControlResult, CallRequest, SipLeg } from "@tandem/sdk";
import { releaseCall, rejectCall } from "../call-endings.js";
import { CallState } from "../call-types.js";
import { asRequest, callOf, type ControlContext } from "./control-context.js";
import { CallControlErrors } from "./errors.js";

export async function releaseRequest(cc: ControlContext, request: CallRequest): Promise<CallControlResult> {
  const call = callOf(cc, request, "RequestReleaseCall");
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
  await Promise.all(legs.map((leg) => leg.bye().catch((err: unknown) => cc.ctx.logger.warn({ err, connId: call.connId }, "BYE failed"))));
  return { connId: call.connId };
}
