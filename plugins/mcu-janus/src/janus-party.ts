/**
 * A party of the Janus adapter: an AudioBridge plain-RTP participant on its own handle. Janus is told where the
 * party receives and in which G.711 codec; its `joined` event says where Janus receives, which becomes our SDP
 * answer. Listen-only is AudioBridge's `muted` (set with the synchronous `mute`/`unmute` requests, heard at the
 * next 20 ms mix); leaving detaches the handle, which closes the participant's socket (see port-release.ts).
 */
import { McuErrors, type McuParty, type McuPartyMode, type McuPlayback, type McuPlayRequest } from "@tandem/sdk";
import { AUDIOBRIDGE } from "./janus-client.js";
import { janusFailure } from "./errors.js";
import type { RoomContext } from "./janus-room.js";
import { portReleased } from "./port-release.js";
import { OfferProblem, readOffer, sameMedia, writeAnswer, type PartyMedia } from "./plain-rtp-sdp.js";

let sessionIds = Date.now() % 1_000_000;

/** The contract's refusal for an offer the adapter cannot use. */
function offerRefusal(adapter: string, partyId: string, offer: string, problem: unknown): Error {
  if (problem instanceof OfferProblem) {
    return problem.kind === "no-common-codec" ? McuErrors.noCommonCodec(adapter, partyId, problem.message) : McuErrors.badSdp(adapter, partyId, problem.message);
  }
  return McuErrors.badSdp(adapter, partyId, `${String(problem)} in ${offer.length} bytes`);
}

export class JanusParty implements McuParty {
  private left = false;

  private constructor(
    readonly id: string,
    readonly roomId: string,
    readonly localSdp: string,
    private readonly media: PartyMedia,
    private readonly janusRtp: { ip: string; port: number },
    private readonly handle: number,
    private readonly context: RoomContext,
    private readonly onLeft: (party: JanusParty) => void,
  ) {}

  static async join(context: RoomContext, roomId: string, id: string, offer: string, mode: McuPartyMode, onLeft: (party: JanusParty) => void): Promise<JanusParty> {
    const { adapter, client, config } = context;
    let media: PartyMedia;
    try {
      media = readOffer(offer, ["PCMU", "PCMA"]);
    } catch (problem) {
      throw offerRefusal(adapter, id, offer, problem);
    }
    let handle: number;
    try {
      handle = await client.attach(AUDIOBRIDGE);
    } catch (error) {
      throw janusFailure(adapter, "attach a participant", error);
    }
    try {
      const joined = await client.message(handle, {
        request: "join",
        room: roomId,
        id,
        display: id,
        muted: mode.mode === "listen-only",
        codec: media.janusCodec,
        prebuffer: config.prebufferPackets,
        rtp: { ip: media.address, port: media.port },
      });
      const rtp = joined.rtp as { ip?: string; port?: number } | undefined;
      if (!rtp?.ip || !rtp.port) throw new Error(`AudioBridge joined ${id} without a plain-RTP address (${JSON.stringify(joined)})`);
      return new JanusParty(id, roomId, writeAnswer(rtp.ip, rtp.port, media, sessionIds++), media, { ip: rtp.ip, port: rtp.port }, handle, context, onLeft);
    } catch (error) {
      await client.detach(handle).catch(() => undefined);
      throw janusFailure(adapter, `join of party ${id}`, error);
    }
  }

  accept(_answer: string): Promise<void> {
    return Promise.reject(McuErrors.wrongState(this.context.adapter, "accept an answer", `party ${this.id} joined with an offer and was answered`));
  }

  /** Refused: the party's answer could move its media, and AudioBridge cannot move a plain-RTP participant. */
  offer(): Promise<string> {
    const { adapter } = this.context;
    if (this.left) return Promise.reject(McuErrors.unknownParty(adapter, this.id, this.roomId));
    return Promise.reject(McuErrors.unsupported(adapter, "a fresh offer to a party in a room (AudioBridge cannot move a plain-RTP participant)"));
  }

  /** A re-offer that keeps address, port and codec gets the same answer; AudioBridge cannot move a plain-RTP party. */
  async reoffer(offer: string): Promise<string> {
    const { adapter } = this.context;
    if (this.left) throw McuErrors.unknownParty(adapter, this.id, this.roomId);
    let media: PartyMedia;
    try {
      media = readOffer(offer, [this.media.codec]);
    } catch (problem) {
      throw offerRefusal(adapter, this.id, offer, problem);
    }
    if (!sameMedia(media, this.media)) throw McuErrors.unsupported(adapter, "a re-offer that moves a party's media or changes its codec");
    return this.localSdp;
  }

  async setMode(mode: McuPartyMode): Promise<void> {
    const { adapter, client, controlHandle } = this.context;
    if (this.left) throw McuErrors.unknownParty(adapter, this.id, this.roomId);
    if (mode.mode === "whisper") throw McuErrors.unsupported(adapter, "mode whisper");
    const request = mode.mode === "listen-only" ? "mute" : "unmute";
    try {
      await client.message(controlHandle, { request, room: this.roomId, id: this.id });
    } catch (error) {
      throw janusFailure(adapter, `${request} of party ${this.id}`, error);
    }
  }

  play(_request: McuPlayRequest): Promise<McuPlayback> {
    return Promise.reject(McuErrors.unsupported(this.context.adapter, "play (AudioBridge plays only .opus files, and only to a whole room)"));
  }

  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    this.onLeft(this);
    try {
      await this.context.client.detach(this.handle);
    } catch (error) {
      throw janusFailure(this.context.adapter, `leave of party ${this.id}`, error);
    }
    await portReleased(this.janusRtp.ip, this.janusRtp.port);
  }
}
