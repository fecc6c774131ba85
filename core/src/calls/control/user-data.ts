/**
 * RequestAttachUserData / RequestUpdateUserData: keys travel with the call — in every later event's
 * `userData`, in EventAttachedDataChanged on the agent's DN, and in the call record (CDR).
 */
import type { CallControlResult, CallUserData, UserDataRequest } from "@tandem/sdk";
import type { Call } from "../call.js";
import { asRequest, callOf, type ControlContext } from "./control-context.js";
import { CallControlErrors } from "./errors.js";

/** Merges `data` into the call and its record; `attach` refuses keys the call already has. */
export function applyUserData(cc: ControlContext, call: Call, data: CallUserData, mode: "attach" | "update"): void {
  if (mode === "attach") {
    const existing = Object.keys(data).filter((key) => Object.hasOwn(call.userData, key));
    if (existing.length > 0) throw CallControlErrors.userDataExists(call.connId, existing.join(", "));
  }
  Object.assign(call.userData, data);
  cc.ctx.store.updateCall(call.connId, { userData: call.userData });
}

export async function userDataRequest(cc: ControlContext, request: UserDataRequest, mode: "attach" | "update"): Promise<CallControlResult> {
  const name = mode === "attach" ? "RequestAttachUserData" : "RequestUpdateUserData";
  const call = callOf(cc, request, name);
  applyUserData(cc, call, request.userData, mode);
  asRequest(call, request, () =>
    cc.ctx.events.emit("EventAttachedDataChanged", call, request.dn, { thisDn: request.dn, changed: { ...request.userData } }),
  );
  return { connId: call.connId };
}
