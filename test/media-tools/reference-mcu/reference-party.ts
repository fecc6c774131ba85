/**
 * A party of the reference mixer: its UDP socket on 127.0.0.1, where it sends (from its SDP), its codec and
 * mode, and the frames it sent us waiting to be mixed (a 60 ms queue, the oldest dropped beyond).
 */
import { createSocket, type Socket } from "node:dgram";
import { parse } from "sdp-transform";
import { McuErrors, type McuParty, type McuPartyMode, type McuPlayback, type McuPlayRequest } from "@tandem/sdk";
import { buildRtpPacket, codecOfPayloadType, decodeG711, encodeG711, G711_PAYLOAD_TYPE, type G711Codec, parseRtpPacket } from "@tandem/sdk/testing/media";

const NAME = "reference";
const MAX_QUEUED_FRAMES = 3;

export interface ReferencePartyHost {
  readonly roomId: string;
  setMode(party: ReferenceParty, mode: McuPartyMode): void;
  play(request: McuPlayRequest, party: ReferenceParty): Promise<McuPlayback>;
  leave(party: ReferenceParty): Promise<void>;
}

/** The remote of an SDP: address, port and the G.711 codecs it lists, in order. */
export function sdpRemote(sdp: string): { address: string; port: number; codecs: G711Codec[] } {
  const session = parse(sdp);
  const audio = session.media.find((m) => m.type === "audio");
  const address = audio?.connection?.ip ?? session.connection?.ip;
  if (!audio || !address) throw McuErrors.badSdp(NAME, "?", "no audio stream or no c= line");
  const codecs = String(audio.payloads ?? "").split(" ").map((p) => codecOfPayloadType(Number(p))).filter((c): c is G711Codec => c !== undefined);
  return { address, port: audio.port, codecs };
}

export function referenceSdp(port: number, codec: G711Codec): string {
  const pt = G711_PAYLOAD_TYPE[codec];
  return ["v=0", `o=reference ${port} 1 IN IP4 127.0.0.1`, "s=reference mixer", "c=IN IP4 127.0.0.1", "t=0 0", `m=audio ${port} RTP/AVP ${pt}`, `a=rtpmap:${pt} ${codec}/8000`, "a=sendrecv", ""].join("\r\n");
}

export class ReferenceParty implements McuParty {
  readonly inbound: Int16Array[] = [];
  localSdp = "";
  private remote: { address: string; port: number } | undefined;
  private seq = 0;
  private timestamp = 0;
  private readonly ssrc = Math.floor(Math.random() * 0xffffffff);

  private constructor(
    readonly id: string,
    private readonly host: ReferencePartyHost,
    readonly socket: Socket,
    readonly port: number,
    public codec: G711Codec,
    public mode: McuPartyMode,
  ) {
    socket.on("message", (data) => {
      const packet = parseRtpPacket(data);
      const codecIn = packet && codecOfPayloadType(packet.payloadType);
      if (!packet || !codecIn) return;
      this.inbound.push(decodeG711(codecIn, packet.payload));
      if (this.inbound.length > MAX_QUEUED_FRAMES) this.inbound.shift();
    });
  }

  get roomId(): string {
    return this.host.roomId;
  }

  static async open(id: string, host: ReferencePartyHost, mode: McuPartyMode, offer: string | undefined): Promise<ReferenceParty> {
    let remote: ReturnType<typeof sdpRemote> | undefined;
    if (offer !== undefined) {
      remote = sdpRemote(offer);
      if (remote.codecs.length === 0) throw McuErrors.noCommonCodec(NAME, id, offer.match(/m=audio[^\r\n]*/)?.[0] ?? "");
    }
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    const party = new ReferenceParty(id, host, socket, socket.address().port, remote?.codecs[0] ?? "PCMU", mode);
    if (remote) party.remote = { address: remote.address, port: remote.port };
    party.localSdp = referenceSdp(party.port, party.codec);
    return party;
  }

  /** The next frame it sent, or undefined when none is waiting. */
  takeFrame(): Int16Array | undefined {
    return this.inbound.shift();
  }

  /** Sends one 20 ms frame of mixed audio. */
  send(pcm: Int16Array): void {
    if (!this.remote) return;
    const header = { payloadType: G711_PAYLOAD_TYPE[this.codec], sequenceNumber: this.seq++ & 0xffff, timestamp: (this.timestamp += 160) >>> 0, ssrc: this.ssrc };
    this.socket.send(buildRtpPacket(header, encodeG711(this.codec, pcm)), this.remote.port, this.remote.address);
  }

  async accept(answer: string): Promise<void> {
    const remote = sdpRemote(answer);
    this.remote = { address: remote.address, port: remote.port };
  }

  async reoffer(offer: string): Promise<string> {
    await this.accept(offer);
    return this.localSdp;
  }

  async setMode(mode: McuPartyMode): Promise<void> {
    this.host.setMode(this, mode);
  }

  play(request: McuPlayRequest): Promise<McuPlayback> {
    return this.host.play(request, this);
  }

  leave(): Promise<void> {
    return this.host.leave(this);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
