/**
 * The media side of conferences: one room per conferenced call, each leg joined by the offer/answer the adapter
 * can do (leg-into-room.ts: the room offers in a re-INVITE, or the leg offers in its answer to an offerless
 * re-INVITE). A party's later offers (a session refresh, hold from the far end) go to its room party;
 * its offerless re-INVITEs (RFC 3261 §14.1) get a fresh offer from the room, completed by the ACK's answer.
 * Each leg keeps its own SDP origin: the SIP layer versions the origin per leg (RFC 3264 §8).
 *
 * The room is shared ({@link SharedCallRoom}): a supervisor or a recorder joins its own party to a conference
 * without moving the call's legs; guests are told when the conference ends or its room is lost.
 */
import { mcuOfferHandler, moveLegsIntoRoom, type CallMediaEnd, type CallPartyLeg, type Logger, type McuParty, type McuRoom, type MediaRooms, type RoomSharingOwner, type SharedCallRoom } from "@tandem/sdk";
import { joinLegToRoom } from "./leg-into-room.js";
import type { ConferencingConfig } from "./manifest.js";

/**
 * The parties of one conference: the customer, the agent and the party the agent conferenced in (the spec's
 * three-party conference). A further party is refused (`TANDEM_ERR_CONFERENCE_FULL`), and a room is asked for
 * only from an MCU that can hold this many.
 */
export const CONFERENCE_MAX_PARTIES = 3;

/** A conferenced call's room and the room party of each leg (by leg id). */
export interface Conference {
  readonly connId: string;
  readonly room: McuRoom;
  readonly members: Map<string, McuParty>;
  /** Leg ids of the agents among `members` (whom a coaching supervisor whispers to). */
  readonly agentLegs: Set<string>;
  /** Other features' parties in the room: told once when the conference no longer carries the call. */
  readonly guests: Set<() => void>;
}

export class ConferenceRooms implements RoomSharingOwner {
  private readonly byConnId = new Map<string, Conference>();

  constructor(
    private readonly rooms: () => MediaRooms,
    private readonly config: ConferencingConfig,
    private readonly log: Logger,
  ) {}

  /** The conference of `connId`, if it has one. */
  get(connId: string): Conference | undefined {
    return this.byConnId.get(connId);
  }

  /** The conference whose room is `roomId`. */
  byRoom(roomId: string): Conference | undefined {
    for (const conference of this.byConnId.values()) if (conference.room.id === roomId) return conference;
    return undefined;
  }

  all(): Conference[] {
    return [...this.byConnId.values()];
  }

  async connect(connId: string, parties: readonly CallPartyLeg[]): Promise<void> {
    // The room first: an MCU that is down or full refuses here, before any leg has moved.
    const room = await this.rooms().createRoom({ label: connId, needs: { modes: ["speak-listen"], partiesPerRoom: CONFERENCE_MAX_PARTIES } });
    const conference: Conference = { connId, room, members: new Map(), agentLegs: new Set(), guests: new Set() };
    this.byConnId.set(connId, conference);
    await moveLegsIntoRoom(room, parties, (party) => this.join(conference, party), () => this.byConnId.delete(connId));
  }

  async left(connId: string, party: CallPartyLeg, remaining: readonly CallPartyLeg[]): Promise<"continue" | "release"> {
    const conference = this.byConnId.get(connId);
    const member = conference?.members.get(party.leg.id);
    conference?.members.delete(party.leg.id);
    conference?.agentLegs.delete(party.leg.id);
    await member?.leave().catch((err: unknown) => this.log.warn({ err, connId }, "leaving the conference room failed"));
    // Down to two the call goes on in its room; without an agent it ends unless configured to go on.
    const agentLeft = remaining.some((p) => p.role === "agent");
    return agentLeft || this.config.keepWithoutAgent ? "continue" : "release";
  }

  sharedRoom(connId: string): SharedCallRoom | undefined {
    const conference = this.byConnId.get(connId);
    if (!conference) return undefined;
    return {
      connId,
      room: conference.room,
      agentPartyIds: () => [...conference.members].filter(([legId]) => conference.agentLegs.has(legId)).map(([, member]) => member.id),
      // The conference keeps its room while it carries the call anyway: a guest leaving changes nothing.
      onEnded: (listener) => {
        conference.guests.add(listener);
        return () => conference.guests.delete(listener);
      },
    };
  }

  ended(connId: string, why: CallMediaEnd): void {
    const conference = this.byConnId.get(connId);
    if (!conference) return;
    this.byConnId.delete(connId);
    this.tellGuests(conference);
    void conference.room.close().catch((err: unknown) => this.log.warn({ err, connId, why }, "closing the conference room failed"));
  }

  /** Forgets a conference whose room is gone (the MCU failed); its legs are the model's business again. */
  forget(connId: string): void {
    const conference = this.byConnId.get(connId);
    this.byConnId.delete(connId);
    if (conference) this.tellGuests(conference);
  }

  private tellGuests(conference: Conference): void {
    const guests = [...conference.guests];
    conference.guests.clear();
    for (const guest of guests) guest();
  }

  private async join(conference: Conference, party: CallPartyLeg): Promise<void> {
    const member = await joinLegToRoom(conference.room, this.rooms().capabilities, party.leg, party.leg.id, party.role);
    conference.members.set(party.leg.id, member);
    if (party.role === "agent") conference.agentLegs.add(party.leg.id);
    // The leg's later offers go to its room party; an offerless re-INVITE gets a fresh offer from the room.
    party.leg.onOffer(mcuOfferHandler(member, (err) => this.log.warn({ err, connId: conference.connId, leg: party.leg.id }, "the room could not follow the leg's offerless re-INVITE")));
  }
}
