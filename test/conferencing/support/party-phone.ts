/**
 * A phone made of a sipp UAS (test/fixtures/conferencing/phone.xml: answers the INVITE and every re-INVITE with
 * an SDP naming an RTP test party) and that party, which sends its own tone and records what it receives. Like a
 * phone, the party sends where the last SDP the phone took says (RFC 3264 §8: a re-INVITE moves the media): sipp
 * logs every message it receives and sends (-trace_msg), and the party follows the last offer it answered 2xx
 * (or answer it got in an ACK), and stops sending on the BYE that ends the call.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { detectTones, RtpParty, type ToneStream, type ToneWindow } from "@tandem/sdk/testing/media";
import { freePort } from "../../support/free-port.js";
import { runSipp, type SippResult } from "../../support/sipp.js";

const SCENARIOS = resolve(fileURLToPath(new URL("../../fixtures/conferencing/", import.meta.url)));
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

/** `scenario`: a file of test/fixtures/conferencing/ (default phone.xml; phone-refusing.xml refuses its second re-INVITE). */
export async function startPartyPhone(tone: number, scenario = "phone.xml", timeoutS = 60): Promise<PartyPhone> {
  const party = await RtpParty.open({ codec: "PCMU" });
  const sipPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "party-phone-"));
  const messages = join(dir, "messages.log");
  const sipp = runSipp({
    scenario: join(SCENARIOS, scenario),
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
    ...hearingAndClose(party, follow, dir),
  };
}

/**
 * What a sipp-driven phone's RTP party heard, and its close: stops the loop that follows the phone's SDP, closes
 * the party and removes the directory of sipp's message log. Shared by phones that answer and phones that call in.
 */
export function hearingAndClose(party: RtpParty, follow: ReturnType<typeof setInterval>, dir: string): Pick<PartyPhone, "heard" | "close"> {
  return {
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
 * The media of the last SDP the phone took, from the messages sipp logged: an offer it received and answered 2xx
 * (not one it refused), or an answer in an ACK. The phone may not send when the far end is `sendonly` or
 * `inactive` (RFC 3264 §6.1, a hold), nor after a BYE.
 */
function lastReceivedMedia(file: string): { port: number; send: boolean } | undefined {
  if (!existsSync(file)) return undefined;
  let accepted: { port: number; send: boolean } | undefined;
  let pending: { port: number; send: boolean } | undefined;
  for (const chunk of readFileSync(file, "utf8").split(/^-+ .*$/m)) {
    const message = chunk.replace(/^[\s\S]*?message (received|sent)[^\n]*\n\s*/, "");
    if (/message received/.test(chunk)) {
      // A phone stops sending once its dialog ends.
      if (message.startsWith("BYE ") && accepted) accepted = { ...accepted, send: false };
      const port = /^\s*m=audio (\d+) /m.exec(chunk)?.[1];
      if (port === undefined) continue;
      const media = { port: Number(port), send: !/^\s*a=(sendonly|inactive)/m.test(chunk) };
      if (message.startsWith("ACK ")) accepted = media;
      else pending = media;
    } else if (/message sent/.test(chunk) && pending) {
      if (message.startsWith("SIP/2.0 2")) accepted = pending;
      if (/^SIP\/2\.0 [2-6]/.test(message)) pending = undefined;
    }
  }
  return accepted;
}
