/**
 * In-dialog UPDATE (RFC 3311), which sip.js answers 405: session refresh without SDP (RFC 4028 §10) and
 * offers relayed through the leg's `onOffer`. CSeq is checked as for any in-dialog request (RFC 3261
 * §12.2.2: lower or equal → 500).
 */
import { Dialog, type IncomingRequestMessage, type UserAgentCore } from "sip.js/lib/core/index.js";
import { sdpOf } from "./message-info.js";
import { sdpBody } from "./sip-bodies.js";
import type { SipLegImpl } from "./sip-leg.js";

export function handleUpdate(core: UserAgentCore, message: IncomingRequestMessage, legs: Map<string, SipLegImpl>): boolean {
  const dialog = core.dialogs.get(message.callId + message.toTag + message.fromTag);
  if (!dialog) {
    core.replyStateless(message, { statusCode: 481 });
    return true;
  }
  const remoteSeq = dialog.remoteSequenceNumber;
  if (remoteSeq !== undefined && message.cseq <= remoteSeq) {
    core.replyStateless(message, { statusCode: 500, extraHeaders: ["Retry-After: 1"] });
    return true;
  }
  // The base Dialog's receiveRequest records the CSeq (SessionDialog's own would answer 501).
  Dialog.prototype.receiveRequest.call(dialog, message);
  const leg = legs.get(dialog.id);
  const offer = sdpOf(message);
  const extra = leg ? [leg.contactHeader, ...leg.sessionTimerHeaders(message)] : [];
  if (!offer || !leg) {
    core.replyStateless(message, { statusCode: 200, extraHeaders: extra });
    return true;
  }
  leg.answerOffer(offer, "update").then(
    (given) => {
      const answer = given ? leg.outgoingSdp(given) : given;
      leg.remoteSdp = offer;
      if (answer) leg.localSdp = answer;
      core.replyStateless(message, { statusCode: 200, extraHeaders: extra, ...(answer ? { body: sdpBody(answer) } : {}) });
    },
    () => core.replyStateless(message, { statusCode: 488 }),
  );
  return true;
}
