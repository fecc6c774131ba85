/**
 * A stand-in for another feature that carries a call's media in a room it shares (as a conference or a recording
 * would): takes the call from the model, moves both legs into its own room, and lets guests join that room.
 */
import type { CallMediaEnd, CallMediaTakeover, CallPartyLeg, McuParty, McuRoom, MediaRooms, RoomSharingOwner, SharedCallRoom } from "@tandem/sdk";

export class SharingOwner implements RoomSharingOwner {
  private room: McuRoom | undefined;
  private readonly agents: string[] = [];
  private readonly listeners = new Set<() => void>();
  readonly members: McuParty[] = [];

  constructor(
    private readonly rooms: MediaRooms,
    private readonly takeover: CallMediaTakeover,
  ) {}

  take(connId: string): Promise<void> {
    return this.takeover.takeMedia(connId, this);
  }

  async connect(connId: string, parties: readonly CallPartyLeg[]): Promise<void> {
    const room = await this.rooms.createRoom({ label: `shared ${connId}` });
    this.room = room;
    for (const party of parties) {
      const member = await room.join({ partyId: `${party.role}-${party.leg.id}` });
      this.members.push(member);
      if (party.role === "agent") this.agents.push(member.id);
      const { sdp } = await party.leg.reinvite({ sdp: member.localSdp });
      if (!sdp) throw new Error("no SDP in the answer");
      await member.accept(sdp);
      party.leg.onOffer(async (offer) => (offer ? member.reoffer(offer) : member.localSdp));
    }
  }

  async left(): Promise<"continue" | "release"> {
    return "release";
  }

  ended(_connId: string, _why: CallMediaEnd): void {
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
    void this.room?.close();
  }

  sharedRoom(connId: string): SharedCallRoom | undefined {
    const room = this.room;
    if (!room) return undefined;
    return {
      connId,
      room,
      agentPartyIds: () => this.agents,
      onEnded: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
    };
  }

  /** Guests listening to the room's end now. */
  guests(): number {
    return this.listeners.size;
  }
}
