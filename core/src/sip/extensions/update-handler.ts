/**
 * In-dialog UPDATE (RFC 3311), which sip.js answers 405: session refresh without SDP (RFC 4028 §10) and
 * offers relayed through the leg's `onOffer`. CSeq is checked as for any in-dialog request (RFC 3261
 * §12.2.2: lower or equal → 500).
 */
import { Dialog, type IncomingRequestMessage, type UserAgentCore } from "sip.js/lib/core/index.js";
import { sdpOf } from "../messages/message-info.js";
import { sdpBody } from "../messages/sip-bodies.js";

/**
 * What an UPDATE needs of the leg it arrived on (dialogs/sip-leg.ts is one). Named here so this extension sits
 * below the dialogs that use it rather than beside them.
 */
export interface UpdatableLeg {
  readonly contactHeader: string;
  localSdp: string | undefined;
  remoteSdp: string | undefined;
  /** RFC 4028 §9: the headers our 2xx to a refresh carries; the leg re-arms its timer on the way. */
  sessionTimerHeaders(message: IncomingRequestMessage): string[];
  /** RFC 3264 offer/answer through the leg's `onOffer`; undefined when there is nothing to answer. */
  answerOffer(offer: string | undefined, kind: "update"): Promise<string | undefined>;
  /** The SDP as this leg's peer must see it (one origin per leg, RFC 3264 §8). */
  outgoingSdp(sdp: string): string;
}

export function handleUpdate(core: UserAgentCore, message: IncomingRequestMessage, legs: ReadonlyMap<string, UpdatableLeg>): boolean {
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
