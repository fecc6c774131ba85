/**
 * SDP offer/answer for one party (RFC 3264), with `sdp-transform`: answering a party's offer (§6), making the offer
 * for an offerless join (RFC 3725 flow I) and reading the party's answer to it (§7). One G.711 codec is chosen —
 * the first of the offer's own order that the engine mixes (§6.1) — plus RFC 4733 telephone-event when offered.
 * Streams other than the first audio stream are refused with port 0 (§6).
 */
import { isIP } from "node:net";
import { randomInt } from "node:crypto";
import { parse, write, type MediaDescription, type SessionDescription } from "sdp-transform";
import type { RemoteMedia } from "./protocol.js";
import { G711_PAYLOAD_TYPE, type G711Codec } from "./worker/g711.js";

/** The dynamic payload type the engine offers for telephone-event. */
export const TELEPHONE_EVENT_PT = 101;
const STATIC_CODECS: Readonly<Record<number, G711Codec>> = { 0: "PCMU", 8: "PCMA" };

/** Why SDP was refused, for the coded error. */
export class SdpProblem extends Error {
  constructor(
    readonly kind: "bad" | "no-common-codec",
    message: string,
  ) {
    super(message);
  }
}

/** The party's session origin towards us (RFC 3264 §8: same session id, version up by one per new SDP). */
export class SdpOrigin {
  private readonly sessionId = randomInt(1, 2 ** 47);
  private version = 0;

  next(address: string): SessionDescription["origin"] {
    return { username: "tandem", sessionId: this.sessionId, sessionVersion: ++this.version, netType: "IN", ipVer: isIP(address) === 6 ? 6 : 4, address };
  }
}

/** Our side of the stream. */
export interface LocalMedia {
  readonly address: string;
  readonly port: number;
  readonly origin: SdpOrigin;
}

type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";
const ANSWER_DIRECTION: Readonly<Record<Direction, Direction>> = { sendrecv: "sendrecv", sendonly: "recvonly", recvonly: "sendonly", inactive: "inactive" };

function parseSdp(sdp: string): SessionDescription {
  let session: SessionDescription;
  try {
    session = parse(sdp);
  } catch (err) {
    throw new SdpProblem("bad", `not parseable (${(err as Error).message})`);
  }
  if (!Array.isArray(session.media) || session.media.length === 0) throw new SdpProblem("bad", "no media stream");
  return session;
}

function payloadTypes(media: MediaDescription): number[] {
  return String(media.payloads ?? "").split(/\s+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n >= 0 && n <= 127);
}

/** The codec a payload type stands for: its rtpmap, else the static assignment (RFC 3551 §6). */
function codecOf(media: MediaDescription, pt: number): { name: string; rate: number } | undefined {
  const map = media.rtp.find((r) => r.payload === pt);
  if (map) return { name: map.codec, rate: map.rate ?? 0 };
  const codec = STATIC_CODECS[pt];
  return codec ? { name: codec, rate: 8000 } : undefined;
}

/** What the party's SDP says of its audio stream. */
function readRemote(session: SessionDescription, media: MediaDescription): RemoteMedia {
  const host = media.connection?.ip ?? session.connection?.ip;
  if (!host || isIP(host) === 0) throw new SdpProblem("bad", `connection address ${host ?? "missing"} is not an IP address`);
  const pts = payloadTypes(media);
  let codec: G711Codec | undefined;
  let payloadType = -1;
  let telephoneEventPt = -1;
  for (const pt of pts) {
    const c = codecOf(media, pt);
    if (!c || c.rate !== 8000) continue;
    const name = c.name.toUpperCase();
    if (!codec && (name === "PCMU" || name === "PCMA")) {
      codec = name;
      payloadType = pt;
    } else if (name === "TELEPHONE-EVENT" && telephoneEventPt < 0) telephoneEventPt = pt;
  }
  if (!codec) {
    const offered = pts.map((pt) => codecOf(media, pt)?.name ?? String(pt)).join(" ");
    throw new SdpProblem("no-common-codec", offered || "none");
  }
  const direction = (media.direction ?? session.direction ?? "sendrecv") as Direction;
  const unreachable = host === "0.0.0.0" || host === "::" || media.port === 0;
  return {
    host,
    rtpPort: media.port,
    rtcpPort: media.rtcp?.port ?? media.port + 1,
    codec,
    payloadType,
    telephoneEventPt,
    sends: direction === "sendrecv" || direction === "sendonly",
    receives: !unreachable && (direction === "sendrecv" || direction === "recvonly"),
  };
}

