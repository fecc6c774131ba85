/**
 * The media of supervised calls: the call's two legs move into a room of the `media` plugin (the call model's
 * `takeMedia`; each leg re-INVITEd offerless-style with the room's offer, RFC 3725 §4 spirit / RFC 3264 §8 — the
 * customer's re-INVITE is the only sign, and only the first supervisor causes it). The supervisor's phone is rung
 * through the trunk with its room party's offer and joins in the mode asked: `mute` = listen-only, `coach` =
 * whisper to the agent's party, `connect` = speak-listen. A mode switch is the room party's `setMode`: no
 * re-INVITE, no media interruption. When the last supervisor leaves a call that goes on, the call model takes
 * the media back (`rebridge`: the two legs re-INVITEd towards each other, RFC 3725 §5), so the MCU is freed and
 * the agent can hold or transfer again; a call that ends in its room just closes it.
 *
 * Rooms are shared both ways ({@link SharedCallRoom}): a call whose media another owner already carries in a
 * room it shares (a conference, a recording) is joined as a guest — only the supervisor's party is added, no leg
 * moves, the customer learns nothing — and another feature may add its party to a supervised call's room, which is
 * then kept while it listens.
 */
import {
  CALL_MEDIA_TAKEOVER,
  CALL_PARTIES,
  DEFAULT_CALL_MEDIA_TAKEOVER,
  DEFAULT_CALL_PARTIES,
  moveLegsIntoRoom,
  type CallMediaEnd,
  type CallMediaTakeover,
  type CallPartyLeg,
  type Extensions,
  type Logger,
  type MediaRooms,
  type MonitorMode,
  type RoomSharingOwner,
  type SharedCallRoom,
} from "@tandem/sdk";
import type { CallJoiner, SupervisorGone } from "./call-joiner.js";
import { SupervisionErrors } from "./errors.js";
import { mcuModeOf } from "./mode-rules.js";
import type { Monitoring } from "./monitorings.js";
import { moveLeg, quietLegs, rejoinLegs } from "./supervised-legs.js";
import { JOINING_AGENT_SEATS, dropSeat, seatModeOf, type SupervisedRoom, type SupervisorSeat } from "./supervised-room.js";

export class SupervisedCalls implements CallJoiner, RoomSharingOwner {
  private readonly byConnId = new Map<string, SupervisedRoom>();
  /** Rooms being made, so two supervisors joining at once share one. */
  private readonly pending = new Map<string, Promise<SupervisedRoom>>();

  constructor(
    private readonly extensions: Extensions,
    private readonly rooms: () => MediaRooms,
    private readonly ringTimeoutMs: number,
    private readonly log: Logger,
  ) {}

  assertMode(name: string, mode: MonitorMode): void {
    const rooms = this.rooms();
    const needed = mcuModeOf(mode);
    if (!rooms.capabilities.modes.includes(needed)) throw SupervisionErrors.modeUnsupported(name, mode, needed, rooms.adapterName);
  }

  async join(m: Monitoring, connId: string, onGone: (why: SupervisorGone) => void): Promise<void> {
    const seat: SupervisorSeat = { supervisorDn: m.supervisorDn, ringing: new AbortController(), onGone, leaving: false };
    const room = await this.roomOf(connId, m.supervisorDn);
    room.seats.set(m.supervisorDn, seat);
    try {
      const member = await room.room.join({ partyId: `supervisor-${m.supervisorDn}`, mode: seatModeOf(room, m.mode) });
      seat.member = member;
      if (seat.leaving) throw SupervisionErrors.joinFailed(m.supervisorDn, connId, "cancelled while ringing");
      const leg = await this.takeover().ringLeg(connId, m.supervisorDn, { sdp: member.localSdp, ringTimeoutMs: this.ringTimeoutMs, signal: seat.ringing.signal });
      seat.leg = leg;
      if (seat.leaving || !this.byConnId.has(connId)) {
        void leg.bye().catch(() => undefined);
        throw SupervisionErrors.joinFailed(m.supervisorDn, connId, "the monitoring or the call ended while ringing");
      }
      if (!leg.remoteSdp) throw SupervisionErrors.joinFailed(m.supervisorDn, connId, "the phone answered without SDP");
      await member.accept(leg.remoteSdp);
      leg.onOffer(async (offer: string | undefined) => (offer ? member.reoffer(offer) : member.localSdp));
      leg.onEnded(() => {
        if (seat.leaving) return;
        dropSeat(room, seat);
        seat.onGone("hung-up");
        this.giveBackIfEmpty(room);
      });
    } catch (err) {
      dropSeat(room, seat);
      this.giveBackIfEmpty(room);
      throw err;
    }
  }

  async setMode(m: Monitoring, mode: MonitorMode): Promise<void> {
    const room = m.connId ? this.byConnId.get(m.connId) : undefined;
    const member = room?.seats.get(m.supervisorDn)?.member;
    if (!room || !member) return;
    await member.setMode(seatModeOf(room, mode));
  }

  async leave(m: Monitoring): Promise<void> {
    const room = m.connId ? this.byConnId.get(m.connId) : undefined;
    const seat = room?.seats.get(m.supervisorDn);
    if (!room || !seat) return;
    seat.leaving = true;
    seat.ringing.abort();
    dropSeat(room, seat);
    try {
      await seat.leg?.bye();
    } finally {
      this.giveBackIfEmpty(room);
    }
  }

  // CallMediaOwner: the call's own legs.

