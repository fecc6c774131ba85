/**
 * sipp SIPREC recording servers for the SIPREC tests (scenarios in test/fixtures/recording/): one that answers
 * with two recvonly streams to two RTP test parties (srs.xml; srs-update.xml, which also wants a re-INVITE naming
 * 1002), which count each stream's RTP and detect its tone, and the
 * failing ones (503, a BYE of its own after -d ms, a 481 to the re-INVITE), which need no parties.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import { describeSegments, detectTones, fractionHearing, RtpParty, toneSegments } from "@tandem/sdk/testing/media";
import { freePort } from "../../support/free-port.js";
import { runSipp, type SippResult } from "../../support/sipp.js";
import { sleep } from "../../support/sleep.js";

const FIXTURES = resolve(fileURLToPath(new URL("../../fixtures/recording/", import.meta.url)));
/** Scenarios that answer with two recvonly streams (the others refuse, fail or hang up). */
const ANSWERING_SRS = new Set(["srs.xml", "srs-update.xml"]);

export interface SippSrs {
  readonly uri: string;
  readonly sipp: Promise<SippResult>;
  /** The RTP parties of labels 1 and 2 (srs.xml and srs-update.xml only). */
  readonly streams: readonly [RtpParty, RtpParty] | undefined;
}

/** Starts `scenario` (a file of test/fixtures/recording/) as an SRS on a free port; an answering one gets its two RTP parties. */
export async function startSippSrs(t: TestContext, scenario: string, options: { durationMs?: number } = {}): Promise<SippSrs> {
  const streams = ANSWERING_SRS.has(scenario) ? ([await RtpParty.open({ codec: "PCMU" }), await RtpParty.open({ codec: "PCMU" })] as const) : undefined;
  if (streams) t.after(() => Promise.all(streams.map((s) => s.close())));
  const port = await freePort();
  const extraArgs = streams ? ["-key", "srs_port1", String(streams[0].port), "-key", "srs_port2", String(streams[1].port)] : [];
  if (options.durationMs !== undefined) extraArgs.push("-d", String(options.durationMs));
  const sipp = runSipp({ scenario: resolve(FIXTURES, scenario), localPort: port, calls: 1, timeoutS: 60, extraArgs });
  await sleep(300);
  return { uri: `sip:srs@127.0.0.1:${port}`, sipp, streams };
}

/**
 * RTP packets a stream got since `fromMs`, and the share of its audio carrying exactly `tone` (or all of `tones`
 * together, e.g. a conference's two agents) and none of `others` (with a readable line).
 */
export function streamFigures(rtp: RtpParty, tone: number | readonly number[], others: readonly number[], fromMs: number): { packets: number; share: number; line: string } {
  const tones = typeof tone === "number" ? [tone] : [...tone];
  const audio = rtp.audio({ sinceMs: fromMs });
  const windows = detectTones(audio.pcm, { frequencies: [...tones, ...others], startMs: audio.startMs });
  return { packets: rtp.arrivals.filter((a) => a.arrivalMs >= fromMs).length, share: fractionHearing(windows, tones), line: describeSegments(toneSegments(windows)) };
}
