/** A party of the template adapter: offer/answer both ways, listen-only as "not heard", leaving releases its port. */
import { McuErrors, type McuParty, type McuPartyMode, type McuPlayback, type McuPlayRequest } from "@tandem/sdk";
import type { MixerBackend } from "./mixer-backend.js";
import { readPartySdp } from "./party-sdp.js";

/** What a party shares with its room. */
export interface PartyHost {
  readonly adapter: string;
  readonly backend: MixerBackend;
  left(party: TemplateParty): void;
}

export class TemplateParty implements McuParty {
  private gone = false;
  /** Reported inactive for the current silence already (one report per silence). */
  inactiveReported = false;

  constructor(
    readonly id: string,
    readonly roomId: string,
    readonly localSdp: string,
    /** Watched for inactivity after this long without RTP; undefined when its SDP says it sends nothing. */
    readonly inactivityMs: number | undefined,
    readonly joinedAt: number,
    private readonly host: PartyHost,
  ) {}

  async accept(answer: string): Promise<void> {
    const { remote } = readPartySdp(this.host.adapter, this.id, answer);
    await this.host.backend.setRemote(this.roomId, this.id, remote);
  }

  async reoffer(offer: string): Promise<string> {
    await this.accept(offer);
    return this.localSdp;
  }

  async setMode(mode: McuPartyMode): Promise<void> {
    if (this.gone) throw McuErrors.unknownParty(this.host.adapter, this.id, this.roomId);
    if (mode.mode === "whisper") throw McuErrors.unsupported(this.host.adapter, "mode whisper");
    await this.host.backend.setHeard(this.roomId, this.id, mode.mode === "speak-listen");
  }

  play(_request: McuPlayRequest): Promise<McuPlayback> {
    return Promise.reject(McuErrors.unsupported(this.host.adapter, "play"));
  }

  async leave(): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    this.host.left(this);
    await this.host.backend.removeParty(this.roomId, this.id);
  }
}
