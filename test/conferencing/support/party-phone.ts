/**
 * A phone made of a sipp UAS (test/fixtures/conferencing/phone.xml: answers the INVITE and every re-INVITE with
 * an SDP naming an RTP test party) and that party, which sends its own tone and records what it receives. Like a
 * phone, the party sends where the last SDP the phone received says (RFC 3264 §8: a re-INVITE moves the media):
 * sipp logs every message it receives (-trace_msg), and the party follows the last `m=audio` port in that log.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
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
  /** The RTP port the phone now sends to (from the last SDP it received; none while held). */
  target(): number | undefined;
  /** What the party heard from `sinceMs` on (performance.now() clock), window by window. */
  heard(frequencies: readonly number[], sinceMs?: number): ToneWindow[];
  close(): Promise<void>;
}

export async function startPartyPhone(tone: number, timeoutS = 60): Promise<PartyPhone> {
  const party = await RtpParty.open({ codec: "PCMU" });
  const sipPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "party-phone-"));
  const messages = join(dir, "messages.log");
  const sipp = runSipp({
    scenario: SCENARIO,
    localPort: sipPort,
    calls: 1,
    timeoutS,
    extraArgs: ["-key", "party_port", String(party.port), "-trace_msg", "-message_file", messages],
  });
  let target: number | undefined;
  let current = "";
  let stream: ToneStream | undefined;
  const follow = setInterval(() => {
    const media = lastReceivedMedia(messages);
    if (!media || `${media.port}/${media.send}` === current) return;
    current = `${media.port}/${media.send}`;
    stream?.stop();
    stream = undefined;
    target = media.send ? media.port : undefined;
    if (media.send) stream = party.sendTone({ to: { port: media.port }, frequencies: [tone] });
  }, FOLLOW_EVERY_MS);
  return {
    kind: "party",
    sipPort,
    user: "phone",
    party,
    tone,
    sipp,
    target: () => target,
    heard: (frequencies, sinceMs) => {
      const audio = party.audio(sinceMs === undefined ? {} : { sinceMs });
      return detectTones(audio.pcm, { frequencies, startMs: audio.startMs });
    },
    close: async () => {
      clearInterval(follow);
      await party.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The `m=audio` port of the last SDP among the messages sipp logged as received, and whether the phone may send
 * to it: not when the far end is `sendonly` or `inactive` (RFC 3264 §6.1, a hold).
 */
function lastReceivedMedia(file: string): { port: number; send: boolean } | undefined {
  if (!existsSync(file)) return undefined;
  const received = readFileSync(file, "utf8").split(/^-+ .*$/m).filter((chunk) => /message received/.test(chunk));
  for (let i = received.length - 1; i >= 0; i--) {
    const chunk = received[i] ?? "";
    const port = /^\s*m=audio (\d+) /m.exec(chunk)?.[1];
    if (port !== undefined) return { port: Number(port), send: !/^\s*a=(sendonly|inactive)/m.test(chunk) };
  }
  return undefined;
}
