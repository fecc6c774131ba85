/** A room of the template adapter: checks every join against the declared capabilities and limits before the backend sees it. */
import { randomUUID } from "node:crypto";
import { McuErrors, type McuJoinRequest, type McuParty, type McuPlayback, type McuPlayRequest, type McuRecording, type McuRecordRequest, type McuRoom } from "@tandem/sdk";
import type { TemplateMcuConfig } from "./manifest.js";
import type { MixerBackend } from "./mixer-backend.js";
import { readPartySdp } from "./party-sdp.js";
import { TemplateParty } from "./template-party.js";

let sessionIds = 1;

export class TemplateRoom implements McuRoom {
  readonly members = new Map<string, TemplateParty>();
  private closed = false;

  constructor(
    readonly id: string,
    private readonly adapter: string,
    private readonly backend: MixerBackend,
    private readonly config: TemplateMcuConfig,
    private readonly onClosed: (room: TemplateRoom) => void,
  ) {}

  parties(): readonly string[] {
    return [...this.members.keys()];
  }

  async join(request: McuJoinRequest): Promise<McuParty> {
    if (this.closed) throw McuErrors.unknownRoom(this.adapter, this.id);
    const partyId = request.partyId ?? randomUUID();
    if (this.members.has(partyId)) throw McuErrors.duplicateParty(this.adapter, partyId, this.id);
    if (request.mode?.mode === "whisper") throw McuErrors.unsupported(this.adapter, "mode whisper");
    if (this.members.size >= this.config.maxPartiesPerRoom) throw McuErrors.limit(this.adapter, `${this.config.maxPartiesPerRoom} parties per room`);
    const offered = request.offer === undefined ? undefined : readPartySdp(this.adapter, partyId, request.offer);
    const heard = (request.mode?.mode ?? "speak-listen") === "speak-listen";
    const local = await this.backend.addParty(this.id, partyId, offered?.remote, heard);
    const watched = offered === undefined || offered.sends;
    const party = new TemplateParty(partyId, this.id, local, sessionIds++, watched ? (request.inactivityMs ?? this.config.inactivityMs) : undefined, Date.now(), {
      adapter: this.adapter,
      backend: this.backend,
      left: (p) => this.members.delete(p.id),
    });
    this.members.set(partyId, party);
    return party;
  }

  play(_request: McuPlayRequest): Promise<McuPlayback> {
    return Promise.reject(McuErrors.unsupported(this.adapter, "play"));
  }

  record(_request: McuRecordRequest): Promise<McuRecording> {
    return Promise.reject(McuErrors.unsupported(this.adapter, "recording"));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.members.clear();
    this.onClosed(this);
    await this.backend.destroyRoom(this.id);
  }
}
