/**
 * Media engine benchmark: rooms of three G.711 parties mixed by the embedded engine on loopback.
 * Run: npm run bench:media-engine -- [rooms=167] [seconds=20] [workers=1] [jitterMs=40]
 *
 * The parties run in a child process (media-bench-parties.ts) so that the CPU measured here — main thread plus
 * mixer workers — is the engine's own. Prints: parties sustained, CPU per party, frames the engine found late or
 * lost on input, frames the parties found late or lost on output, the engine's added latency (a frame's arrival
 * to the mix that carried it being sent, jitter buffer included) p50/p99, and the main thread's event-loop delay
 * while mixing (what SIP signalling would wait), and the added latency a probe room of two measures at the party
 * side (media-latency-probe.ts; its packets are in the engine's counts too). `npm run bench:media` runs this and
 * bench:media-janus one after the other and prints the two side by side (media-bench-side-by-side.ts).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { MediaEngine, withDefaults, type EngineStats } from "@tandem/plugin-media-engine";
import { machineLine, partyOutcome, partyOutputLine, pct, startBenchLoad, sustainedLine } from "./media-bench-load.js";
import { reportFigures } from "./media-bench-figures.js";
import { startLatencyProbe } from "./media-latency-probe.js";
import { freeUdpPortBlock } from "../support/free-port.js";

const rooms = Number(process.argv[2] ?? 167);
const seconds = Number(process.argv[3] ?? 20);
const workers = Number(process.argv[4] ?? 1);
const jitterMs = Number(process.argv[5] ?? 40);
const WARMUP_MS = 2000;
const parties = rooms * 3;

function percentile(histogram: number[], p: number): number {
  const total = histogram.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) {
    seen += histogram[ms] ?? 0;
    if (seen >= total * p) return ms + 1;
  }
  return histogram.length;
}

function diff(after: EngineStats, before: EngineStats): EngineStats {
  return {
    ...after,
    framesLost: after.framesLost - before.framesLost,
    framesLate: after.framesLate - before.framesLate,
    framesDiscarded: after.framesDiscarded - before.framesDiscarded,
    ticks: after.ticks - before.ticks,
    ticksLate: after.ticksLate - before.ticksLate,
    framesSkipped: after.framesSkipped - before.framesSkipped,
    packetsIn: after.packetsIn - before.packetsIn,
    packetsOut: after.packetsOut - before.packetsOut,
    latencyMs: after.latencyMs.map((n, i) => n - (before.latencyMs[i] ?? 0)),
  };
}

// Leased below the kernel's ephemeral range (32768–60999), where the parties' own sockets land, so no test or
// other bench running meanwhile takes ports of it; 128 pairs to skip that a program which does not lease holds.
const portSpan = 2 * (parties + 2) + 256;
const portMin = await freeUdpPortBlock(portSpan);
const portRange = { portMin, portMax: portMin + portSpan - 1 };
const engine = await MediaEngine.start(
  "media-engine",
  withDefaults({ ...portRange, workers, maxRooms: rooms + 1, jitterMs, jitterMaxMs: Math.max(200, jitterMs + 40) }),
);
const load = await startBenchLoad(engine, rooms, seconds, WARMUP_MS);
const probe = await startLatencyProbe(engine, WARMUP_MS);

await new Promise((r) => setTimeout(r, WARMUP_MS));
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const before = await engine.stats();
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const cpu = process.cpuUsage(cpuBefore);
const wall = performance.now() - wallBefore;
const stats = diff(await engine.stats(), before);
loopDelay.disable();
const probed = probe.stop();
const out = await load.output;
await engine.close();
load.stop();

const inputFrames = stats.packetsIn;
const inputBad = stats.framesLost + stats.framesLate + stats.framesDiscarded;
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(`media engine: ${rooms} rooms × 3 parties = ${parties} parties, ${workers} worker(s), jitter buffer ${jitterMs} ms, ${seconds} s measured`);
console.log(sustainedLine(out));
console.log(`engine CPU:              ${((100 * cpuMs) / wall).toFixed(1)} % of one core, ${((1000 * cpuMs) / wall / parties).toFixed(3)} ms CPU per party per second (${((100 * cpuMs) / wall / parties).toFixed(3)} % of a core)`);
console.log(`input  (engine side):    ${inputFrames} packets; lost ${stats.framesLost}, late ${stats.framesLate}, discarded ${stats.framesDiscarded} = ${pct(inputBad, inputFrames)}`);
console.log(partyOutputLine(out));
console.log(`mixer ticks:             ${stats.ticks}, late ≥ 10 ms ${stats.ticksLate} (${pct(stats.ticksLate, stats.ticks)}), frames skipped ${stats.framesSkipped}`);
console.log(`added latency:           p50 ${percentile(stats.latencyMs, 0.5)} ms, p99 ${percentile(stats.latencyMs, 0.99)} ms (arrival → mix sent, jitter buffer included)`);
console.log(`main thread loop delay:  p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
console.log(`probe room latency:      p50 ${probed.p50.toFixed(0)} ms, p99 ${probed.p99.toFixed(0)} ms over ${probed.samples} bursts (media-latency-probe.ts, one extra room of 2)`);
reportFigures({
  mixer: "embedded engine",
  parties,
  sustained: out.sustainedParties,
  cpuPerPartyPercent: (100 * cpuMs) / wall / parties,
  cpuSource: `bench process, ${workers} worker(s)`,
  partyBad: partyOutcome(out).bad,
  partyDue: partyOutcome(out).due,
  latencyP50: probed.p50,
  latencyP99: probed.p99,
  internalLatency: { p50: percentile(stats.latencyMs, 0.5), p99: percentile(stats.latencyMs, 0.99) },
});
// The main thread does nothing while the bench runs: a long stall there is the machine (other load), not the mixer.
console.log(machineLine());
process.exit(0);
