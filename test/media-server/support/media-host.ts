/**
 * Test support for the media-server plugin: a real host (SIP on 127.0.0.1) with the plugin and VoipService DNs
 * pointing at sipp media servers, a way to ask `startTreatment` like the call model does, and sipp media
 * servers (test/sipp/media-server-*.xml) that report when they are listening.
 */
import { readFileSync } from "node:fs";
import { createTestHost, type TestHost } from "@tandem/testing";
import { startTreatment, type Treatment, type TreatmentRequest } from "@tandem/sdk";
import mediaServer from "@tandem/plugin-media-server";
import { runSipp, type SippResult } from "../../support/sipp.js";
import { testSdp } from "../../support/test-stack.js";
import { until } from "../../support/until.js";

export { until };

export const MUSIC = "http://media.example/music/hold.wav";

/** A VoipService DN for a media server at `port` (`transport` is written into the contact when given). */
export function msDn(number: string, port: number, extra: { transport?: "udp" | "tcp"; backups?: number[] } = {}): Record<string, unknown> {
  const t = extra.transport ? `;transport=${extra.transport}` : "";
  return {
    number,
    type: "VoipService",
    "service-type": "media-server",
    contact: `sip:127.0.0.1:${port}${t}`,
    ...(extra.backups ? { "contact-backup": extra.backups.map((p) => `sip:127.0.0.1:${p}${t}`) } : {}),
  };
}

export async function startMediaHost(options: { dns: ReadonlyArray<Record<string, unknown>>; plugin?: Record<string, unknown> }): Promise<TestHost> {
  return createTestHost({
    sip: true,
    plugins: [mediaServer],
    config: {
      dns: options.dns,
      ...(process.env["MEDIA_SIP_LOG"] ? { sip: { logMessages: true } } : {}),
      plugins: {
        // No probing unless a test asks for it: the INVITE scenarios would take an OPTIONS for a broken call.
        "media-server": { enabled: true, treatments: { default: { play: MUSIC } }, probeIntervalMs: 0, ...options.plugin },
      },
    },
  });
}

/** Asks `startTreatment` for a call queued at `queue`, with a caller offer. */
export function treatmentFor(
  host: TestHost,
  extra: { connId?: string; queue?: string; signal?: AbortSignal; ani?: string } = {},
): Promise<Treatment | null> {
  const request: TreatmentRequest = {
    connId: extra.connId ?? "00000000000000a1",
    routingPoint: "RP1",
    queue: extra.queue ?? "Q1",
    ani: extra.ani ?? "0612345678",
    dnis: "5000",
    userData: {},
    offer: testSdp(41000),
    signal: extra.signal ?? new AbortController().signal,
  };
  return host.hooks.call(startTreatment, request);
}

/** True once something listens on UDP 127.0.0.1:`port` (read from /proc/net/udp). */
function udpBound(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return readFileSync("/proc/net/udp", "utf8").split("\n").some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex) === true);
}

/** True once something listens on TCP 127.0.0.1:`port` (state 0A = LISTEN in /proc/net/tcp). */
function tcpListening(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return readFileSync("/proc/net/tcp", "utf8").split("\n").some((line) => {
    const cols = line.trim().split(/\s+/);
    return cols[1]?.endsWith(hex) === true && cols[3] === "0A";
  });
}

export interface MediaServerSipp {
  /** Resolves when sipp exits, with its statistics. */
  readonly done: Promise<SippResult>;
}

/** A sipp media server on `port`; resolves once it listens, so the first INVITE is not lost. */
export async function startMediaServer(
  port: number,
  scenario: string,
  options: { calls?: number; transport?: "u1" | "t1"; timeoutS?: number; extraArgs?: string[] } = {},
): Promise<MediaServerSipp> {
  const done = runSipp({
    scenario,
    localPort: port,
    transport: options.transport ?? "u1",
    calls: options.calls ?? 1,
    timeoutS: options.timeoutS ?? 15,
    extraArgs: options.extraArgs ?? [],
  });
  const listening = options.transport === "t1" ? tcpListening : udpBound;
  await until(() => listening(port), 5000, `sipp on ${port}`);
  return { done };
}


export interface EndpointRow {
  server: string;
  uri: string;
  role: string;
  state: "available" | "held-down";
  heldDownUntil: string | null;
  lastFailure: { at: string; reason: string } | null;
  started: number;
  failed: number;
  lastProbeAt: string | null;
  lastProbeResult: string | null;
  probes: number;
  probeFailures: number;
}

export async function serversView(host: TestHost): Promise<{ servers: Array<{ server: string; active: number }>; endpoints: EndpointRow[] }> {
  const res = await host.inject({ method: "GET", url: "/api/v1/plugins/media-server/servers" });
  if (res.statusCode !== 200) throw new Error(`GET servers answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** Settles within `ms`? (for "ended has not resolved" checks). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const settled = promise.then(() => true, () => true);
  const result = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  return result;
}
