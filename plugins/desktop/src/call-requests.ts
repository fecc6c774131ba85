/**
 * Call requests: mapped one to one onto the call model's {@link CallControl} verbs, found through the
 * `core.call-control` extension point at request time (the call model may register after this plugin).
 */
import type { CallControl, CallControlResult, CallUserData } from "@tandem/sdk";
import { DesktopErrors } from "./errors.js";
import type { CallRequestName, DnRequest } from "./protocol.js";

/** Reads a field the schema made mandatory; a defensive coded error if a caller skipped the schema. */
function need(request: DnRequest, field: "connId" | "heldConnId" | "destination" | "digits"): string {
  const value = request[field];
  if (typeof value !== "string") throw DesktopErrors.requestInvalid(request.request, `must have required property '${field}'`);
  return value;
}

function needUserData(request: DnRequest): CallUserData {
  if (request.userData === undefined) throw DesktopErrors.requestInvalid(request.request, "must have required property 'userData'");
  return request.userData;
}

/** Calls the verb that `request` names. */
export function dispatchCall(cc: CallControl, name: CallRequestName, request: DnRequest): Promise<CallControlResult> {
  const base = { dn: request.dn, referenceId: request.referenceId, source: "desktop" };
  const extra = request.userData === undefined ? {} : { userData: request.userData };
  switch (name) {
    case "RequestMakeCall":
      return cc.makeCall({ ...base, destination: need(request, "destination"), ...extra });
    case "RequestReleaseCall":
      return cc.releaseCall({ ...base, connId: need(request, "connId") });
    case "RequestHoldCall":
      return cc.holdCall({ ...base, connId: need(request, "connId") });
    case "RequestRetrieveCall":
      return cc.retrieveCall({ ...base, connId: need(request, "connId") });
    case "RequestSingleStepTransfer":
      return cc.singleStepTransfer({ ...base, connId: need(request, "connId"), destination: need(request, "destination"), ...extra });
    case "RequestInitiateTransfer":
      return cc.initiateTransfer({ ...base, connId: need(request, "connId"), destination: need(request, "destination"), ...extra });
    case "RequestCompleteTransfer":
      return cc.completeTransfer({ ...base, connId: need(request, "connId"), heldConnId: need(request, "heldConnId") });
    case "RequestAlternateCall":
      return cc.alternateCall({ ...base, connId: need(request, "connId"), heldConnId: need(request, "heldConnId") });
    case "RequestReconnectCall":
      return cc.reconnectCall({ ...base, connId: need(request, "connId"), heldConnId: need(request, "heldConnId") });
    case "RequestAttachUserData":
      return cc.attachUserData({ ...base, connId: need(request, "connId"), userData: needUserData(request) });
    case "RequestUpdateUserData":
      return cc.updateUserData({ ...base, connId: need(request, "connId"), userData: needUserData(request) });
    case "RequestSendDTMF":
      return cc.sendDtmf({ ...base, connId: need(request, "connId"), digits: need(request, "digits") });
  }
}
