/**
 * A party of the template adapter: offer/answer both ways (fresh offers mid-call too), listen-only as "not heard",
 * leaving releases its port.
 */
import { McuErrors, type McuParty, type McuPartyMode, type McuPlayback, type McuPlayRequest } from "@tandem/sdk";
import type { MediaAddress, MixerBackend } from "./mixer-backend.js";
import { readPartySdp, writeMcuSdp } from "./party-sdp.js";

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
  /** Our last SDP to the party; version 1 is the first (RFC 3264 §8). */
  localSdp: string;
  private sdpVersion = 1;

  constructor(
    readonly id: string,
    readonly roomId: string,
    /** Where the MCU receives this party's RTP. */
    private readonly local: MediaAddress,
    private readonly sdpSessionId: number,
    /** Watched for inactivity after this long without RTP; undefined when its SDP says it sends nothing. */
    readonly inactivityMs: number | undefined,
    readonly joinedAt: number,
    private readonly host: PartyHost,
  ) {
    this.localSdp = writeMcuSdp(local, sdpSessionId);
  }

  async accept(answer: string): Promise<void> {
    const { remote } = readPartySdp(this.host.adapter, this.id, answer);
    await this.host.backend.setRemote(this.roomId, this.id, remote);
  }

  /** The MCU keeps receiving where it did, so the fresh offer is our SDP again with the next version. */
  async offer(): Promise<string> {
    if (this.gone) throw McuErrors.unknownParty(this.host.adapter, this.id, this.roomId);
    this.localSdp = writeMcuSdp(this.local, this.sdpSessionId, ++this.sdpVersion);
    return this.localSdp;
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
