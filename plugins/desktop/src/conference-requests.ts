/**
 * Conference requests: mapped one to one onto {@link ConferenceControl}, found through the `conferencing.control`
 * extension point at request time. Without a provider (the conferencing plugin not enabled) they are answered
 * with TANDEM_ERR_DESKTOP_NOT_IMPLEMENTED, as before conferencing existed.
 */
import type { CallControlResult, ConferenceControl } from "@tandem/sdk";
import { DesktopErrors } from "./errors.js";
import type { ConferenceRequestName, DnRequest } from "./protocol.js";

function need(request: DnRequest, field: "connId" | "heldConnId" | "destination" | "otherDn"): string {
  const value = request[field];
  if (typeof value !== "string") throw DesktopErrors.requestInvalid(request.request, `must have required property '${field}'`);
  return value;
}

/** Calls the verb that `request` names. */
export function dispatchConference(conf: ConferenceControl, name: ConferenceRequestName, request: DnRequest): Promise<CallControlResult> {
  const base = { dn: request.dn, referenceId: request.referenceId, source: "desktop", connId: need(request, "connId") };
  const extra = request.userData === undefined ? {} : { userData: request.userData };
  switch (name) {
    case "RequestInitiateConference":
      return conf.initiateConference({ ...base, destination: need(request, "destination"), ...extra });
    case "RequestCompleteConference":
      return conf.completeConference({ ...base, heldConnId: need(request, "heldConnId") });
    case "RequestMergeCalls":
      return conf.mergeCalls({ ...base, heldConnId: need(request, "heldConnId") });
    case "RequestSingleStepConference":
      return conf.singleStepConference({ ...base, destination: need(request, "destination"), ...extra });
    case "RequestDeleteFromConference":
      return conf.deleteFromConference({ ...base, otherDn: need(request, "otherDn") });
  }
}
