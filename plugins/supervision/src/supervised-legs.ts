/**
 * The supervised call's own legs in its room: each leg joins by a re-INVITE with its room party's offer (RFC 3725
 * §4 spirit, RFC 3264 §8), goes quiet while the call model lends it for a hold or consultation, and comes back to
 * its seat — a transfer target to the seat of the agent it replaces.
 */
import { moveLegToParty, planRejoin, quietParty, type CallPartyLeg, type Logger } from "@tandem/sdk";
import { JOINING_AGENT_SEATS, type SupervisedRoom } from "./supervised-room.js";

/** Moves a call leg into the room as party `partyId`; the first agent's party is the one coaching whispers to. */
export async function moveLeg(room: SupervisedRoom, party: CallPartyLeg, partyId = party.leg.id): Promise<void> {
  const member = await room.room.join({ partyId });
  room.members.set(party.leg.id, member);
  if (party.role === "agent" && room.agentPartyId === undefined) {
    room.agentPartyId = member.id;
    room.agentLegId = party.leg.id;
  }
  const { sdp } = await party.leg.reinvite({ sdp: member.localSdp });
  if (!sdp) throw new Error(`the ${party.role} leg answered the room's offer without SDP`);
  await member.accept(sdp);
  party.leg.onOffer(async (offer) => (offer ? member.reoffer(offer) : member.localSdp));
}

/** The lent legs' room parties stop sending to them (the supervisors stay). */
export async function quietLegs(room: SupervisedRoom, parties: readonly CallPartyLeg[]): Promise<void> {
  await Promise.all(parties.map((leg) => {
    const member = room.members.get(leg.leg.id);
    return member ? quietParty(member, leg) : undefined;
  }));
}

/**
 * The legs lent for a hold or consultation come back: each to its own room party, a transfer target to the seat
 * of the agent it replaces (so a coaching supervisor whispers to it), a conference's target as a new party.
 */
export async function rejoinLegs(room: SupervisedRoom, parties: readonly CallPartyLeg[], log: Logger): Promise<void> {
  const { connId } = room;
  const plan = planRejoin(new Map([...room.members.keys()].map((legId) => [legId, legId === room.agentLegId ? "agent" : "customer"])), parties);
  const warn = (err: unknown): void => log.warn({ err, connId }, "the supervised room could not follow a leg's offerless re-INVITE");
  const moves: Promise<void>[] = [];
  for (const leg of plan.back) {
    const member = room.members.get(leg.leg.id);
    if (member) moves.push(moveLegToParty(member, leg, warn));
  }
  for (const { from, leg } of plan.seated) {
    const member = room.members.get(from);
    room.members.delete(from);
    if (!member) continue;
    if (from === room.agentLegId) room.agentLegId = leg.leg.id;
    // A new party under the seat's id (whisper targets name it) on a new port: the leg that had the seat may
    // still be sending to the old one, and must not be the source the room latches on to.
    moves.push(member.leave().then(() => moveLeg(room, leg, member.id)));
  }
  for (const legId of plan.gone) {
    const member = room.members.get(legId);
    room.members.delete(legId);
    void member?.leave().catch((err: unknown) => log.warn({ err, connId }, "leaving the supervised room failed"));
  }
  for (const leg of plan.joining) {
    const spare = leg.role === "customer" ? undefined : JOINING_AGENT_SEATS.find((id) => !room.room.parties().includes(id));
    moves.push(moveLeg(room, leg, spare));
  }
  await Promise.all(moves);
}
