/**
 * Recorded calls. To record, the call's media is taken from the model (`core.call-media-takeover`): both legs are
 * re-INVITEd into a room of the `media` plugin with the room's offer (RFC 3725 §4 spirit, RFC 3264 §8), and the
 * room records two channels — the customer on the left, the agent side on the right. Stopping gives the media back
 * (`core.call-parties` rebridge: each leg re-INVITEd with the other's SDP, RFC 3725 §5), so a stopped recording
 * leaves a plain call that can be transferred or conferenced again. A recording that fails (disk full) does the
 * same: the call goes on.
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
  type RecordingControl,
  type RecordingRequest,
  type RecordingStatusAnswer,
  type RoomSharingOwner,
  type SharedCallRoom,
  type SipVerbs,
} from "@tandem/sdk";
import type { CallFacts } from "./call-facts.js";
import { RecordingErrors } from "./errors.js";
import { recordAsGuest, type GuestRecordingDeps } from "./guest-recording.js";
import { originOf, partiesOf, type RecordedCall, type RecordedCalls } from "./recorded-call.js";
import { RecordingSession, type SessionDeps } from "./recording-session.js";
import { participantsOf } from "./siprec-participants.js";
import { startSiprec, type SiprecStartDeps } from "./siprec-start.js";
import type { SrsDirectory } from "./siprec/srs-targets.js";
import { JOINING_SEATS, quietSeats, reseat, seatLeg } from "./recorded-seats.js";

export class CallRecordings implements RoomSharingOwner, RecordingControl {
  private readonly byConnId: RecordedCalls = new Map();
  /** Calls whose recording is being started, so two triggers at once start one. */
  private readonly starting = new Map<string, Promise<RecordingStatusAnswer>>();
  /** Calls whose media is being taken into a room. */
  private readonly taking = new Map<string, Promise<void>>();
  private readonly guestDeps: GuestRecordingDeps;
  private readonly siprecDeps: SiprecStartDeps;

  constructor(
    private readonly extensions: Extensions,
    private readonly rooms: () => MediaRooms,
    private readonly facts: CallFacts,
    private readonly deps: SessionDeps,
    private readonly log: Logger,
    sip: SipVerbs,
    siprecTarget: SrsDirectory | undefined,
  ) {
    this.guestDeps = { extensions, bus: deps.bus, calls: this.byConnId, ended: (connId) => this.ended(connId, "released") };
    this.siprecDeps = {
      directory: siprecTarget,
      facts,
      bus: deps.bus,
      log,
      sip,
      calls: this.byConnId,
      roomFor: (connId) => this.roomFor(connId),
      giveBack: (call) => this.giveBack(call),
    };
  }

  /** Whether call `connId` is being recorded (or its recording is starting). */
  recording(connId: string): boolean {
    return this.starting.has(connId) || this.byConnId.get(connId)?.session?.state === "recording" || this.byConnId.get(connId)?.session?.state === "paused";
  }

  start(request: RecordingRequest & { trigger?: string }): Promise<RecordingStatusAnswer> {
    const { connId } = request;
    const existing = this.starting.get(connId);
    if (existing) return existing;
    const session = this.byConnId.get(connId)?.session;
    if (session && session.state !== "stopped") return Promise.reject(RecordingErrors.badState("start", connId, `the call is already recorded (${session.id})`));
    const starting = this.begin(request).finally(() => this.starting.delete(connId));
    this.starting.set(connId, starting);
    return starting;
  }

  async stop(request: RecordingRequest): Promise<RecordingStatusAnswer> {
    const { call, session } = this.sessionOf("stop", request.connId);
    await session.stop(originOf(request));
    this.giveBack(call);
    return { recordingId: session.id, connId: call.connId, state: "stopped" };
  }

  async pause(request: RecordingRequest): Promise<RecordingStatusAnswer> {
    const { call, session } = this.sessionOf("pause", request.connId);
    await session.pause(originOf(request));
    return { recordingId: session.id, connId: call.connId, state: "paused" };
  }

  async resume(request: RecordingRequest): Promise<RecordingStatusAnswer> {
    const { call, session } = this.sessionOf("resume", request.connId);
    await session.resume(originOf(request));
    return { recordingId: session.id, connId: call.connId, state: "recording" };
  }

  /** Stops every recording (shutdown): each file is closed and indexed. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.byConnId.values()].map((call) => call.session?.stop({ source: "recording" })));
  }

  // CallMediaOwner

  async connect(connId: string, parties: readonly CallPartyLeg[]): Promise<void> {
    // The room first: an MCU that is down or cannot record two channels refuses here, before any leg has moved.
    const room = await this.rooms().createRoom({
      label: `recorded ${connId}`,
      needs: { modes: ["speak-listen"], record: { layouts: ["two-channel"], pause: true }, partiesPerRoom: parties.length },
    });
    const call: RecordedCall = { connId, room, members: new Map(), left: [], guests: new Set() };
    this.byConnId.set(connId, call);
    await moveLegsIntoRoom(room, parties, (party) => seatLeg(call, party), () => this.byConnId.delete(connId));
  }

  async left(connId: string, party: CallPartyLeg, remaining: readonly CallPartyLeg[]): Promise<"continue" | "release"> {
    const call = this.byConnId.get(connId);
    const member = call?.members.get(party.leg.id);
    if (call && member) {
      call.members.delete(party.leg.id);
      call.left.push({ dn: party.dn, role: party.role, from: member.since, to: new Date().toISOString() });
      call.session?.setParties(partiesOf(call), null);
      await member.party.leave().catch((err: unknown) => this.log.warn({ err, connId }, "leaving the recorded room failed"));
      this.followSiprec(call);
    }
    return remaining.some((p) => p.role === "agent") ? "continue" : "release";
  }

  /** The legs are lent for a hold or consultation: their seats stop sending to them (silence is written). */
  async lend(connId: string, parties: readonly CallPartyLeg[]): Promise<void> {
    const call = this.byConnId.get(connId);
    if (call && !call.host) await quietSeats(call, parties);
  }

  /**
   * The legs lent for a hold or consultation come back (customer and agent, customer and a transfer target, or a
   * conference's three): a transfer target is written on the agent channel in the first agent's place, a
   * conference's target beside it (recorded-seats.ts); the parties list follows.
   */
  async rejoin(connId: string, parties: readonly CallPartyLeg[]): Promise<void> {
    const call = this.byConnId.get(connId);
    // The model codes the refusal (TANDEM_ERR_CALL_CONTROL_SIP_FAILED) or bridges the legs directly.
    if (!call || call.host) throw new Error(`the recording carries no room of call ${connId}`);
    // With a SIPREC session, a new seat is heard by nobody until the session places it on the agent side.
    await reseat(call, parties, this.log, call.siprec ? { mode: "listen-only" } : undefined);
    const agentDn = [...call.members.values()].find((m) => m.leg.role === "agent")?.leg.dn ?? null;
    call.session?.setParties(partiesOf(call), agentDn);
    this.followSiprec(call);
  }

  /** The SIPREC session follows the call's parties: its whisper sides, then its metadata (RFC 7866 §6.1.2). */
  private followSiprec(call: RecordedCall): void {
    void call.siprec?.update(participantsOf(call)).catch((err: unknown) => this.log.warn({ err, connId: call.connId }, "updating the SIPREC session failed"));
  }

  ended(connId: string, why: CallMediaEnd): void {
    const call = this.byConnId.get(connId);
    if (!call) return;
    this.byConnId.delete(connId);
    call.unfollow?.();
    for (const guest of [...call.guests]) guest();
    call.guests.clear();
    void call.siprec?.stop();
    // The file is closed before the room goes, so the recording keeps the call's last words; a host's room is its own.
    void (call.session?.stop({ source: "recording" }) ?? Promise.resolve())
      .finally(() => (call.host ? undefined : call.room.close()))
      .catch((err: unknown) => this.log.warn({ err, connId, why }, "closing the recorded room failed"));
  }

  private async begin(request: RecordingRequest & { trigger?: string }): Promise<RecordingStatusAnswer> {
    const { connId } = request;
    const call = await this.roomFor(connId);
    const known = this.facts.get(connId);
    const members = [...call.members.values()];
    const agent = members.find((m) => m.leg.role === "agent");
    try {
      const session = await RecordingSession.start(
        this.deps,
        call.room,
        call.guest?.layout ?? {
          left: members.filter((m) => m.leg.role === "customer").map((m) => m.party.id),
          // The seats of agents a conference may add later are on the agent channel from the start.
          right: [...members.filter((m) => m.leg.role !== "customer").map((m) => m.party.id), ...JOINING_SEATS],
        },
        {
          connId,
          trigger: request.trigger ?? request.source,
          ani: known?.ani ?? members.find((m) => m.leg.role === "customer")?.leg.dn ?? null,
          dnis: known?.dnis ?? null,
          agentDn: agent?.leg.dn ?? known?.agentDn ?? null,
          parties: partiesOf(call),
        },
        originOf(request),
      );
      call.session = session;
      session.onFailed = () => this.giveBack(call);
      if (!this.byConnId.has(connId)) await session.stop({ source: "recording" });
      return { recordingId: session.id, connId, state: "recording" };
    } catch (err) {
      this.giveBack(call);
      throw err;
    }
  }

  /**
   * Opens a SIPREC session for call `connId` to the configured SRS. Never throws: an SRS that refuses or fails is
   * EventSiprecFailed + EventError (TANDEM_ERR_RECORDING_SRS_FAILED), and the call (and its local recording) go on.
   */
  startSiprec(connId: string, trigger: string): Promise<boolean> {
    return startSiprec(connId, trigger, this.siprecDeps);
  }

  /** The call's media in a room this owner carries (taken from the model once, however many ask at once). */
  private async roomFor(connId: string): Promise<RecordedCall> {
    const shared = this.byConnId.has(connId) ? undefined : this.takeover().sharedRoom(connId);
    if (shared) return recordAsGuest(shared, this.guestDeps);
    if (!this.byConnId.has(connId)) {
      let taking = this.taking.get(connId);
      if (!taking) {
        taking = this.takeover()
          .takeMedia(connId, this)
          .finally(() => this.taking.delete(connId));
        this.taking.set(connId, taking);
      }
      await taking;
    }
    const call = this.byConnId.get(connId);
    if (!call) throw RecordingErrors.startFailed(connId, "the call ended while its media moved");
    return call;
  }

  /**
   * The recorded call's room for other features (a supervisor joins it as a guest instead of moving the call's
   * legs again); kept while they use it.
   */
  sharedRoom(connId: string): SharedCallRoom | undefined {
    const call = this.byConnId.get(connId);
    if (!call) return undefined;
    return {
      connId,
      room: call.room,
      agentPartyIds: () => [...call.members.values()].filter((m) => m.leg.role !== "customer").map((m) => m.party.id),
      joiningAgentPartyIds: JOINING_SEATS,
      onEnded: (listener) => {
        call.guests.add(listener);
        return () => {
          call.guests.delete(listener);
          this.giveBack(call);
        };
      },
    };
  }

  /** Once nothing uses the room (no recording, SIPREC session or guest), the media goes back to the model's direct bridge. */
  private giveBack(call: RecordedCall): void {
    if (this.byConnId.get(call.connId) !== call) return;
    const state = call.session?.state;
    if (state === "recording" || state === "paused" || call.siprec || call.guests.size > 0) return;
    if (call.host) {
      // A guest leaves the host's room as it found it.
      this.byConnId.delete(call.connId);
      call.unfollow?.();
      call.host();
      return;
    }
    const parties = this.extensions.get(CALL_PARTIES, DEFAULT_CALL_PARTIES);
    void parties?.rebridge(call.connId).catch((err: unknown) => this.log.warn({ err, connId: call.connId }, "giving the recorded call's media back failed; it stays in the room"));
  }

  private sessionOf(name: string, connId: string): { call: RecordedCall; session: RecordingSession } {
    const call = this.byConnId.get(connId);
    const session = call?.session;
    if (!call || !session || session.state === "stopped") throw RecordingErrors.notRecording(name, connId);
    return { call, session };
  }

  private takeover(): CallMediaTakeover {
    const takeover = this.extensions.get(CALL_MEDIA_TAKEOVER, DEFAULT_CALL_MEDIA_TAKEOVER);
    if (!takeover) throw RecordingErrors.unavailable("recording", CALL_MEDIA_TAKEOVER.id, "core call model");
    return takeover;
  }
}