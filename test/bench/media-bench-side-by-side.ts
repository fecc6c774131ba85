/**
 * `npm run bench:media`: the same load (N rooms × 3 G.711 parties, 20 ms) through the embedded media engine and
 * then through Janus AudioBridge (when the `janus` program is installed), each bench in a process of its own one
 * after the other so neither mixer competes with the other, then both sets of figures side by side.
 * Run: npm run bench:media -- [rooms=167] [seconds=20] [workers=1] [jitterMs=40]
 * (workers and jitterMs are the engine's; Janus mixes with its own threads and its prebuffer.)
 * Each bench's own report is printed as it runs; `bench:media-engine` and `bench:media-janus` run one alone.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MixerFigures } from "./media-bench-figures.js";
import { machineLine, pct } from "./media-bench-load.js";

const [rooms = "167", seconds = "20", workers = "1", jitterMs = "40"] = process.argv.slice(2);
const folder = mkdtempSync(join(tmpdir(), "media-bench-"));

async function run(script: string, args: string[]): Promise<MixerFigures | string> {
  const figures = join(folder, `${script}.json`);
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL(script, import.meta.url)), ...args], {
    stdio: "inherit",
    env: { ...process.env, MEDIA_BENCH_FIGURES: figures },
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  try {
    return JSON.parse(readFileSync(figures, "utf8")) as MixerFigures;
  } catch {
    return `${script} exited with ${code} and left no figures`;
  }
}

const janusInstalled = spawnSync("sh", ["-c", "command -v janus"]).status === 0;
console.log(`— embedded media engine —`);
const engine = await run("media-bench.ts", [rooms, seconds, workers, jitterMs]);
let janus: MixerFigures | string = "not run: the `janus` program is not installed (Debian: apt-get install janus)";
if (janusInstalled) {
  console.log(`\n— Janus AudioBridge (mcu-janus) —`);
  janus = await run("media-janus-bench.ts", [rooms, seconds]);
}
rmSync(folder, { recursive: true, force: true });

const ms = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? "—" : `${n.toFixed(0)} ms`);
const rows: [string, (f: MixerFigures) => string][] = [
  ["parties sustained", (f) => `${f.sustained} of ${f.parties}`],
  ["CPU per party", (f) => `${f.cpuPerPartyPercent.toFixed(3)} % of a core`],
  ["  measured on", (f) => f.cpuSource],
  ["frames late/lost/holed", (f) => `${f.partyBad} = ${pct(f.partyBad, f.partyDue)}`],
  ["added latency p50 / p99", (f) => `${ms(f.latencyP50)} / ${ms(f.latencyP99)}`],
  ["  mixer's own p50 / p99", (f) => (f.internalLatency ? `${ms(f.internalLatency.p50)} / ${ms(f.internalLatency.p99)}` : "not reported")],
];
const column = (f: MixerFigures | string, row: (f: MixerFigures) => string): string => (typeof f === "string" ? "—" : row(f));
const width = 30;
console.log(`\n${rooms} rooms × 3 parties, ${seconds} s measured each`);
console.log(`${"".padEnd(26)}${"embedded engine".padEnd(width)}Janus AudioBridge`);
for (const [name, row] of rows) console.log(`${name.padEnd(26)}${column(engine, row).padEnd(width)}${column(janus, row)}`);
console.log(`frames: as the parties received them (late > 40 ms behind, lost, or missing one of the room's other voices); added latency: a probe room's burst, sent → heard`);
for (const [name, f] of [["engine", engine], ["Janus", janus]] as const) if (typeof f === "string") console.log(`${name}: ${f}`);
console.log(machineLine());
