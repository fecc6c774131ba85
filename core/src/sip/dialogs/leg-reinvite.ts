/**
 * A re-INVITE we send on a leg (RFC 3261 §14.1), with our offer or offerless (RFC 3725: the peer offers
 * in its 2xx and we answer in the ACK). On 491 we retry after the §14.1 random delay: 2.1–4 s when we
 * own the Call-ID, 0–2 s otherwise.
 */
import { SipError, type ReinviteOptions } from "@tandem/sdk";
import type { AckableIncomingResponseWithSession, IncomingResponse, OutgoingRequestMessage } from "sip.js/lib/core/index.js";
import { headerLines, otherBody, sdpBody } from "../messages/sip-bodies.js";
import { sdpOf } from "../messages/message-info.js";
import { responseFailure } from "../messages/response-failure.js";
import { uacSessionTimer } from "../extensions/session-timer.js";
import type { SipLegImpl } from "./sip-leg.js";

const MAX_GLARE_RETRIES = 4;

export async function sendReinvite(leg: SipLegImpl, options: ReinviteOptions): Promise<{ sdp: string | undefined }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptReinvite(leg, options);
    } catch (error) {
      if (!(error instanceof SipError) || error.status !== 491 || attempt >= MAX_GLARE_RETRIES) throw error;
      if (leg.state === "terminated") throw error;
      await sleep(glareDelayMs(leg.ownsCallId));
    }
  }
}

/** RFC 3261 §14.1: the Call-ID owner waits 2.1–4 s, the other side 0–2 s (10 ms units). */
export function glareDelayMs(ownsCallId: boolean): number {
  const units = Math.floor(Math.random() * 191);
  return ownsCallId ? 2100 + units * 10 : Math.floor(Math.random() * 201) * 10;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function attemptReinvite(leg: SipLegImpl, options: ReinviteOptions): Promise<{ sdp: string | undefined }> {
  // Stamped once per attempt: a retry after 491 re-sends the same description with the same version.
  const offer = options.sdp === undefined ? undefined : leg.outgoingSdp(options.sdp);
  return new Promise((resolve, reject) => {
    let acked: OutgoingRequestMessage | undefined;
    const onAccept = (response: AckableIncomingResponseWithSession): void => {
      if (acked) {
        // A retransmitted 2xx: our ACK was lost, so send the same ACK again (RFC 3261 §13.2.2.4).
        leg.port.shardFor(leg.callId).core.transport.send(acked.toString()).catch(() => undefined);
        return;
      }
      const peerSdp = sdpOf(response.message);
      // RFC 4028 §7.2: the 2xx settles interval and refresher for the next round.
      const timer = uacSessionTimer(response.message.getHeader("session-expires"));
      if (offer !== undefined) {
        acked = response.ack().message;
        leg.localSdp = offer;
        if (peerSdp) leg.remoteSdp = peerSdp;
        leg.sessionRefreshed(timer);
        resolve({ sdp: peerSdp });
        return;
      }
      answerInAck(leg, options, peerSdp, response).then((message) => {
        acked = message;
        leg.sessionRefreshed(timer);
        resolve({ sdp: peerSdp });
      }, reject);
    };
    const onReject = (response: IncomingResponse): void => {
      reject(responseFailure(response));
    };
    try {
      leg.session.invite(
        { onAccept, onReject, onRedirect: onReject },
        {
          ...(options.body ? { body: otherBody(options.body) } : offer !== undefined ? { body: sdpBody(offer) } : {}),
          extraHeaders: [leg.contactHeader, ...headerLines(options.headers)],
        },
      );
    } catch (error) {
      // sip.js refuses while a re-INVITE is in progress either way: that is glare (RFC 3261 §14.2 → 491).
      reject(new SipError(491, "Request Pending", { origin: "remote", cause: error }));
    }
  });
}

/** Offerless re-INVITE: the 2xx carries the peer's offer; our answer goes in the ACK. */
async function answerInAck(
  leg: SipLegImpl,
  options: ReinviteOptions,
  offer: string | undefined,
  response: AckableIncomingResponseWithSession,
): Promise<OutgoingRequestMessage> {
  let answer: string | undefined;
  try {
    answer = options.onOffer && offer ? await options.onOffer(offer) : await leg.answerOffer(offer, "reinvite");
  } catch {
    answer = leg.localSdp;
  }
  if (answer) answer = leg.outgoingSdp(answer);
  const message = response.ack(answer ? { body: sdpBody(answer) } : {}).message;
  if (offer) leg.remoteSdp = offer;
  if (answer) leg.localSdp = answer;
  return message;
}
