/**
 * The SIP side of a room party: answers the in-dialog offers of a leg whose media is a party of an MCU room, so
 * every consumer that moves a leg into a room (conferencing, supervision, recording) handles them alike.
 */
import type { McuParty } from "./mcu-adapter.js";
import { McuErrors } from "./mcu-errors.js";
import type { OfferHandler } from "./sip.js";

/**
 * An `onOffer` handler for a leg whose media is `party`. A re-INVITE or UPDATE with an offer goes to
 * {@link McuParty.reoffer}. An offerless re-INVITE (RFC 3261 §14.1, e.g. a phone refreshing its session) gets a
 * fresh offer from the room ({@link McuParty.offer}), completed by the answer in the ACK, so a phone that answers
 * from a new address or with another codec is followed. From an adapter without fresh offers (no `offer()`, or
 * `TANDEM_ERR_MCU_UNSUPPORTED`) the party's last SDP is offered again, as before fresh offers existed; the room
 * then keeps sending where it did. Any other failure is passed to `onError` and handled the same way, so the
 * phone's re-INVITE is still answered.
 */
export function mcuOfferHandler(party: McuParty, onError?: (error: unknown) => void): OfferHandler {
  return async (offer, _kind, exchange) => {
    if (offer) return party.reoffer(offer);
    const makeOffer = party.offer?.bind(party);
    // Without the ACK's answer a fresh offer could not be completed: offer what the party already has.
    if (!makeOffer || !exchange) return party.localSdp;
    let fresh: string;
    try {
      fresh = await makeOffer();
    } catch (error) {
      if ((error as { code?: string }).code !== McuErrors.unsupported.code) onError?.(error);
      return party.localSdp;
    }
    exchange.onAnswer((answer) => void party.accept(answer).catch((error: unknown) => onError?.(error)));
    return fresh;
  };
}