  async connect(connId: string, parties: readonly CallPartyLeg[]): Promise<void> {
    // The room first: an MCU that is down, full or lacking a mode refuses here, before any leg has moved.
    const room = await this.rooms().createRoom({ label: `supervised ${connId}`, needs: { modes: ["speak-listen"], partiesPerRoom: parties.length + 1 } });
    const supervised: SupervisedRoom = { connId, room, members: new Map(), seats: new Map(), guests: new Set(), agents: () => (supervised.agentPartyId ? [supervised.agentPartyId] : []) };
    this.byConnId.set(connId, supervised);
    await moveLegsIntoRoom(room, parties, (party) => moveLeg(supervised, party), () => this.byConnId.delete(connId));
  }

  async left(connId: string, party: CallPartyLeg, remaining: readonly CallPartyLeg[]): Promise<"continue" | "release"> {
    const room = this.byConnId.get(connId);
    const member = room?.members.get(party.leg.id);
    room?.members.delete(party.leg.id);
    await member?.leave().catch((err: unknown) => this.log.warn({ err, connId }, "leaving the supervised room failed"));
    return remaining.some((p) => p.role === "agent") ? "continue" : "release";
  }

  /** The legs are lent for a hold or consultation: their room parties stop sending to them (the supervisors stay). */
  async lend(connId: string, parties: readonly CallPartyLeg[]): Promise<void> {
    const room = this.byConnId.get(connId);
    if (!room || room.host) return;
    await quietLegs(room, parties);
  }

  /**
   * The legs lent for a hold or consultation come back: each to its own room party, a transfer target to the seat
   * of the agent it replaces (so a coaching supervisor whispers to it), a conference's target as a new party. The
   * supervisors stayed in the room meanwhile.
   */
  async rejoin(connId: string, parties: readonly CallPartyLeg[]): Promise<void> {
    const room = this.byConnId.get(connId);
    // The model codes the refusal (TANDEM_ERR_CALL_CONTROL_SIP_FAILED) or bridges the legs directly.
    if (!room || room.host) throw new Error(`supervision carries no room of call ${connId}`);
    await rejoinLegs(room, parties, this.log);
  }

  sharedRoom(connId: string): SharedCallRoom | undefined {
    const room = this.byConnId.get(connId);
    if (!room || room.host) return undefined;
    return {
      connId,
      room: room.room,
      agentPartyIds: room.agents,
      joiningAgentPartyIds: JOINING_AGENT_SEATS,
      onEnded: (listener) => {
        room.guests.add(listener);
        return () => {
          room.guests.delete(listener);
          this.giveBackIfEmpty(room);
        };
      },
    };
  }

  ended(connId: string, why: CallMediaEnd): void {
    const room = this.byConnId.get(connId);
    if (!room) return;
    this.byConnId.delete(connId);
    for (const guest of [...room.guests]) guest();
    room.guests.clear();
    room.host?.();
    for (const seat of [...room.seats.values()]) {
      seat.leaving = true;
      seat.ringing.abort();
      void seat.leg?.bye().catch(() => undefined);
      seat.onGone("call-ended");
    }
    room.seats.clear();
    if (room.host) return;
    void room.room.close().catch((err: unknown) => this.log.warn({ err, connId, why }, "closing the supervised room failed"));
  }

  /** The call's room: ours, another owner's shared one, or a new one the call's legs move into. */
  private async roomOf(connId: string, supervisorDn: string): Promise<SupervisedRoom> {
    const existing = this.byConnId.get(connId);
    if (existing) return existing;
    const already = this.pending.get(connId);
    if (already) return already;
    const shared = this.takeover().sharedRoom(connId);
    if (shared) return this.asGuest(shared);
    const making = this.takeover()
      .takeMedia(connId, this)
      .then(() => {
        const room = this.byConnId.get(connId);
        if (!room) throw SupervisionErrors.joinFailed(supervisorDn, connId, "the call ended while its media moved");
        return room;
      })
      .finally(() => this.pending.delete(connId));
    this.pending.set(connId, making);
    return making;
  }

  /** Another owner's room: joined as a guest until that owner stops carrying the call. */
  private asGuest(shared: SharedCallRoom): SupervisedRoom {
    const room: SupervisedRoom = { connId: shared.connId, room: shared.room, members: new Map(), seats: new Map(), guests: new Set(), agents: () => shared.agentPartyIds() };
    this.byConnId.set(shared.connId, room);
    room.host = shared.onEnded(() => this.ended(shared.connId, "released"));
    return room;
  }

  /** No supervisor (nor guest) left on a call that goes on: its media goes back to the model's direct bridge. */
  private giveBackIfEmpty(room: SupervisedRoom): void {
    if (room.seats.size > 0 || room.guests.size > 0 || this.byConnId.get(room.connId) !== room) return;
    if (room.host) {
      // A guest leaves another owner's room as it found it.
      this.byConnId.delete(room.connId);
      room.host();
      return;
    }
    const parties = this.extensions.get(CALL_PARTIES, DEFAULT_CALL_PARTIES);
    void parties?.rebridge(room.connId).catch((err: unknown) => this.log.warn({ err, connId: room.connId }, "giving the supervised call's media back failed; it stays in the room"));
  }

  private takeover(): CallMediaTakeover {
    const takeover = this.extensions.get(CALL_MEDIA_TAKEOVER, DEFAULT_CALL_MEDIA_TAKEOVER);
    if (!takeover) throw SupervisionErrors.unavailable("supervision", CALL_MEDIA_TAKEOVER.id, "core call model");
    return takeover;
  }
}