/**
 * The embedded engine on loopback for tests: a port range of its own, RTP test parties (from the SDK's media test
 * kit) that join with an SDP offer, and what each party heard between two instants, as test tones per window.
 */
import { parse } from "sdp-transform";
import { MediaEngine, withDefaults, type MediaEngineConfig } from "@tandem/plugin-media-engine";
import type { McuJoinRequest, McuParty, McuRoom } from "@tandem/sdk";
import { describeSegments, detectTones, fractionHearing, RtpParty, toneSegments, type G711Codec, type ToneWindow } from "@tandem/sdk/testing/media";
import { freeUdpPortBlock } from "../support/free-port.js";
import { sleep } from "../support/sleep.js";

export const TONES = [400, 700, 1100] as const;
/** The tone of the files played in tests. */
export const PLAYED_TONE = 1500;
const DETECTED = [...TONES, PLAYED_TONE];

/** A range of `pairs` port pairs leased for this test file's process, so no other test file's range overlaps it. */
export async function portRange(pairs: number): Promise<Pick<MediaEngineConfig, "portMin" | "portMax">> {
  const portMin = await freeUdpPortBlock(2 * pairs);
  return { portMin, portMax: portMin + 2 * pairs - 1 };
}

export async function startEngine(config: Partial<MediaEngineConfig> = {}): Promise<MediaEngine> {
  return MediaEngine.start("media-engine", withDefaults({ ...(await portRange(40)), ...config }));
}

/** An SDP offer for a test party on 127.0.0.1 (RFC 4566). */
export function partyOffer(port: number, codec: G711Codec = "PCMU", direction = "sendrecv"): string {
  const pt = codec === "PCMU" ? 0 : 8;
  return [
    "v=0",
    `o=party ${port} 1 IN IP4 127.0.0.1`,
    "s=-",
    "c=IN IP4 127.0.0.1",
    "t=0 0",
    `m=audio ${port} RTP/AVP ${pt} 101`,
    `a=rtpmap:${pt} ${codec}/8000`,
    "a=rtpmap:101 telephone-event/8000",
    "a=fmtp:101 0-16",
    "a=ptime:20",
    `a=${direction}`,
    "",
  ].join("\r\n");
}

/** The engine's RTP port in its SDP. */
export function enginePort(sdp: string): number {
  const audio = parse(sdp).media[0];
  if (!audio) throw new Error(`no m= line in ${sdp}`);
  return audio.port;
}

/** A test party joined to a room, sending a tone to the engine. */
export interface Member {
  readonly rtp: RtpParty;
  readonly party: McuParty;
  readonly tone: number;
}

const opened = new Set<RtpParty>();

/** A test party on 127.0.0.1, closed by {@link closeParties} if the test does not close it (a failed test's timers must not keep the file running). */
export async function openParty(codec: G711Codec = "PCMU"): Promise<RtpParty> {
  const rtp = await RtpParty.open({ codec });
  opened.add(rtp);
  const close = rtp.close.bind(rtp);
  rtp.close = () => {
    if (!opened.delete(rtp)) return Promise.resolve();
    return close();
  };
  return rtp;
}

/** Closes every test party still open. */
export async function closeParties(): Promise<void> {
  await Promise.all([...opened].map((rtp) => rtp.close()));
}

export async function joinWithTone(room: McuRoom, id: string, tone: number, request: Partial<McuJoinRequest> = {}, codec: G711Codec = "PCMU"): Promise<Member> {
  const rtp = await openParty(codec);
  const party = await room.join({ partyId: id, offer: partyOffer(rtp.port, codec), ...request });
  rtp.sendTone({ to: { port: enginePort(party.localSdp) }, frequencies: tone > 0 ? [tone] : [] });
  return { rtp, party, tone };
}

/** What the party heard from `fromMs` on (its own clock), window by window. */
export function heard(rtp: RtpParty, fromMs: number, toMs = Infinity): ToneWindow[] {
  const audio = rtp.audio({ sinceMs: fromMs });
  return detectTones(audio.pcm, { frequencies: DETECTED, startMs: audio.startMs }).filter((w) => w.toMs <= toMs);
}

/** What the member heard from `fromMs` on, as a readable run of tone segments (for assertion messages). */
export function timeline(m: Member, fromMs: number): string {
  return describeSegments(toneSegments(heard(m.rtp, fromMs)));
}

/** The share of windows in which the party heard exactly `tones`. */
export function shareHearing(rtp: RtpParty, tones: readonly number[], fromMs: number, toMs = Infinity): number {
  return fractionHearing(heard(rtp, fromMs, toMs), tones);
}

export { sleep };
