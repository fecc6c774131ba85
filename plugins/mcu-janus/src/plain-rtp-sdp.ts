/**
 * The SDP of a plain-RTP AudioBridge participant (RFC 3264 offer/answer, RFC 4566 syntax). AudioBridge takes no
 * SDP for such a participant: it is told the address to send to and the G.711 codec, and answers with the address
 * it sends from and expects media at. This module reads that out of the party's offer and writes the answer.
 */
import { parse, write } from "sdp-transform";

/** G.711 static payload types (RFC 3551 §6) and the AudioBridge `codec` name for each. */
const G711 = [
  { name: "PCMU", payloadType: 0, janusCodec: "pcmu" },
  { name: "PCMA", payloadType: 8, janusCodec: "pcma" },
] as const;

export type G711Name = (typeof G711)[number]["name"];

/** What the adapter needs of a party's offer. */
export interface PartyMedia {
  address: string;
  port: number;
  codec: G711Name;
  janusCodec: "pcmu" | "pcma";
  payloadType: number;
}

/** Why an offer cannot be used: unreadable, or no codec in common. */
export class OfferProblem extends Error {
  constructor(
    readonly kind: "bad-sdp" | "no-common-codec",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The party's media from its offer: the first G.711 format it offers among `codecs` (the offerer's order of
 * preference, RFC 3264 §6.1) and the address of its audio stream.
 */
export function readOffer(offer: string, codecs: readonly string[]): PartyMedia {
  let session: ReturnType<typeof parse>;
  try {
    session = parse(offer);
  } catch (error) {
    throw new OfferProblem("bad-sdp", `unparsable SDP (${(error as Error).message})`);
  }
  const audio = session.media?.find((m) => m.type === "audio" && m.port !== 0);
  if (!audio) throw new OfferProblem("bad-sdp", "no audio stream with a port");
  const address = audio.connection?.ip ?? session.connection?.ip;
  if (!address || !/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) throw new OfferProblem("bad-sdp", `no IPv4 c= address (${address ?? "none"})`);
  if (!/^RTP\/AVP$/i.test(audio.protocol)) throw new OfferProblem("bad-sdp", `profile ${audio.protocol} (plain RTP/AVP only)`);
  const offered = String(audio.payloads ?? "").split(" ").map(Number);
  for (const pt of offered) {
    // Static payload types only: AudioBridge sends G.711 as 0 or 8 whatever the offer numbered it.
    const g711 = G711.find((g) => g.payloadType === pt);
    if (g711 && codecs.some((c) => c.toUpperCase() === g711.name)) {
      return { address, port: audio.port, codec: g711.name, janusCodec: g711.janusCodec, payloadType: pt };
    }
  }
  throw new OfferProblem("no-common-codec", offered.join(" "));
}

/** Our answer: AudioBridge's address and port for this party, in the one codec chosen. */
export function writeAnswer(janusAddress: string, janusPort: number, media: PartyMedia, sessionId: number, version = 1): string {
  return write({
    version: 0,
    origin: { username: "tandem-janus", sessionId, sessionVersion: version, netType: "IN", ipVer: 4, address: janusAddress },
    name: "-",
    connection: { version: 4, ip: janusAddress },
    timing: { start: 0, stop: 0 },
    media: [
      {
        type: "audio",
        port: janusPort,
        protocol: "RTP/AVP",
        payloads: String(media.payloadType),
        rtp: [{ payload: media.payloadType, codec: media.codec, rate: 8000 }],
        fmtp: [],
        direction: "sendrecv",
        ptime: 20,
      },
    ],
  });
}

/** Whether a re-offer keeps the party's media where it was (AudioBridge cannot re-point a plain-RTP socket). */
export function sameMedia(a: PartyMedia, b: PartyMedia): boolean {
  return a.address === b.address && a.port === b.port && a.codec === b.codec;
}
