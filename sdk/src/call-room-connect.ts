/**
 * The part every room-carrying {@link CallMediaOwner.connect} shares: once the owner has created the call's room,
 * each of the call's legs moves into it, and the connect either succeeds whole or leaves nothing behind; and the
 * part of a {@link CallMediaOwner.rejoin} they share: which legs go back to their seat, take another's, or are new.
 */
import type { CallMediaOwner, CallPartyLeg } from "./call-parties.js";
import type { McuCapabilities, McuParty, McuRoom } from "./mcu-adapter.js";
import { mcuOfferHandler } from "./mcu-offer-handler.js";
import { withDirection } from "./sdp-direction.js";

/**
 * Moves every party into `room` (all at once, with `move`). If a move fails, `forget` drops the owner's record of
 * the call's room and the room is closed (a failing close is not reported: the move's error is what the caller
 * needs), then the move's error is thrown, so the call model keeps carrying the call's media itself.
 */
export async function moveLegsIntoRoom(
  room: McuRoom,
  parties: readonly CallPartyLeg[],
  move: (party: CallPartyLeg) => Promise<void>,
  forget: () => void,
): Promise<void> {
  try {
    await Promise.all(parties.map(move));
  } catch (err) {
    forget();
    await room.close().catch(() => undefined);
    throw err;
  }
}

/**
 * What {@link CallMediaOwner.rejoin} does with each leg, worked out from the room's seats (the legs it carried,
 * by leg id, with their roles) and the parties the model gives back.
 */
export interface RejoinPlan {
  /** Legs already seated: they move back to their own room party. */
  readonly back: readonly CallPartyLeg[];
  /**
   * Legs new to the room taking the seat of a leg that is gone on the same side (the customer's, or the agents'):
   * the owner gives the seat's party id to a new party for the leg (a new port, so the room does not latch on to
   * the old leg, which may still be sending), so whatever names the seat (a recording's channels, a coach's
   * whisper) goes on naming it.
   */
  readonly seated: readonly { readonly from: string; readonly leg: CallPartyLeg }[];
  /** Legs new to the room with no seat free on their side: they join as new parties. */
  readonly joining: readonly CallPartyLeg[];
  /** Leg ids of seats nobody takes: their parties leave the room. */
  readonly gone: readonly string[];
}

const sideOf = (role: CallPartyLeg["role"]): string => (role === "customer" ? "customer" : "agents");

/** Plans a rejoin: seats kept, handed on (a transfer target takes the first agent's seat), added and freed. */
export function planRejoin(seats: ReadonlyMap<string, CallPartyLeg["role"]>, parties: readonly CallPartyLeg[]): RejoinPlan {
  const listed = new Set(parties.map((p) => p.leg.id));
  const free = [...seats].filter(([legId]) => !listed.has(legId));
  const back: CallPartyLeg[] = [];
  const seated: { from: string; leg: CallPartyLeg }[] = [];
  const joining: CallPartyLeg[] = [];
  for (const party of parties) {
    if (seats.has(party.leg.id)) {
      back.push(party);
      continue;
    }
    const at = free.findIndex(([, role]) => sideOf(role) === sideOf(party.role));
    const seat = at >= 0 ? free.splice(at, 1)[0] : undefined;
    if (seat) seated.push({ from: seat[0], leg: party });
    else joining.push(party);
  }
  return { back, seated, joining, gone: free.map(([legId]) => legId) };
}

/**
 * Moves a leg's media back to `party`, its own party in the room (after a hold or consultation): a fresh offer from the room (RFC 3264 §8, the party's own port) in a re-INVITE to the leg, completed by
 * its answer, so the room follows the leg wherever it now sends from; the leg's later offers then go to the party.
 * Needs an adapter with fresh offers ({@link McuCapabilities.freshOffer}).
 */
export async function moveLegToParty(party: McuParty, leg: CallPartyLeg, onError?: (error: unknown) => void): Promise<void> {
  if (!party.offer) throw new Error(`the room cannot make party ${party.id} a fresh offer, so the ${leg.role} leg cannot move back to it`);
  const offer = await party.offer();
  const { sdp } = await leg.leg.reinvite({ sdp: offer });
  if (!sdp) throw new Error(`the ${leg.role} leg answered the room's offer without SDP`);
  await party.accept(sdp);
  leg.leg.onOffer(mcuOfferHandler(party, onError));
}

/**
 * A room party whose leg is lent for a hold or consultation ({@link CallMediaOwner.lend}) stops sending to it: the
 * party is given the leg's last SDP set `inactive` (RFC 3264 §6.1) as if the leg had offered it, so the room
 * neither sends to the leg nor waits for its media, and the party keeps its port for {@link moveLegToParty}.
 */
export async function quietParty(party: McuParty, leg: CallPartyLeg): Promise<void> {
  await party.reoffer(withDirection(leg.leg.remoteSdp, "inactive"));
}
