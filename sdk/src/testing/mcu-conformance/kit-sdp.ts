/**
 * The SDP a conformance party exchanges with an adapter (RFC 3264 offer/answer, RFC 4566 syntax): an offer or
 * an answer for one G.711 audio stream on 127.0.0.1, and where the adapter wants that party's RTP sent.
 */
import { parse, write } from "sdp-transform";
import { codecOfPayloadType, G711_PAYLOAD_TYPE, type G711Codec } from "../media/g711.js";

/** Where and how to send a party's media, from the adapter's SDP. */
export interface SdpMediaTarget {
  address: string;
  port: number;
  /** The first G.711 payload type of the m= line (RFC 3264 §6.1: the answerer's preferred format). */
  codec: G711Codec;
  direction: "sendrecv" | "sendonly" | "recvonly" | "inactive";
  /** The payload type of RFC 4733 telephone-event in the adapter's SDP, if it has one. */
  telephoneEventPayloadType?: number;
}

/**
 * An SDP for one audio stream at `port` on 127.0.0.1 offering (or answering with) `codecs`, in that order, and
 * RFC 4733 telephone-event as payload type `telephoneEvent` when given. A later SDP of the same party keeps its
 * session id and takes the next `sessionVersion` (RFC 3264 §8).
 */
export function kitSdp(port: number, codecs: readonly G711Codec[], sessionId: number, telephoneEvent?: number, sessionVersion = 1): string {
  const payloads: number[] = codecs.map((c) => G711_PAYLOAD_TYPE[c]);
  const rtp: Array<{ payload: number; codec: string; rate: number }> = codecs.map((codec) => ({ payload: G711_PAYLOAD_TYPE[codec], codec, rate: 8000 }));
  const fmtp: Array<{ payload: number; config: string }> = [];
  if (telephoneEvent !== undefined) {
    payloads.push(telephoneEvent);
    rtp.push({ payload: telephoneEvent, codec: "telephone-event", rate: 8000 });
    fmtp.push({ payload: telephoneEvent, config: "0-16" });
  }
  return write({
    version: 0,
    origin: { username: "conformance", sessionId, sessionVersion, netType: "IN", ipVer: 4, address: "127.0.0.1" },
    name: "mcu conformance party",
    connection: { version: 4, ip: "127.0.0.1" },
    timing: { start: 0, stop: 0 },
    media: [
      {
        type: "audio",
        port,
        protocol: "RTP/AVP",
        payloads: payloads.join(" "),
        rtp,
        fmtp,
        direction: "sendrecv",
        ptime: 20,
      },
    ],
  });
}

/** The audio stream the adapter's SDP describes; throws when it has none with a G.711 format. */
export function mediaTarget(sdp: string): SdpMediaTarget {
  const session = parse(sdp);
  const audio = session.media.find((m) => m.type === "audio" && m.port !== 0);
  if (!audio) throw new Error(`the adapter's SDP has no audio stream:\n${sdp}`);
  const payloads = String(audio.payloads ?? "").split(" ").map(Number);
  const codec = payloads.map(codecOfPayloadType).find((c): c is G711Codec => c !== undefined);
  if (!codec) throw new Error(`the adapter's SDP offers no G.711 format:\n${sdp}`);
  const address = audio.connection?.ip ?? session.connection?.ip;
  if (!address) throw new Error(`the adapter's SDP has no c= line:\n${sdp}`);
  const telephoneEvent = audio.rtp.find((r) => r.codec.toLowerCase() === "telephone-event" && payloads.includes(r.payload));
  const target: SdpMediaTarget = { address, port: audio.port, codec, direction: audio.direction ?? session.direction ?? "sendrecv" };
  if (telephoneEvent) target.telephoneEventPayloadType = telephoneEvent.payload;
  return target;
}
