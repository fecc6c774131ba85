/**
 * Janus AudioBridge benchmark through the mcu-janus adapter: rooms of three G.711 parties mixed by a real Janus on
 * loopback (started here with the tests' loopback config), the same parties and output figures as `bench:media`
 * so the two can be read side by side. Run: npm run bench:media-janus -- [rooms=50] [seconds=20]
 *
 * The parties run in a child process (media-bench-parties.ts). Prints: parties sustained, Janus's CPU (from
 * /proc, all its threads), frames the parties found late or lost, this process's own CPU and event-loop delay
 * (the adapter only signals; Janus mixes), and the added latency a probe room measures (media-latency-probe.ts).
 * Janus's input side is not visible through its API, so unlike the engine bench there is no mixer-side loss line.
 */
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { JanusMcu, withDefaults } from "@tandem/plugin-mcu-janus";
import { startJanus } from "../mcu-janus/janus-process.js";
import { machineLine, partyOutcome, partyOutputLine, startBenchLoad, sustainedLine } from "./media-bench-load.js";
import { reportFigures } from "./media-bench-figures.js";
import { startLatencyProbe } from "./media-latency-probe.js";

const rooms = Number(process.argv[2] ?? 50);
const seconds = Number(process.argv[3] ?? 20);
const WARMUP_MS = 2000;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;
const parties = rooms * 3;

/** CPU time of a process and all its threads so far, ms (utime + stime, fields 14 and 15 of /proc/<pid>/stat). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

// Plain-RTP ports leased below the kernel's ephemeral range (32768–60999), where the parties' sockets land.
const janus = await startJanus(2 * (parties + 2) + 64);
const pid = janus.pid();
if (pid === undefined) throw new Error("Janus has no process id");
const adapter = await JanusMcu.start("mcu-janus", withDefaults({ url: janus.url, maxRooms: rooms + 1, requestTimeoutMs: 20_000 }));
const load = await startBenchLoad(adapter, rooms, seconds, WARMUP_MS);
const probe = await startLatencyProbe(adapter, WARMUP_MS);

await new Promise((r) => setTimeout(r, WARMUP_MS));
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const janusBefore = processCpuMs(pid);
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const janusCpuMs = processCpuMs(pid) - janusBefore;
const cpu = process.cpuUsage(cpuBefore);
const wall = performance.now() - wallBefore;
loopDelay.disable();
const probed = probe.stop();
const out = await load.output;
load.stop();
await adapter.close();
await janus.stop();

const ownCpuMs = (cpu.user + cpu.system) / 1000;
console.log(`janus audiobridge (mcu-janus): ${rooms} rooms × 3 parties = ${parties} parties, ${seconds} s measured`);
console.log(sustainedLine(out));
console.log(`Janus CPU:               ${((100 * janusCpuMs) / wall).toFixed(1)} % of one core, ${((1000 * janusCpuMs) / wall / parties).toFixed(3)} ms CPU per party per second (${((100 * janusCpuMs) / wall / parties).toFixed(3)} % of a core)`);
console.log(partyOutputLine(out));
console.log(`adapter (this process):  ${((100 * ownCpuMs) / wall).toFixed(1)} % of one core; loop delay p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
console.log(`probe room latency:      p50 ${probed.p50.toFixed(0)} ms, p99 ${probed.p99.toFixed(0)} ms over ${probed.samples} bursts (media-latency-probe.ts, one extra room of 2)`);
console.log(machineLine());
reportFigures({
  mixer: "Janus AudioBridge",
  parties,
  sustained: out.sustainedParties,
  cpuPerPartyPercent: (100 * janusCpuMs) / wall / parties,
  cpuSource: "janus process (/proc, all threads)",
  partyBad: partyOutcome(out).bad,
  partyDue: partyOutcome(out).due,
  latencyP50: probed.p50,
  latencyP99: probed.p99,
});
process.exit(0);
