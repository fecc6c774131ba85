/**
 * A real SIP phone for media tests: Debian's `baresip` (1.0), answering calls by itself and sending a sine
 * from its `ausine` audio source. `ausine,<Hz>` picks the frequency; in 1.0 the module insists on 48 kHz
 * stereo, which baresip resamples to the codec's 8 kHz mono. The `sndfile` filter dumps, per call, what the
 * phone sent (`…-enc.wav`) and what it received and decoded (`…-dec.wav`) into its folder. Bound to
 * 127.0.0.1 (`net_interface`), no registration, G.711 only; `aubridge` stands in for a sound card.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, leaseUdpPortBlock } from "../free-port.js";
import { until } from "../until.js";
import type { G711Codec } from "@tandem/sdk/testing/media";

export interface BaresipOptions {
  /** The ausine frequency, Hz (10–20000). */
  frequency: number;
  /** Codecs offered and accepted, in order of preference; default PCMU then PCMA. */
  codecs?: readonly G711Codec[];
}

export interface BaresipPeer {
  /** UDP port of its SIP listener on 127.0.0.1. */
  readonly sipPort: number;
  /** The user part its account answers (a Request-URI with another user gets 404). */
  readonly user: string;
  readonly folder: string;
  /** What the phone logged so far (for assertion messages). */
  log(): string;
  /** Paths of the WAVs that sndfile wrote, `received` (decoded from RTP) or `sent`. */
  recordings(kind: "received" | "sent"): string[];
  close(): Promise<void>;
}

const USER = "phone";
const running = new Set<ChildProcess>();
/** RTP and RTCP ports for its four calls at most (call_max_calls), with room to skip a busy one. */
const RTP_PORTS = 16;

/** Starts baresip and resolves once it says it is ready (rejects after `timeoutMs`). */
export async function startBaresip(options: BaresipOptions, timeoutMs = 10_000): Promise<BaresipPeer> {
  const folder = mkdtempSync(join(tmpdir(), "baresip-"));
  const sipPort = await freePort();
  // Its RTP ports from a leased block: left to itself it picks any port in 1024–49152, an engine's range included.
  const rtp = await leaseUdpPortBlock(RTP_PORTS);
  writeFileSync(join(folder, "config"), configText(folder, sipPort, options.frequency, rtp.base));
  const codecs = (options.codecs ?? ["PCMU", "PCMA"]).join(",");
  writeFileSync(join(folder, "accounts"), `<sip:${USER}@127.0.0.1:${sipPort}>;regint=0;answermode=auto;audio_codecs=${codecs}\n`);
  const child = spawn("baresip", ["-f", folder, "-v"], { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  const append = (d: Buffer): void => void (output = (output + d.toString()).slice(-40_000));
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const peer: BaresipPeer = {
    sipPort,
    user: USER,
    folder,
    log: () => output,
    recordings: (kind) =>
      readdirSync(folder)
        .filter((f) => f.endsWith(kind === "received" ? "-dec.wav" : "-enc.wav"))
        .sort()
        .map((f) => join(folder, f)),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      running.delete(child);
      await rtp.release();
      rmSync(folder, { recursive: true, force: true });
    },
  };
  try {
    await until(() => output.includes("baresip is ready") || child.exitCode !== null, timeoutMs, "baresip to start");
    if (!output.includes("baresip is ready")) throw new Error(`baresip did not start:\n${output}`);
  } catch (error) {
    await peer.close();
    throw error;
  }
  return peer;
}

/** Kills every baresip this module started that still runs (for `after` hooks). */
export function killAllBaresip(): void {
  for (const child of running) if (child.pid !== undefined) child.kill("SIGKILL");
  running.clear();
}

function configText(folder: string, sipPort: number, frequency: number, rtpBase: number): string {
  return [
    "poll_method epoll",
    `sip_listen 127.0.0.1:${sipPort}`,
    `rtp_ports ${rtpBase}-${rtpBase + RTP_PORTS - 1}`,
    "net_interface 127.0.0.1",
    "call_local_timeout 30",
    "call_max_calls 4",
    `audio_source ausine,${frequency}`,
    "audio_player aubridge,nil",
    "ausrc_srate 48000",
    "ausrc_channels 2",
    "module_path /usr/lib/baresip/modules",
    "module g711.so",
    "module ausine.so",
    "module aubridge.so",
    "module sndfile.so",
    `snd_path ${folder}`,
    "module_tmp account.so",
    "",
  ].join("\n");
}
