/**
 * Janus AudioBridge benchmark through the mcu-janus adapter: rooms of three G.711 parties mixed by a real Janus on
 * loopback (started here with the tests' loopback config), the same parties and output figures as `bench:media`
 * so the two can be read side by side. Run: npm run bench:media-janus -- [rooms=50] [seconds=20]
 *
 * The parties run in a child process (media-bench-parties.ts). Prints: parties sustained, Janus's CPU (from
 * /proc, all its threads), frames the parties found late or lost, and this process's own CPU and event-loop delay
 * (the adapter only signals; Janus mixes). Janus's input side is not visible through its API, so unlike
 * `bench:media` there is no engine-side loss or added-latency line.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { JanusMcu, withDefaults } from "@tandem/plugin-mcu-janus";
import { startJanus } from "../mcu-janus/janus-process.js";

const rooms = Number(process.argv[2] ?? 50);
const seconds = Number(process.argv[3] ?? 20);
const WARMUP_MS = 2000;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;
const parties = rooms * 3;

function offer(port: number): string {
  return `v=0\r\no=bench ${port} 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n`;
}

/** CPU time of a process and all its threads so far, ms (utime + stime, fields 14 and 15 of /proc/<pid>/stat). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

// Plain-RTP ports below the kernel's ephemeral range (32768–60999), where the parties' sockets land.
const janus = await startJanus(20000, 20000 + 2 * parties + 63);
const pid = janus.pid();
if (pid === undefined) throw new Error("Janus has no process id");
const adapter = await JanusMcu.start("mcu-janus", withDefaults({ url: janus.url, maxRooms: rooms, requestTimeoutMs: 20_000 }));
const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL("./media-bench-parties.ts", import.meta.url)), String(parties)], {
  stdio: ["pipe", "pipe", "inherit"],
});
const lines = createInterface({ input: child.stdout });
const nextLine = (): Promise<string> => new Promise((resolve) => lines.once("line", resolve));
const { ports } = JSON.parse(await nextLine()) as { ports: number[] };

const targets: number[] = [];
for (let r = 0; r < rooms; r++) {
  const room = await adapter.createRoom({ label: `bench-${r}` });
  for (let p = 0; p < 3; p++) {
    const party = await room.join({ partyId: `p${p}`, offer: offer(ports[r * 3 + p] as number) });
    targets.push(Number(/m=audio (\d+)/.exec(party.localSdp)?.[1]));
  }
}
child.stdin.write(`${JSON.stringify({ targets, seconds, warmupMs: WARMUP_MS })}\n`);
const resultLine = nextLine();

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
const out = JSON.parse(await resultLine) as { sent: number; received: number; lost: number; late: number; silentParties: number };
child.kill();
await adapter.close();
await janus.stop();

const outputBad = out.lost + out.late;
const outputFrames = out.received + out.lost;
const pct = (part: number, whole: number): string => `${((100 * part) / Math.max(1, whole)).toFixed(3)} %`;
const ownCpuMs = (cpu.user + cpu.system) / 1000;
const sustained = outputBad / Math.max(1, outputFrames) <= 0.001 && out.silentParties === 0;
console.log(`janus audiobridge (mcu-janus): ${rooms} rooms × 3 parties = ${parties} parties, ${seconds} s measured`);
console.log(`parties sustained:       ${sustained ? parties : 0} of ${parties}${sustained ? "" : " (over 0.1 % late or lost, or silent parties)"}`);
console.log(`Janus CPU:               ${((100 * janusCpuMs) / wall).toFixed(1)} % of one core, ${((1000 * janusCpuMs) / wall / parties).toFixed(3)} ms CPU per party per second (${((100 * janusCpuMs) / wall / parties).toFixed(3)} % of a core)`);
console.log(`output (party side):     sent ${out.sent}, received ${out.received}; lost ${out.lost}, late > 40 ms ${out.late} = ${pct(outputBad, outputFrames)} of ${outputFrames} due; silent parties ${out.silentParties}`);
console.log(`adapter (this process):  ${((100 * ownCpuMs) / wall).toFixed(1)} % of one core; loop delay p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
console.log(`machine:                 ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} at the end`);
process.exit(0);
