/**
 * In-dialog requests from the peer on a leg: INFO (answered by the leg's `onInfo` handler, 200 without
 * one) and re-INVITE (RFC 3261 §14.2; RFC 3264 offer/answer through the leg's `onOffer`).
 */
import type { SipReplyInput, SipRequestInfo } from "@tandem/sdk";
import { SipError } from "@tandem/sdk";
import type { IncomingRequestMessage } from "sip.js/lib/core/index.js";
import { requestInfo, sdpOf } from "../messages/message-info.js";
import { relayOfferless } from "./offerless-relay.js";
import { headerLines, sdpBody } from "../messages/sip-bodies.js";
import type { SipLegImpl } from "./sip-leg.js";

export type InfoHandler = (request: SipRequestInfo) => SipReplyInput | void | Promise<SipReplyInput | void>;

/** The part of a sip.js server transaction we answer through. */
type Uas = { accept(o?: object): unknown; reject(o?: object): unknown };

export async function replyInfo(leg: SipLegImpl, handler: InfoHandler | undefined, message: IncomingRequestMessage, uas: Uas): Promise<void> {
  let reply: SipReplyInput | void = undefined;
  try {
    const source = leg.port.sourceOf(message.viaBranch) ?? { transport: leg.transport, address: "", port: 0 };
    reply = handler ? await handler(requestInfo(message, source)) : undefined;
  } catch (error) {
    leg.port.deps.logger.warn({ callId: leg.callId, err: String(error) }, "onInfo handler threw");
    reply = { status: 500 };
  }
  const status = reply?.status ?? 200;
  const options = {
    statusCode: status,
    ...(reply?.reason ? { reasonPhrase: reply.reason } : {}),
    extraHeaders: headerLines(reply?.headers),
    ...(reply?.body ? { body: { contentDisposition: "render", contentType: reply.contentType ?? "text/plain", content: reply.body } } : {}),
  };
  try {
    if (status < 300) uas.accept(options);
    else uas.reject(options);
  } catch (error) {
    leg.port.deps.logger.debug({ callId: leg.callId, err: String(error) }, "INFO reply not sent");
  }
}

/** The peer's re-INVITE (RFC 3261 §14.2): answer its offer (or offer, when it sent none) through `onOffer`. */
export async function answerReinvite(leg: SipLegImpl, message: IncomingRequestMessage, uas: Uas): Promise<void> {
  const offer = sdpOf(message);
  if (!offer && leg.relayPeer) return relayOfferless(leg, leg.relayPeer, message, uas);
  // Offerless: our 2xx carries the offer and the ACK the answer (RFC 3261 §14.1, §13.2.1), for whoever asked.
  let answered: ((answer: string) => void) | undefined;
  const exchange = offer ? undefined : { onAnswer: (listener: (answer: string) => void) => void (answered = listener) };
  let sdp: string | undefined;
  try {
    sdp = await leg.answerOffer(offer, "reinvite", exchange);
    if (sdp) sdp = leg.outgoingSdp(sdp);
  } catch (error) {
    const status = error instanceof SipError ? error.status : 488;
    try {
      uas.reject({ statusCode: status >= 400 ? status : 488 });
    } catch {
      /* transaction gone */
    }
    return;
  }
  try {
    const extra = [leg.contactHeader, ...leg.sessionTimerHeaders(message)];
    const deliver = answered;
    if (deliver && sdp) leg.ackSdpWaiter = (answer) => answer && deliver(answer);
    uas.accept({ statusCode: 200, extraHeaders: extra, ...(sdp ? { body: sdpBody(sdp) } : {}) });
    if (offer) leg.remoteSdp = offer;
    if (sdp) leg.localSdp = sdp;
    // An accepted re-INVITE is a target refresh (RFC 3261 §12.2.2): sip.js has taken its Contact as the target.
    leg.targetRefreshed?.(leg);
  } catch (error) {
    leg.port.deps.logger.debug({ callId: leg.callId, err: String(error) }, "re-INVITE answer not sent");
  }
}
