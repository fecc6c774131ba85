/**
 * Recorded-calls benchmark: N concurrent calls, customer ↔ agent through a whole Tandem process (routing point
 * 5000 → N Ready agents, the recording plugin recording every call through 5000 as two-channel WAV through the
 * embedded media engine), sipp on both sides streaming distinct tones (recording-bench-rig.ts). Once every call is
 * being recorded, Tandem's CPU (all its threads, sipp excluded) is measured for S seconds; the customers hang up
 * and each finished file is checked against what the phones sent (recording-file-check.ts).
 *
 *   npm run bench:recording -- [calls=50] [seconds=20] [calls per second=10]
 *
 * Prints: calls sustained (both phones' calls clean, the recording complete, ≤ 0.1 % of either channel missing its
 * tone and no crossed tones), 20 ms frames lost or silent in the files against the frames sent, CPU per recorded
 * call, disk bytes per call-second, and the load average.
 */
import { join } from "node:path";
import { killAllSipp } from "../support/sipp.js";
import { sleep } from "../support/sleep.js";
import { until } from "../support/until.js";
import { machineLine, pct } from "./media-bench-load.js";
import { checkRecordedFile, type FileCheck } from "./recording-file-check.js";
import { cpuSeconds, startRecordingBenchRig, TONES } from "./recording-bench-rig.js";

const CALLS = Number(process.argv[2] ?? 50);
const SECONDS = Number(process.argv[3] ?? 20);
const RATE = Number(process.argv[4] ?? 10);
/** The file's first second (the re-INVITEs moving the media) and last half second (the customer's BYE) are not judged. */
const HEAD_MS = 1000;
const TAIL_MS = 500;

interface Row {
  status: string;
  file: string;
  sizeBytes: number | null;
  durationMs: number | null;
  errorCode: string | null;
}

const rig = await startRecordingBenchRig(CALLS);
/** The index, read at most four times a second while polling (the admin token is limited to 100 requests a second). */
async function list(status?: string): Promise<Row[]> {
  await sleep(250);
  return (await rig.get<{ recordings: Row[] }>(`/plugins/recording/recordings?limit=1000${status ? `&status=${status}` : ""}`)).recordings;
}
try {
  const rampS = CALLS / RATE;
  // Every call held through the ramp, its set-up, the measured seconds and a margin.
  const holdMs = Math.ceil((rampS + 8 + SECONDS) * 1000);
  const { customers, agents } = rig.placeCalls(CALLS, RATE, holdMs);
  const allUp = until(async () => (await list("recording")).length >= CALLS, (rampS + 20) * 1000, `${CALLS} calls being recorded`).then(
    () => true,
    () => false,
  );
  const up = await allUp;
  const recording = (await list("recording")).length;
  const pid = rig.tandem.child.pid ?? 0;
  const cpuBefore = cpuSeconds(pid);
  const wallBefore = performance.now();
  await sleep(SECONDS * 1000);
  const cpu = cpuSeconds(pid) - cpuBefore;
  const wallS = (performance.now() - wallBefore) / 1000;
  const stillRecording = (await list("recording")).length;
  const machine = machineLine();
  const [customerRun, agentRun] = await Promise.all([customers, agents]);
  await until(async () => (await list("recording")).length === 0, 30_000, "every recording closed").catch(() => undefined);
  const rows = await list();
  const engine = await rig.engineCounters();
  const checks = rows.filter((r) => r.status === "complete").map((r) => ({ row: r, check: checkRecordedFile(join(rig.folder, r.file), TONES, HEAD_MS, TAIL_MS) }));
  if (!up || customerRun.code !== 0 || agentRun.code !== 0) {
    // Say why, so a broken set-up is not read as a figure.
    console.log(`sipp customers: ${customerRun.errors || customerRun.stderr}`.slice(0, 3000));
    console.log(`sipp agents: ${agentRun.errors || agentRun.stderr}`.slice(0, 3000));
    console.log(`Tandem's last output:\n${rig.tandem.output().slice(-3000)}`);
  }
  report({ up, recording, stillRecording, cpu, wallS, machine, rows, checks, engine, sipp: { customers: customerRun, agents: agentRun } });
} finally {
  killAllSipp();
  await rig.close();
}
process.exit(0);

