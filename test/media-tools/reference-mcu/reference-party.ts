/**
 * A party of the reference mixer: its UDP socket on 127.0.0.1, where it sends (from its SDP), its codec and
 * mode, and the frames it sent us waiting to be mixed (a 60 ms queue, the oldest dropped beyond).
 */
import { createSocket, type Socket } from "node:dgram";
import { parse } from "sdp-transform";
import { McuErrors, type McuAbilities, type McuEvent, type McuParty, type McuPartyMode, type McuPlayback, type McuPlayRequest } from "@tandem/sdk";
import {
  buildRtpPacket,
  codecOfPayloadType,
  decodeG711,
  encodeG711,
  eventKey,
  G711_PAYLOAD_TYPE,
  type G711Codec,
  parseRtpPacket,
  parseTelephoneEvent,
  TELEPHONE_EVENT_PAYLOAD_TYPE,
} from "@tandem/sdk/testing/media";

const NAME = "reference";
const MAX_QUEUED_FRAMES = 3;

export interface ReferencePartyHost {
  readonly roomId: string;
  readonly telephoneEvents: boolean;
  readonly abilities: McuAbilities;
  /** Wrong on purpose: the answer to a fresh offer is taken but media goes on to the old address. */
  readonly ignoreFreshAnswer: boolean;
  report(event: McuEvent): void;
  setMode(party: ReferenceParty, mode: McuPartyMode): void;
  play(request: McuPlayRequest, party: ReferenceParty): Promise<McuPlayback>;
  leave(party: ReferenceParty): Promise<void>;
}

/** The remote of an SDP: address, port, the G.711 codecs it lists in order, its telephone-event payload type. */
export function sdpRemote(sdp: string): { address: string; port: number; codecs: G711Codec[]; telephoneEvent: number | undefined } {
  const session = parse(sdp);
  const audio = session.media.find((m) => m.type === "audio");
  const address = audio?.connection?.ip ?? session.connection?.ip;
  if (!audio || !address) throw McuErrors.badSdp(NAME, "?", "no audio stream or no c= line");
  const codecs = String(audio.payloads ?? "").split(" ").map((p) => codecOfPayloadType(Number(p))).filter((c): c is G711Codec => c !== undefined);
  const telephoneEvent = audio.rtp.find((r) => r.codec.toLowerCase() === "telephone-event")?.payload;
  return { address, port: audio.port, codecs, telephoneEvent };
}

export function referenceSdp(port: number, codec: G711Codec, telephoneEvent: number | undefined): string {
  const pt = G711_PAYLOAD_TYPE[codec];
  const te = telephoneEvent === undefined ? [] : [`a=rtpmap:${telephoneEvent} telephone-event/8000`, `a=fmtp:${telephoneEvent} 0-16`];
  const formats = telephoneEvent === undefined ? `${pt}` : `${pt} ${telephoneEvent}`;
  return ["v=0", `o=reference ${port} 1 IN IP4 127.0.0.1`, "s=reference mixer", "c=IN IP4 127.0.0.1", "t=0 0", `m=audio ${port} RTP/AVP ${formats}`, `a=rtpmap:${pt} ${codec}/8000`, ...te, "a=sendrecv", ""].join("\r\n");
}

export class ReferenceParty implements McuParty {
  readonly inbound: Int16Array[] = [];
  localSdp = "";
  telephoneEvent: number | undefined;
  lastMediaAt = Date.now();
  inactiveReported = false;
  inactivityMs = 10_000;
  private lastEventTimestamp: number | undefined;
  private freshOfferPending = false;
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
      if (!packet) return;
      this.lastMediaAt = Date.now();
      this.inactiveReported = false;
      if (packet.payloadType === this.telephoneEvent) return this.onTelephoneEvent(packet.timestamp, packet.payload);
      const codecIn = codecOfPayloadType(packet.payloadType);
      if (!codecIn) return;
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
    party.telephoneEvent = host.telephoneEvents ? (remote ? remote.telephoneEvent : TELEPHONE_EVENT_PAYLOAD_TYPE) : undefined;
    party.localSdp = referenceSdp(party.port, party.codec, party.telephoneEvent);
    return party;
  }

  /** RFC 4733 §2.5.2.1: one event per start timestamp, reported at its first end packet. */
  private onTelephoneEvent(timestamp: number, payload: Uint8Array): void {
    const event = parseTelephoneEvent(payload);
    if (!event?.end || timestamp === this.lastEventTimestamp) return;
    this.lastEventTimestamp = timestamp;
    this.host.report({ type: "telephone-event", roomId: this.roomId, partyId: this.id, event: eventKey(event.code), durationMs: event.duration / 8 });
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
    const ignored = this.freshOfferPending && this.host.ignoreFreshAnswer;
    this.freshOfferPending = false;
    if (!ignored) this.remote = { address: remote.address, port: remote.port };
  }

  /** The same socket and codec offered again; the party's answer may move where it receives. */
  async offer(): Promise<string> {
    if (!this.host.abilities.freshOffer) throw McuErrors.unsupported(NAME, "a fresh offer");
    this.freshOfferPending = true;
    return this.localSdp;
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
