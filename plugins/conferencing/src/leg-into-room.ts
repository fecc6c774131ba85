/**
 * One call leg joining a conference room, by whichever offer/answer the adapter can do (RFC 3264 §8 either way;
 * each leg keeps its own SDP origin, the SIP layer versions it per leg):
 *
 * - the room offers (an adapter with offerless joins): the leg is re-INVITEd with the room's SDP and its answer
 *   completes the join (RFC 3725 §4 spirit);
 * - the leg offers (an adapter that must be given the party's address at join, such as Janus AudioBridge with
 *   plain-RTP participants): an offerless re-INVITE (RFC 3261 §14.1, RFC 3725 flow I) brings the leg's offer in
 *   its 2xx, the room joins the party with it and the room's answer goes in the ACK.
 */
import { mcuAbilities, type McuCapabilities, type McuParty, type McuRoom, type SipLeg } from "@tandem/sdk";

/** Joins `leg` to `room` as `partyId`; resolves once the offer/answer is complete and the party is in the room. */
export async function joinLegToRoom(room: McuRoom, capabilities: McuCapabilities, leg: SipLeg, partyId: string, role: string): Promise<McuParty> {
  if (mcuAbilities(capabilities).offerlessJoin) return roomOffers(room, leg, partyId, role);
  return legOffers(room, leg, partyId, role);
}

async function roomOffers(room: McuRoom, leg: SipLeg, partyId: string, role: string): Promise<McuParty> {
  const member = await room.join({ partyId });
  const { sdp } = await leg.reinvite({ sdp: member.localSdp });
  if (!sdp) throw new Error(`the ${role} leg answered the room's offer without SDP`);
  await member.accept(sdp);
  return member;
}

async function legOffers(room: McuRoom, leg: SipLeg, partyId: string, role: string): Promise<McuParty> {
  let member: McuParty | undefined;
  let refused: unknown;
  // A join the room refuses still needs an answer in the ACK (RFC 3261 §13.2.2.4): the stack then sends the
  // leg's previous SDP, so its media stays where it was, and the refusal fails the join below.
  await leg.reinvite({
    onOffer: async (offer) => {
      try {
        member = await room.join({ partyId, offer });
        return member.localSdp;
      } catch (error) {
        refused = error;
        throw error;
      }
    },
  });
  if (refused !== undefined) throw refused;
  if (!member) throw new Error(`the ${role} leg made no offer in its answer to the offerless re-INVITE`);
  return member;
}