function report(r: {
  up: boolean;
  recording: number;
  stillRecording: number;
  cpu: number;
  wallS: number;
  machine: string;
  rows: Row[];
  checks: Array<{ row: Row; check: FileCheck }>;
  engine: Record<string, number>;
  sipp: { customers: { successful: number; failed: number }; agents: { successful: number; failed: number } };
}): void {
  const clean = (c: FileCheck): boolean =>
    c.crossMs.left + c.crossMs.right === 0 && Math.max(c.missingMs.left, c.missingMs.right) / 20 <= c.frames * 0.001;
  const sippFailed = Math.max(r.sipp.customers.failed, r.sipp.agents.failed);
  const sustained = Math.max(0, r.checks.filter((c) => clean(c.check)).length - sippFailed);
  const frames = r.checks.reduce((n, c) => n + 2 * c.check.frames, 0);
  const missing = r.checks.reduce((n, c) => n + (c.check.missingMs.left + c.check.missingMs.right) / 20, 0);
  const cross = r.checks.reduce((n, c) => n + (c.check.crossMs.left + c.check.crossMs.right) / 20, 0);
  const both = r.checks.reduce((n, c) => n + c.check.bothMs / 20, 0);
  const bytes = r.checks.reduce((n, c) => n + (c.row.sizeBytes ?? 0), 0);
  const seconds = r.checks.reduce((n, c) => n + (c.row.durationMs ?? 0) / 1000, 0);
  const failed = r.rows.filter((row) => row.status !== "complete");
  const perCall = r.cpu / r.wallS / Math.max(1, r.recording);
  console.log(`recorded calls: ${CALLS} at ${RATE}/s, ${SECONDS} s measured with ${r.recording} being recorded (${r.stillRecording} at the end)${r.up ? "" : " — not every call reached recording"}`);
  console.log(`calls sustained:         ${sustained} of ${CALLS} (sipp customers ok ${r.sipp.customers.successful} failed ${r.sipp.customers.failed}, agents ok ${r.sipp.agents.successful} failed ${r.sipp.agents.failed})`);
  console.log(`recordings:              ${r.checks.length} complete, ${failed.length} not${failed.length ? ` (${[...new Set(failed.map((f) => `${f.status} ${f.errorCode ?? ""}`))].join(", ")})` : ""}`);
  console.log(`frames in the files:     ${frames} judged (both channels); lost or silent ${missing.toFixed(0)} (${pct(missing, frames)}), other side's tone ${cross.toFixed(0)}`);
  console.log(`  of which:               ${both.toFixed(0)} within 100 ms of a loss on the other channel (a stall at the receiving end), ${(missing - both).toFixed(0)} on one channel alone (that side's sender)`);
  const e = (name: string): number => r.engine[name] ?? 0;
  // Late frames came after their play-out time (a sender or the machine stalled); ticks late are the mixer's own delay.
  console.log(`engine, whole run:       input frames lost ${e("frames_lost_total")}, late ${e("frames_late_total")}, discarded ${e("frames_discarded_total")}; mixer ticks late ${e("ticks_late_total")}, frames skipped ${e("frames_skipped_total")}`);
  console.log(`Tandem CPU:              ${((100 * r.cpu) / r.wallS).toFixed(1)} % of one core; per recorded call ${(100 * perCall).toFixed(3)} % of a core (${(1000 * perCall).toFixed(2)} ms CPU per call-second)`);
  console.log(`disk:                    ${(bytes / Math.max(1, seconds)).toFixed(0)} bytes per call-second (${(bytes / 1e6).toFixed(1)} MB for ${seconds.toFixed(0)} call-seconds)`);
  console.log(`${r.machine} of the measured seconds`);
  for (const { row, check } of r.checks.filter((c) => !clean(c.check)).slice(0, 5)) {
    console.log(`  ${row.file} (${(check.durationMs / 1000).toFixed(1)} s): missing left ${check.missingMs.left} ms, right ${check.missingMs.right} ms, at ${check.missingAt.join(" ")} ms`);
  }
}
