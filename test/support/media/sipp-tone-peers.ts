/**
 * sipp peers that carry test tones on the wire: a caller that plays a G.711 tone with sipp's `rtp_stream`
 * into whatever the answer's SDP names, and a far end whose answer points the media at an RTP test party.
 * The scenarios live in test/fixtures/media/sipp/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeToneFile } from "../../fixtures/media/make-tones.js";
import { freePort, leaseUdpPortBlock } from "../free-port.js";
import { runSipp, type SippResult } from "../sipp.js";
import { G711_PAYLOAD_TYPE, type G711Codec } from "@tandem/sdk/testing/media";

const SCENARIOS = resolve(fileURLToPath(new URL("../../fixtures/media/sipp/", import.meta.url)));

export interface SippToneCallOptions {
  /** `host:port` the INVITE goes to. */
  remote: string;
  codec: G711Codec;
  frequencies: readonly number[];
  /** How long the call streams the tone before its BYE, ms. */
  durationMs: number;
  /** Port of an RTP test party on 127.0.0.1 to name in the offer, so the far end's media goes there. */
  receiveAt?: number;
  /** Request-URI user; default "party". */
  service?: string;
  timeoutS?: number;
}

/**
 * One sipp call that streams the tone (from a raw G.711 file, looped) for `durationMs` after the ACK, then
 * hangs up; resolves when sipp exits. With `receiveAt`, what the far end sends arrives at that RTP party.
 */
export async function sippToneCall(options: SippToneCallOptions): Promise<SippResult> {
  const dir = mkdtempSync(join(tmpdir(), "sipp-tone-"));
  // sipp exits at once when its -mp port or that port + 2 is taken, so they come from a leased block.
  const media = await leaseUdpPortBlock(4);
  try {
    const file = writeToneFile(dir, options.codec, options.frequencies, 1000);
    const pt = G711_PAYLOAD_TYPE[options.codec];
    // rtp_stream takes "file,loops,payload type"; -1 loops until the scenario pauses the stream.
    const scenario = join(dir, "tone-uac.xml");
    const template = readFileSync(join(SCENARIOS, "tone-uac.template.xml"), "utf8");
    const offerPort = options.receiveAt === undefined ? "[rtpstream_audio_port]" : String(options.receiveAt);
    writeFileSync(scenario, template.replace(`rtp_stream="@RTP_STREAM@"`, `rtp_stream="${file},-1,${pt}"`).replace("m=audio @OFFER_PORT@", `m=audio ${offerPort}`));
    return await runSipp({
      scenario,
      remote: options.remote,
      localPort: await freePort(),
      calls: 1,
      service: options.service ?? "party",
      timeoutS: options.timeoutS ?? 20,
      extraArgs: ["-key", "tone_pt", String(pt), "-d", String(options.durationMs), "-mp", String(media.base)],
    });
  } finally {
    await media.release();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A sipp far end on `port` answering `calls` calls with an SDP that sends their media to `partyPort`. */
export function sippPartyUas(port: number, partyPort: number, codec: G711Codec, calls = 1, timeoutS = 20): Promise<SippResult> {
  return runSipp({
    scenario: join(SCENARIOS, "tone-uas.xml"),
    localPort: port,
    calls,
    timeoutS,
    extraArgs: ["-key", "party_port", String(partyPort), "-key", "party_pt", String(G711_PAYLOAD_TYPE[codec])],
  });
}