function audioLine(local: LocalMedia, codecs: ReadonlyArray<{ pt: number; codec: string }>, telephoneEventPt: number, direction: Direction): MediaDescription {
  const rtp = codecs.map(({ pt, codec }) => ({ payload: pt, codec, rate: 8000 }));
  const fmtp: MediaDescription["fmtp"] = [];
  if (telephoneEventPt >= 0) {
    rtp.push({ payload: telephoneEventPt, codec: "telephone-event", rate: 8000 });
    fmtp.push({ payload: telephoneEventPt, config: "0-16" });
  }
  return { type: "audio", port: local.port, protocol: "RTP/AVP", payloads: rtp.map((r) => r.payload).join(" "), rtp, fmtp, ptime: 20, direction };
}

function session(local: LocalMedia, media: MediaDescription[]): string {
  const ipVer = isIP(local.address) === 6 ? 6 : 4;
  return write({
    version: 0,
    origin: local.origin.next(local.address),
    name: "tandem",
    connection: { version: ipVer, ip: local.address },
    timing: { start: 0, stop: 0 },
    media,
  });
}

/** Answers the party's offer (RFC 3264 §6); the first audio stream is taken, every other refused with port 0. */
export function answerOffer(offer: string, local: LocalMedia): { sdp: string; remote: RemoteMedia } {
  const parsed = parseSdp(offer);
  const index = parsed.media.findIndex((m) => m.type === "audio" && m.port !== 0);
  const audio = parsed.media[index];
  if (!audio) throw new SdpProblem("bad", "no audio stream with a port");
  const remote = readRemote(parsed, audio);
  const direction = ANSWER_DIRECTION[(audio.direction ?? parsed.direction ?? "sendrecv") as Direction] ?? "sendrecv";
  const media = parsed.media.map((m, i): MediaDescription =>
    i === index
      ? audioLine(local, [{ pt: remote.payloadType, codec: remote.codec }], remote.telephoneEventPt, direction)
      : { type: m.type, port: 0, protocol: m.protocol, payloads: m.payloads, rtp: [], fmtp: [] },
  );
  return { sdp: session(local, media), remote };
}

/** The engine's offer for an offerless join: every codec it mixes, and telephone-event. */
export function makeOffer(local: LocalMedia): string {
  const codecs = (["PCMU", "PCMA"] as const).map((codec) => ({ pt: G711_PAYLOAD_TYPE[codec], codec }));
  return session(local, [audioLine(local, codecs, TELEPHONE_EVENT_PT, "sendrecv")]);
}

/** Reads the party's answer to {@link makeOffer} (RFC 3264 §7): its first stream must be the accepted audio. */
export function readAnswer(answer: string): RemoteMedia {
  const parsed = parseSdp(answer);
  const audio = parsed.media[0];
  if (!audio || audio.type !== "audio") throw new SdpProblem("bad", "the answer's first stream is not audio");
  if (audio.port === 0) throw new SdpProblem("no-common-codec", "the audio stream was refused (port 0)");
  const remote = readRemote(parsed, audio);
  // Only the payload types of our own offer may come back (§6.1).
  if (remote.payloadType !== 0 && remote.payloadType !== 8) throw new SdpProblem("bad", `payload type ${remote.payloadType} was not offered`);
  return remote.telephoneEventPt === TELEPHONE_EVENT_PT || remote.telephoneEventPt < 0 ? remote : { ...remote, telephoneEventPt: -1 };
}
