/**
 * A customer's phone that calls in (test/fixtures/supervision/caller.xml: a sipp UAC offering an RTP test party,
 * answering every re-INVITE) and the party, which sends its tone where the last SDP the phone received points
 * (RFC 3264 §8), as conferencing's party phones do for calls they answer; and how many re-INVITEs it got.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RtpParty, type ToneStream, type ToneWindow } from "@tandem/sdk/testing/media";
import { freePort } from "../../support/free-port.js";
import { runSipp, type SippResult } from "../../support/sipp.js";
import { hearingAndClose } from "../../conferencing/support/party-phone.js";

const SCENARIO = resolve(fileURLToPath(new URL("../../fixtures/supervision/caller.xml", import.meta.url)));

export interface CallerPhone {
  readonly party: RtpParty;
  readonly sipp: Promise<SippResult>;
  /** re-INVITEs the phone received so far. */
  reinvites(): number;
  heard(frequencies: readonly number[], sinceMs?: number): ToneWindow[];
  close(): Promise<void>;
}

/** Received messages of sipp's message log, each as its text. */
function received(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split(/^-+ .*$/m).filter((chunk) => /message received/.test(chunk));
}

export async function callIn(target: { port: number; service: string }, tone: number, timeoutS = 60): Promise<CallerPhone> {
  const party = await RtpParty.open({ codec: "PCMU" });
  const dir = mkdtempSync(join(tmpdir(), "caller-phone-"));
  const messages = join(dir, "messages.log");
  const sipp = runSipp({
    scenario: SCENARIO,
    remote: `127.0.0.1:${target.port}`,
    localPort: await freePort(),
    calls: 1,
    service: target.service,
    timeoutS,
    extraArgs: ["-key", "party_port", String(party.port), "-trace_msg", "-message_file", messages],
  });
  let current: number | undefined;
  let stream: ToneStream | undefined;
  const follow = setInterval(() => {
    const withSdp = received(messages).filter((chunk) => /^\s*m=audio \d+ /m.test(chunk));
    const port = Number(/^\s*m=audio (\d+) /m.exec(withSdp.at(-1) ?? "")?.[1] ?? NaN);
    if (Number.isNaN(port) || port === current) return;
    current = port;
    stream?.stop();
    stream = party.sendTone({ to: { port }, frequencies: [tone] });
  }, 20);
  return {
    party,
    sipp,
    reinvites: () => received(messages).filter((chunk) => /^\s*INVITE sip:/m.test(chunk)).length,
    ...hearingAndClose(party, follow, dir),
  };
}
