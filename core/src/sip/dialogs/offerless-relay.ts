/**
 * Offerless re-INVITE from one side of a bridge (RFC 3725 §5 style, e.g. CUCM after a transfer): the
 * other side must make the offer. We send it an offerless re-INVITE, put its 2xx offer into our 2xx to
 * the first side, and carry that side's answer (in its ACK) back in our ACK. The plain `onOffer` contract
 * cannot do this, because the answer only exists after our 2xx went out.
 */
import type { IncomingRequestMessage } from "sip.js/lib/core/index.js";
import { sdpBody } from "../messages/sip-bodies.js";
import type { SipLegImpl } from "./sip-leg.js";

/** How long we wait for the ACK that carries the answer (RFC 3261 §13.3.1.4: 64·T1). */
const ACK_WAIT_MS = 32_000;

type ReinviteUas = { accept(o?: object): unknown; reject(o?: object): unknown };

/** Relays one offerless re-INVITE that arrived on `from` to `to`. */
export async function relayOfferless(from: SipLegImpl, to: SipLegImpl, message: IncomingRequestMessage, uas: ReinviteUas): Promise<void> {
  try {
    await to.reinvite({ onOffer: (offer) => offerAndAwaitAnswer(from, message, uas, offer) });
  } catch (error) {
    from.port.deps.logger.info({ callId: from.callId, err: String(error) }, "offerless re-INVITE not relayed");
    try {
      uas.reject({ statusCode: 488 });
    } catch {
      /* already answered: the ACK wait below ends it */
    }
  }
}

/** Sends 200 with `offer` to the pending re-INVITE and resolves with the answer from the ACK. */
function offerAndAwaitAnswer(leg: SipLegImpl, message: IncomingRequestMessage, uas: ReinviteUas, given: string): Promise<string> {
  const offer = leg.outgoingSdp(given);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      leg.ackSdpWaiter = undefined;
      reject(new Error("no ACK with an answer"));
    }, ACK_WAIT_MS);
    leg.ackSdpWaiter = (sdp) => {
      clearTimeout(timer);
      if (sdp) resolve(sdp);
      else reject(new Error("ACK without an answer"));
    };
    try {
      uas.accept({ statusCode: 200, extraHeaders: [leg.contactHeader, ...leg.sessionTimerHeaders(message)], body: sdpBody(offer) });
      leg.localSdp = offer;
    } catch (error) {
      clearTimeout(timer);
      leg.ackSdpWaiter = undefined;
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
