/**
 * The recorded-calls bench's Tandem: a real process (the CLI from source, config.example.json with its ports
 * moved) whose routing point 5000 routes to `agents` Ready agents, with the recording plugin recording every call
 * that comes through 5000 and the embedded media engine. sipp plays the PBX on both sides: customers calling 5000
 * and the agent phones behind the trunk, each streaming its own tone with rtp_stream (one tone for all customers,
 * another for all agents), so a file's left channel must carry the customer's tone and its right the agent's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeExampleConfig } from "../support/example-config.js";
import { freeUdpPortBlock } from "../support/free-port.js";
import { runSipp, type SippResult } from "../support/sipp.js";
import { sleep } from "../support/sleep.js";
import { startTandem, type TandemProcess } from "../support/tandem-process.js";
import { writeToneFile } from "../fixtures/media/make-tones.js";

const FIXTURES = resolve(fileURLToPath(new URL("../fixtures/recording/", import.meta.url)));
const SETTLE_MS = 6000;

const ENGINE_COUNTERS = ["frames_lost_total", "frames_late_total", "frames_discarded_total", "ticks_late_total", "frames_skipped_total"];

export const TONES = { customer: 600, agent: 1400 } as const;

export interface RecordingBenchRig {
  tandem: TandemProcess;
  folder: string;
  sipPort: number;
  pbxPort: number;
  /** GET under the admin API with the admin token. */
  get<T>(path: string): Promise<T>;
  /** The media engine's counters (frames lost, late, discarded, mixer ticks late, frames skipped) from /metrics. */
  engineCounters(): Promise<Record<string, number>>;
  /** The agent phones (UAS for `calls` calls) and the customers (UAC, `calls` calls at `rate`/s, each held `holdMs`). */
  placeCalls(calls: number, rate: number, holdMs: number): { customers: Promise<SippResult>; agents: Promise<SippResult> };
  close(): Promise<void>;
}

export async function startRecordingBenchRig(agents: number): Promise<RecordingBenchRig> {
  const dir = mkdtempSync(join(tmpdir(), "recording-bench-"));
  const folder = join(dir, "recordings");
  const numbers = Array.from({ length: agents }, (_, i) => String(3000 + i));
  // One block of free ports, cut in three: the engine's range (two pairs a call and a margin), then sipp's RTP
  // ports for the customers and for the agents (each call's audio and RTCP, with room to spare).
  const share = 4 * agents + 64;
  const base = await freeUdpPortBlock(3 * share);
  const ports = { engine: { portMin: base, portMax: base + share - 1 }, customers: base + share, agents: base + 2 * share };
  const example = await writeExampleConfig(dir, (config) => {
    for (const number of numbers) config["dns"].push({ number, type: "Extension" });
    const plugins = config["plugins"];
    plugins["routing"].queues.sales.agents = numbers;
    plugins["media-engine"] = { ...plugins["media-engine"], ...ports.engine, maxRooms: Math.max(500, agents * 2) };
    plugins["recording"] = { enabled: true, folder, queues: { "5000": { record: true } } };
  });
  const cleanups: Array<() => void> = [];
  const tandem = startTandem({ after: (fn: () => void) => void cleanups.push(fn) }, "source", example.file, dir);
  await tandem.waitForOutput(/"msg":"tandem started"/, 120_000);
  const admin = `http://127.0.0.1:${example.adminPort}/api/v1`;
  const headers = { authorization: `Bearer ${String(example.config["admin"].tokens[0].token)}`, "content-type": "application/json" };
  for (const dn of numbers) {
    for (const request of ["Login", "Ready"]) {
      const res = await withinRateLimit(() => fetch(`${admin}/agents/${dn}/state`, { method: "POST", headers, body: JSON.stringify({ request }) }));
      if (!res.ok) throw new Error(`${request} of ${dn}: ${res.status} ${await res.text()}`);
    }
  }
  // The process settles before the first call: compiling the sources under tsx and the agents' logins keep its event
  // loop busy for a few seconds after start-up, and a busy process may answer new INVITEs 503 (admission control).
  await sleep(SETTLE_MS);
  const pbxPort = example.ports.get(5070);
  if (pbxPort === undefined) throw new Error("config.example.json no longer names the PBX trunk at 127.0.0.1:5070");
  const customerScenario = scenarioWithTone(dir, "bench-customer.template.xml", TONES.customer);
  const agentScenario = scenarioWithTone(dir, "bench-agent.template.xml", TONES.agent);
  return {
    tandem,
    folder,
    sipPort: example.sipPort,
    pbxPort,
    async get<T>(path: string): Promise<T> {
      const res = await withinRateLimit(() => fetch(`${admin}${path}`, { headers }));
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async engineCounters() {
      const res = await withinRateLimit(() => fetch(`${admin}/metrics`, { headers }));
      const text = await res.text();
      const counters: Record<string, number> = {};
      for (const name of ENGINE_COUNTERS) counters[name] = Number(new RegExp(`^\\w*${name}(?:\\{[^}]*\\})? (\\d+)`, "m").exec(text)?.[1] ?? 0);
      return counters;
    },
    placeCalls(calls, rate, holdMs) {
      const timeoutS = Math.ceil(holdMs / 1000 + calls / rate + 120);
      const agents = runSipp({ scenario: agentScenario, localPort: pbxPort, calls, timeoutS, extraArgs: ["-mp", String(ports.agents)] });
      // The phones listen before the first customer calls.
      const customers = sleep(300).then(() =>
        runSipp({
          scenario: customerScenario,
          remote: `127.0.0.1:${example.sipPort}`,
          service: "5000",
          calls,
          rate,
          limit: calls,
          timeoutS,
          extraArgs: ["-d", String(holdMs), "-mp", String(ports.customers)],
        }),
      );
      return { customers, agents };
    },
    async close() {
      for (const fn of cleanups) fn();
      await tandem.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The admin token is limited to 100 requests a second: a 429 is waited out (its Retry-After) and sent again. */
async function withinRateLimit(send: () => Promise<Response>): Promise<Response> {
  for (;;) {
    const res = await send();
    if (res.status !== 429) return res;
    await sleep(1000 * Number(res.headers.get("retry-after") ?? 1));
  }
}

/** A copy of the template whose rtp_stream plays a raw µ-law tone file, looped (sipp expands no keyword there). */
function scenarioWithTone(dir: string, template: string, frequency: number): string {
  const file = writeToneFile(dir, "PCMU", [frequency], 1000);
  const path = join(dir, template.replace(".template", ""));
  writeFileSync(path, readFileSync(join(FIXTURES, template), "utf8").replace(`rtp_stream="@RTP_STREAM@"`, `rtp_stream="${file},-1,0"`));
  return path;
}

/** CPU seconds (user + system, all threads) `pid` has used, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
