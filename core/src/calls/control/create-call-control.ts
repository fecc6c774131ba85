/**
 * The call model's {@link CallControl} (SDK `CALL_CONTROL`, provided as `core`): each verb in its own file.
 */
import {
  CALL_CONTROL,
  CALL_MEDIA_TAKEOVER,
  CALL_PARTIES,
  DEFAULT_CALL_CONTROL,
  DEFAULT_CALL_MEDIA_TAKEOVER,
  DEFAULT_CALL_PARTIES,
  type CallControl,
  type CallMediaTakeover,
  type CallParties,
  type Extensions,
} from "@tandem/sdk";
import { createCallParties } from "./call-parties.js";
import { createCallMediaTakeover } from "./call-media-takeover.js";
import type { ControlDeps } from "./control-context.js";
import { initiateTransfer } from "./consult.js";
import { alternateCall } from "./consult-alternate.js";
import { completeTransfer, reconnectCall } from "./consult-end.js";
import { holdCall, retrieveCall } from "./hold.js";
import { makeCall } from "./make-call.js";
import { releaseRequest } from "./release.js";
import { sendDtmf } from "./send-dtmf.js";
import { singleStepTransfer } from "./single-step-transfer.js";
import { userDataRequest } from "./user-data.js";

/** The model's call control and, on the same state, its side of calls whose media a plugin carries. */
export type CoreCallControl = CallControl & { readonly parties: CallParties; readonly takeover: CallMediaTakeover };

export function createCallControl(deps: ControlDeps): CoreCallControl {
  const cc = { ...deps, consults: new Map() };
  return {
    parties: createCallParties(cc),
    takeover: createCallMediaTakeover(cc),
    makeCall: (request) => makeCall(cc, request),
    releaseCall: (request) => releaseRequest(cc, request),
    holdCall: (request) => holdCall(cc, request),
    retrieveCall: (request) => retrieveCall(cc, request),
    singleStepTransfer: (request) => singleStepTransfer(cc, request),
    initiateTransfer: (request) => initiateTransfer(cc, request),
    completeTransfer: (request) => completeTransfer(cc, request),
    alternateCall: (request) => alternateCall(cc, request),
    reconnectCall: (request) => reconnectCall(cc, request),
    attachUserData: (request) => userDataRequest(cc, request, "attach"),
    updateUserData: (request) => userDataRequest(cc, request, "update"),
    sendDtmf: (request) => sendDtmf(cc, request),
  };
}

/** Registers `model.callControl` as the platform's own (`core`) provider of `CALL_CONTROL` and `CALL_PARTIES`. */
export function provideCallControl(extensions: Pick<Extensions, "provide">, model: { readonly callControl: CoreCallControl }): void {
  extensions.provide(CALL_CONTROL, DEFAULT_CALL_CONTROL, model.callControl);
  extensions.provide(CALL_PARTIES, DEFAULT_CALL_PARTIES, model.callControl.parties);
  extensions.provide(CALL_MEDIA_TAKEOVER, DEFAULT_CALL_MEDIA_TAKEOVER, model.callControl.takeover);
}
