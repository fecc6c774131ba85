/**
 * A room of the Janus adapter: one AudioBridge room (made with `allow_rtp_participants`, kept out of `list`, never
 * saved to Janus's config) whose parties are plain-RTP participants, each on its own handle.
 */
import { randomUUID } from "node:crypto";
import { McuErrors, type McuJoinRequest, type McuParty, type McuPlayback, type McuPlayRequest, type McuRecordRequest, type McuRecording, type McuRoom } from "@tandem/sdk";
import type { JanusClient } from "./janus-client.js";
import { janusFailure } from "./errors.js";
import { JanusParty } from "./janus-party.js";
import { JanusRecording } from "./janus-recording.js";
import type { JanusMcuConfig } from "./manifest.js";

/** What a room shares with its adapter. */
export interface RoomContext {
  readonly adapter: string;
  readonly client: JanusClient;
  readonly controlHandle: number;
  readonly config: JanusMcuConfig;
  readonly label: string | undefined;
}

export class JanusRoom implements McuRoom {
  private readonly members = new Map<string, JanusParty>();
  private recording: JanusRecording | undefined;
  private closed = false;

  private constructor(
    readonly id: string,
    private readonly context: RoomContext,
    private readonly onClosed: (room: JanusRoom) => void,
  ) {}

  static async create(context: RoomContext, onClosed: (room: JanusRoom) => void): Promise<JanusRoom> {
    const id = randomUUID();
    const { client, controlHandle, config } = context;
    try {
      await client.message(controlHandle, {
        request: "create",
        room: id,
        description: context.label ?? "tandem",
        is_private: true,
        permanent: false,
        sampling_rate: config.samplingRate,
        allow_rtp_participants: true,
        audiolevel_ext: false,
        default_prebuffering: config.prebufferPackets,
        ...(config.adminKey ? { admin_key: config.adminKey } : {}),
      });
    } catch (error) {
      throw janusFailure(context.adapter, "create room", error);
    }
    return new JanusRoom(id, context, onClosed);
  }

  parties(): readonly string[] {
    return [...this.members.keys()];
  }

  async join(request: McuJoinRequest): Promise<McuParty> {
    const { adapter, config } = this.context;
    if (this.closed) throw McuErrors.unknownRoom(adapter, this.id);
    const partyId = request.partyId ?? randomUUID();
    if (this.members.has(partyId)) throw McuErrors.duplicateParty(adapter, partyId, this.id);
    if (request.mode?.mode === "whisper") throw McuErrors.unsupported(adapter, "mode whisper");
    // AudioBridge connects a plain-RTP participant's socket to the address given at join and cannot change it, so
    // the party's address must be known then; and it says nothing when a plain-RTP party's media stops.
    if (request.offer === undefined) throw McuErrors.unsupported(adapter, "an offerless join (AudioBridge needs the party's RTP address at join)");
    if (request.inactivityMs !== undefined) throw McuErrors.unsupported(adapter, "party inactivity reports");
    if (this.members.size >= config.maxPartiesPerRoom) throw McuErrors.limit(adapter, `${config.maxPartiesPerRoom} parties per room`);
    const party = await JanusParty.join(this.context, this.id, partyId, request.offer, request.mode ?? { mode: "speak-listen" }, (p) => this.members.delete(p.id));
    if (this.closed) {
      await party.leave();
      throw McuErrors.unknownRoom(adapter, this.id);
    }
    this.members.set(partyId, party);
    return party;
  }

  play(_request: McuPlayRequest): Promise<McuPlayback> {
    return Promise.reject(McuErrors.unsupported(this.context.adapter, "play (AudioBridge plays only .opus files)"));
  }

  async record(request: McuRecordRequest): Promise<McuRecording> {
    const { adapter } = this.context;
    if (request.channels.layout !== "mono") throw McuErrors.unsupported(adapter, `${request.channels.layout} recording`);
    if ((request.format ?? "wav").toLowerCase() !== "wav") throw McuErrors.unsupported(adapter, `recording format ${request.format}`);
    if (this.recording?.running) throw McuErrors.wrongState(adapter, "record", `room ${this.id} is already being recorded`);
    this.recording = await JanusRecording.start(this.context, this.id, request.target);
    return this.recording;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClosed(this);
    if (this.recording?.running) await this.recording.stop().catch(() => undefined);
    await Promise.all([...this.members.values()].map((p) => p.leave().catch(() => undefined)));
    const { client, controlHandle, adapter, config } = this.context;
    try {
      await client.message(controlHandle, { request: "destroy", room: this.id, permanent: false, ...(config.adminKey ? { admin_key: config.adminKey } : {}) });
    } catch (error) {
      throw janusFailure(adapter, "destroy room", error);
    }
  }

  /** The session that held this room is gone: forget it without asking Janus. */
  abandon(): void {
    this.closed = true;
    this.members.clear();
  }
}
