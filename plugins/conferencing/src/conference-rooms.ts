/**
 * The media side of conferences: one room per conferenced call, each party joined offerless so the room makes
 * the offer (RFC 3725 §4 spirit, RFC 3264 §8: a re-INVITE to the leg with the room's SDP, the leg's answer
 * completes the join). A party's later offers (a session refresh, hold from the far end) go to its room party.
 * Each leg keeps its own SDP origin: the SIP layer versions the origin per leg (RFC 3264 §8).
 */
import type { CallMediaEnd, CallMediaOwner, CallPartyLeg, Logger, McuParty, McuRoom, MediaRooms } from "@tandem/sdk";
import type { ConferencingConfig } from "./manifest.js";

/** A conferenced call's room and the room party of each leg (by leg id). */
export interface Conference {
  readonly connId: string;
  readonly room: McuRoom;
  readonly members: Map<string, McuParty>;
}

export class ConferenceRooms implements CallMediaOwner {
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
    const room = await this.rooms().createRoom({ label: connId, needs: { modes: ["speak-listen"] } });
    const conference: Conference = { connId, room, members: new Map() };
    this.byConnId.set(connId, conference);
    try {
      await Promise.all(parties.map((party) => this.join(conference, party)));
    } catch (err) {
      this.byConnId.delete(connId);
      await room.close().catch(() => undefined);
      throw err;
    }
  }

  async left(connId: string, party: CallPartyLeg, remaining: readonly CallPartyLeg[]): Promise<"continue" | "release"> {
    const conference = this.byConnId.get(connId);
    const member = conference?.members.get(party.leg.id);
    conference?.members.delete(party.leg.id);
    await member?.leave().catch((err: unknown) => this.log.warn({ err, connId }, "leaving the conference room failed"));
    // Down to two the call goes on in its room; without an agent it ends unless configured to go on.
    const agentLeft = remaining.some((p) => p.role === "agent");
    return agentLeft || this.config.keepWithoutAgent ? "continue" : "release";
  }

  ended(connId: string, why: CallMediaEnd): void {
    const conference = this.byConnId.get(connId);
    if (!conference) return;
    this.byConnId.delete(connId);
    void conference.room.close().catch((err: unknown) => this.log.warn({ err, connId, why }, "closing the conference room failed"));
  }

  /** Forgets a conference whose room is gone (the MCU failed); its legs are the model's business again. */
  forget(connId: string): void {
    this.byConnId.delete(connId);
  }

  private async join(conference: Conference, party: CallPartyLeg): Promise<void> {
    const member = await conference.room.join({ partyId: party.leg.id });
    conference.members.set(party.leg.id, member);
    const { sdp } = await party.leg.reinvite({ sdp: member.localSdp });
    if (!sdp) throw new Error(`the ${party.role} leg answered the room's offer without SDP`);
    await member.accept(sdp);
    party.leg.onOffer(async (offer) => (offer ? member.reoffer(offer) : member.localSdp));
  }
}
