/**
 * The SDP the template exchanges with a party (RFC 3264 offer/answer, RFC 4566 syntax): one PCMU audio stream.
 * A vendor whose MCU speaks SDP itself passes the party's SDP through instead.
 */
import { parse, write } from "sdp-transform";
import { McuErrors } from "@tandem/sdk";
import type { MediaAddress } from "./mixer-backend.js";

/** PCMU's static payload type (RFC 3551 §6). */
const PCMU = 0;

/** Where a party's SDP says it receives, and whether it sends at all; refuses an SDP without PCMU with the contract's codes. */
export function readPartySdp(adapter: string, partyId: string, sdp: string): { remote: MediaAddress; sends: boolean } {
  let session: ReturnType<typeof parse>;
  try {
    session = parse(sdp);
  } catch (error) {
    throw McuErrors.badSdp(adapter, partyId, (error as Error).message);
  }
  const audio = session.media?.find((m) => m.type === "audio" && m.port !== 0);
  const address = audio?.connection?.ip ?? session.connection?.ip;
  if (!audio || !address) throw McuErrors.badSdp(adapter, partyId, "no audio stream with a port and a c= address");
  const formats = String(audio.payloads ?? "").split(" ").map(Number);
  if (!formats.includes(PCMU)) throw McuErrors.noCommonCodec(adapter, partyId, formats.join(" "));
  const direction = audio.direction ?? session.direction ?? "sendrecv";
  return { remote: { address, port: audio.port }, sends: direction === "sendrecv" || direction === "sendonly" };
}

/**
 * Our SDP (an answer, the offer of an offerless join, or a fresh offer): PCMU at the MCU's address for this party.
 * Each new SDP to the same party keeps its session id and takes the next version (RFC 3264 §8).
 */
export function writeMcuSdp(local: MediaAddress, sessionId: number, sessionVersion = 1): string {
  return write({
    version: 0,
    origin: { username: "tandem-mcu-template", sessionId, sessionVersion, netType: "IN", ipVer: 4, address: local.address },
    name: "-",
    connection: { version: 4, ip: local.address },
    timing: { start: 0, stop: 0 },
    media: [{ type: "audio", port: local.port, protocol: "RTP/AVP", payloads: String(PCMU), rtp: [{ payload: PCMU, codec: "PCMU", rate: 8000 }], fmtp: [], direction: "sendrecv", ptime: 20 }],
  });
}
