/**
 * A phone made of a sipp UAS (test/fixtures/conferencing/phone.xml: answers the INVITE and every re-INVITE with
 * an SDP naming an RTP test party) and that party, which sends its own tone and records what it receives. The
 * party cannot read the SDP sipp got, so it sends where media comes from (symmetric RTP, RFC 4961): to a given
 * first target, then to each new source as it appears — a re-INVITE that moves the far end shows as a new source.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { detectTones, RtpParty, type ToneStream, type ToneWindow } from "@tandem/sdk/testing/media";
import { freePort } from "../../support/free-port.js";
import { runSipp, type SippResult } from "../../support/sipp.js";

const SCENARIO = resolve(fileURLToPath(new URL("../../fixtures/conferencing/phone.xml", import.meta.url)));
const FOLLOW_EVERY_MS = 20;

export interface PartyPhone {
  readonly kind: "party";
  readonly sipPort: number;
  readonly user: string;
  readonly party: RtpParty;
  readonly tone: number;
  /** The sipp run; ends with the BYE the phone receives. */
  readonly sipp: Promise<SippResult>;
  /** Where the party's tone goes first (before any media arrived), e.g. the other party of a direct call. */
  sendFirstTo(port: number): void;
  /** What the party heard from `sinceMs` on (performance.now() clock), window by window. */
  heard(frequencies: readonly number[], sinceMs?: number): ToneWindow[];
  close(): Promise<void>;
}

export async function startPartyPhone(tone: number, timeoutS = 60): Promise<PartyPhone> {
  const party = await RtpParty.open({ codec: "PCMU" });
  const sipPort = await freePort();
  const sipp = runSipp({ scenario: SCENARIO, localPort: sipPort, calls: 1, timeoutS, extraArgs: ["-key", "party_port", String(party.port)] });
  const seen = new Set<string>();
  let stream: ToneStream | undefined;
  const sendTo = (port: number): void => {
    stream?.stop();
    stream = party.sendTone({ to: { port }, frequencies: [tone] });
  };
  const follow = setInterval(() => {
    const last = party.arrivals.at(-1);
    if (!last) return;
    const source = `${last.from.address}:${last.from.port}`;
    if (seen.has(source)) return;
    seen.add(source);
    sendTo(last.from.port);
  }, FOLLOW_EVERY_MS);
  return {
    kind: "party",
    sipPort,
    user: "phone",
    party,
    tone,
    sipp,
    sendFirstTo: (port) => {
      seen.add(`127.0.0.1:${port}`);
      sendTo(port);
    },
    heard: (frequencies, sinceMs) => {
      const audio = party.audio(sinceMs === undefined ? {} : { sinceMs });
      return detectTones(audio.pcm, { frequencies, startMs: audio.startMs });
    },
    close: async () => {
      clearInterval(follow);
      await party.close();
    },
  };
}
