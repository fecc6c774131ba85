/**
 * The room parties ("seats") of a call the recording carries, one per leg: a leg joins by a re-INVITE with its
 * party's offer (RFC 3725 §4 spirit, RFC 3264 §8); while the call model borrows the legs for a hold or consultation
 * (`CallMediaOwner.lend`) the seats stop sending to them; when the legs come back (`rejoin`) each goes to its own
 * seat again, a transfer's target to the seat of the agent it replaces (a new party of the same id, which the
 * recording's channel layout names) and a conference's target to one of the spare agent seats.
 */
import { moveLegToParty, planRejoin, quietParty, type CallPartyLeg, type Logger, type McuParty, type McuPartyMode, type McuRoom } from "@tandem/sdk";
import type { RecordedParty } from "./recording-index.js";

/** A leg's room party, and since when it is recorded there. */
export interface RecordedSeat {
  readonly party: McuParty;
  readonly leg: CallPartyLeg;
  readonly since: string;
}

export interface SeatedCall {
  readonly connId: string;
  readonly room: McuRoom;
  /** Seat by leg id. */
  readonly members: Map<string, RecordedSeat>;
  /** Parties that left, with their stretch on the call. */
  readonly left: RecordedParty[];
}

/**
 * Room party ids for agents a conference adds to a recorded call: named on the agent channel when the recording
 * starts, so a party that joins later is written there from its first frame.
 */
export const JOINING_SEATS = ["agent-seat-2", "agent-seat-3"] as const;

/** Joins `leg` to the room as a new party (`partyId`, in `mode` when given) and moves its media there. */
export async function seatLeg(call: SeatedCall, leg: CallPartyLeg, partyId = `${leg.role}-${leg.leg.id}`, mode?: McuPartyMode): Promise<void> {
  const party = await call.room.join({ partyId, ...(mode ? { mode } : {}) });
  call.members.set(leg.leg.id, { party, leg, since: new Date().toISOString() });
  const { sdp } = await leg.leg.reinvite({ sdp: party.localSdp });
  if (!sdp) throw new Error(`the ${leg.role} leg answered the room's offer without SDP`);
  await party.accept(sdp);
  leg.leg.onOffer(async (offer) => (offer ? party.reoffer(offer) : party.localSdp));
}

/** The legs are lent: their seats stop sending to them (silence is written meanwhile). */
export async function quietSeats(call: SeatedCall, parties: readonly CallPartyLeg[]): Promise<void> {
  await Promise.all(parties.map((leg) => call.members.get(leg.leg.id)).map((seat) => (seat ? quietParty(seat.party, seat.leg) : undefined)));
}

/**
 * The lent legs come back as `parties`: each to its seat, a new one to a freed or spare seat (joining in
 * `joinMode` when given, e.g. heard by nobody until a SIPREC session has placed it on its side); the rest leave.
 */
export async function reseat(call: SeatedCall, parties: readonly CallPartyLeg[], log: Logger, joinMode?: McuPartyMode): Promise<void> {
  const { connId } = call;
  const plan = planRejoin(new Map([...call.members].map(([legId, seat]) => [legId, seat.leg.role])), parties);
  const now = new Date().toISOString();
  const vacate = (legId: string): RecordedSeat | undefined => {
    const seat = call.members.get(legId);
    call.members.delete(legId);
    if (seat) call.left.push({ dn: seat.leg.dn, role: seat.leg.role, from: seat.since, to: now });
    return seat;
  };
  const warn = (err: unknown): void => log.warn({ err, connId }, "the recorded room could not follow a leg's offerless re-INVITE");
  const moves: Promise<void>[] = [];
  for (const leg of plan.back) {
    const seat = call.members.get(leg.leg.id);
    if (seat) moves.push(moveLegToParty(seat.party, leg, warn));
  }
  for (const { from, leg } of plan.seated) {
    const seat = vacate(from);
    // A new party under the seat's id on a new port: the leg that had the seat may still be sending to the old
    // one, and must not be the source the room latches on to.
    if (seat) moves.push(seat.party.leave().then(() => seatLeg(call, leg, seat.party.id, joinMode)));
  }
  for (const legId of plan.gone) void vacate(legId)?.party.leave().catch((err: unknown) => log.warn({ err, connId }, "leaving the recorded room failed"));
  for (const leg of plan.joining) {
    const spare = leg.role === "customer" ? undefined : JOINING_SEATS.find((id) => !call.room.parties().includes(id));
    moves.push(seatLeg(call, leg, spare, joinMode));
  }
  await Promise.all(moves);
}
