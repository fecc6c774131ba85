/**
 * Contact-centre call benchmark: sipp plays the PBX trunk (customer UAC) and the agent phones (UAS); Tandem's
 * real SIP stack, call model, registry, bus and routing plugin in between, agents made Ready through the
 * registry. Prints calls/s with the failed share, INVITE-in → agent-INVITE-out latency p50/p99 at half that
 * rate, and memory per established call: (a) in a call's first 64·T1, while its INVITE transactions live, and
 * (b) after that, the per-active-call figure (measured on the compiled output, bench-rig.ts says why).
 * By default it runs the ladder (rate-ladder.ts) of the contact-centre path, then the same ladder for the bare
 * B2BUA (sip-bench.ts, UDP) so the ratio between them is measured in one run, then the memory phase.
 *
 *   CALLS_BENCH_PHASE=ladder|b2bua|throughput|latency|memory  one phase only (ladder: both ladders and their ratio)
 *   CALLS_BENCH_BUILD=src                        memory phase on the sources under tsx
 *   node --expose-gc --conditions=tandem-src --import tsx test/calls/bench/calls-bench.ts [rate] [seconds]
 */
import { performance } from "node:perf_hooks";
import type { InboundInvite, OutboundInviteOptions, SipVerbs } from "@tandem/sdk";
import { freePort } from "../../support/free-port.js";
import { killAllSipp, runSipp, startSipp, type SippResult } from "../../support/sipp.js";
import type { CoreEventBus } from "../../../core/src/bus/event-bus.js";
import { BENCH_SHARDS, BENCH_UDP_THREAD, BENCH_WRITER_THREAD, staleDist, startRig as startBenchRig, type Build, type Rig as BenchRig } from "./bench-rig.js";
import { sleep } from "../../support/sleep.js";
import { b2buaLadder } from "../../bench/sip-bench.js";
import { bestRate, LADDER_RATES, percentile, runLadder, STEP_SECONDS, type StepFigures } from "./rate-ladder.js";

const RATE = Number(process.argv[2] ?? 300);
const SECONDS = Number(process.argv[3] ?? 10);
const AGENTS = 600;

interface Rig extends BenchRig {
  latencies: number[];
}

/** Wraps the verbs to time each call from the INVITE handed to the model to the agent INVITE it sends. */
function timedVerbs(verbs: SipVerbs, bus: () => CoreEventBus, latencies: number[]): SipVerbs {
  const started = new Map<string, number>();
  let current = 0;
  let listening = false;
  return Object.assign(Object.create(verbs) as SipVerbs, {
    onInvite: (handler: (invite: InboundInvite) => boolean | Promise<boolean>) => {
      if (!listening) {
        listening = true;
        bus().on("EventRouteRequest", (e) => e.connId && started.set(e.connId, current));
      }
      return verbs.onInvite((invite) => {
        current = performance.now();
        return handler(invite);
      });
    },
    invite: (options: OutboundInviteOptions) => {
      const connId = options.headers?.["X-Tandem-ConnID"];
      const t0 = connId === undefined ? undefined : started.get(connId);
      if (t0 !== undefined && connId !== undefined) {
        latencies.push(performance.now() - t0);
        started.delete(connId);
      }
      return verbs.invite(options);
    },
  });
}

async function startRig(agents: number, build: Build = "src"): Promise<Rig> {
  const latencies: number[] = [];
  const rig = await startBenchRig({ build, agents, wrapVerbs: (verbs, bus) => timedVerbs(verbs, bus, latencies) });
  return {
    ...rig,
    latencies,
    async close() {
      killAllSipp();
      await rig.close();
    },
  };
}

/**
 * The peers' socket buffers, as Tandem's own (4 MiB): with sipp's default (208 KiB) the peers themselves dropped
 * datagrams of a 1,000 calls/s run (about 3,000 in 20 s, counted in /proc/net/udp on their ports, none on
 * Tandem's), and each drop is a retransmission 500 ms later that the run then waits for.
 */
const PEER_BUFFERS = ["-buff_size", String(4 * 1024 * 1024)];

/**
 * Short calls use the shared tolerant sipp peers; long calls (`talkMs`) use ours, whose customer hangs up after -d
 * (`longAgent`: an agent phone that waits for that BYE for up to 120 s).
 */
async function run(
  rig: Rig,
  rate: number,
  calls: number,
  talkMs?: number,
  longAgent = false,
): Promise<{ uac: SippResult; uas: SippResult; seconds: number }> {
  const agents = startSipp({
    // The shared UAS tolerates the retransmissions an overloaded machine causes.
    scenario: talkMs === undefined ? "uas-answer.xml" : longAgent ? "calls-agent-answer-long.xml" : "calls-agent-answer.xml",
    localPort: rig.pbxPort,
    calls,
    timeoutS: 180,
    extraArgs: [...PEER_BUFFERS, ...(process.env.CALLS_BENCH_UAS_ERRORS ? ["-error_file", process.env.CALLS_BENCH_UAS_ERRORS] : [])],
  });
  await new Promise((r) => setTimeout(r, 300));
  const start = performance.now();
  const uac = await runSipp({
    // The shared UAC: INVITE, 200, ACK, BYE after 200 ms.
    scenario: talkMs === undefined ? "uac-call.xml" : "calls-customer-bye.xml",
    remote: `127.0.0.1:${rig.port}`,
    localPort: await freePort(),
    service: "5000",
    calls,
    rate,
    limit: Math.max(calls, 100),
    timeoutS: 180,
    extraArgs: ["-d", String(talkMs ?? 0), ...PEER_BUFFERS],
  });
  const seconds = (performance.now() - start) / 1000;
  // Calls refused by overload control never reach the agents' sipp, which would wait for them until its time-out.
  if (uac.failed > 0) void sleep(5000).then(() => agents.kill());
  return { uac, uas: await agents.exited, seconds };
}

/**
 * The seconds over which the calls were offered: sipp's run time less the last call's life (its 200 ms of talk and
 * the BYE's round trip), which every rate pays once.
 */
function offeringSeconds(runSeconds: number): number {
  return Math.max(0.5, runSeconds - 0.3);
}

/** The contact-centre ladder on one rig (agents enough for 1,250 calls/s of ~0.3 s each). */
async function callsLadder(): Promise<StepFigures[]> {
  const rig = await startRig(AGENTS);
  try {
    return await runLadder("contact centre", async (rate, calls) => {
      rig.latencies.length = 0;
      const refusedBefore = rig.refused();
      const { uac, seconds } = await run(rig, rate, calls);
      await sleep(1500); // BYE transactions drain inside the step, as in the B2BUA ladder
      const refused = rig.refused() - refusedBefore;
      return { calls, answered: uac.successful, seconds: offeringSeconds(seconds), latencies: [...rig.latencies], refused };
    });
  } finally {
    await rig.close();
  }
}

async function ladders(): Promise<void> {
  const phase = process.env.CALLS_BENCH_PHASE;
  console.log(
    `ladder (${STEP_SECONDS} s per step, ${BENCH_SHARDS} SIP shards and UDP sockets ${BENCH_UDP_THREAD ? "in their own thread" : "in the SIP thread"} on both paths, record writes ${BENCH_WRITER_THREAD ? "by the writer thread" : "inline"}, pass = < 0.1 % failed; ` +
      "CPU is this process's, sipp excluded):",
  );
  const calls = !phase || phase === "ladder" ? await callsLadder() : [];
  const b2bua = !phase || phase === "ladder" || phase === "b2bua" ? await b2buaLadder("u1", LADDER_RATES, STEP_SECONDS, BENCH_SHARDS, BENCH_UDP_THREAD) : [];
  if (calls.length === 0 || b2bua.length === 0) return;
  const ratio = (a: number | undefined, b: number | undefined): string => (a && b ? (a / b).toFixed(2) : "n/a");
  // At every offered rate both ladders reached: the ratio of CPU per call, contact centre over bare B2BUA.
  const ratios = calls
    .map((c) => `${c.rate}/s ${ratio(c.cpuUsPerCall, b2bua.find((b) => b.rate === c.rate)?.cpuUsPerCall)}`)
    .join(", ");
  console.log(
    `RESULT (${BENCH_SHARDS} shards each) contact centre ${bestRate(calls)} calls/s vs bare B2BUA ${bestRate(b2bua)} calls/s; ` +
      `CPU per call contact centre / B2BUA: ${ratios}`,
  );
}

/** Calls of the warm-up before a measured run: 3 s at 300/s compile the path, as in a process that has run a while. */
const WARM_UP_RATE = 300;
const WARM_UP_SECONDS = 3;

async function throughput(): Promise<void> {
  const rig = await startRig(AGENTS);
  // A cold process compiles its hot path during the first second of the run; at 1,000 calls/s that second's backlog
  // brings the peers' retransmissions (T1 = 500 ms), which the run then carries to its end.
  const warm = await run(rig, WARM_UP_RATE, WARM_UP_RATE * WARM_UP_SECONDS);
  console.log(`warm-up: ${warm.uac.successful} of ${WARM_UP_RATE * WARM_UP_SECONDS} calls at ${WARM_UP_RATE}/s`);
  await sleep(1500);
  const warmAnswered = rig.model.history({ outcome: "answered", limit: WARM_UP_RATE * WARM_UP_SECONDS + 10 }).length;
  rig.latencies.length = 0;
  const calls = RATE * SECONDS;
  const { uac, uas, seconds } = await run(rig, RATE, calls);
  const answered = rig.model.history({ outcome: "answered", limit: calls + warmAnswered + 10 }).length - warmAnswered;
  const failed = calls - Math.min(uac.successful, answered);
  console.log(
    `throughput: offered ${RATE}/s, ${calls} calls in ${seconds.toFixed(1)} s (the last call's 0.2 s talk and teardown included) → ` +
      `${(answered / offeringSeconds(seconds)).toFixed(0)} answered calls/s`,
  );
  console.log(`  sipp UAC ok ${uac.successful} failed ${uac.failed}; UAS ok ${uas.successful} failed ${uas.failed}; records answered ${answered}`);
  console.log(
    `  INVITE in → agent INVITE out p50 ${percentile(rig.latencies, 50).toFixed(2)} ms, p99 ${percentile(rig.latencies, 99).toFixed(2)} ms (${rig.latencies.length} calls)`,
  );
  if (uas.failed > 0) console.log(`  UAS errors: ${uas.errors.slice(-1500)}`);
  console.log(`  failed calls ${failed} (${((100 * failed) / calls).toFixed(3)} %), of which refused with 503 by overload control ${rig.refused()}`);
  await rig.close();
}

async function latency(): Promise<void> {
  const rig = await startRig(AGENTS);
  const rate = Math.max(1, Math.round(RATE / 2));
  await run(rig, rate, rate * SECONDS);
  console.log(
    `latency at ${rate}/s: INVITE in → agent INVITE out p50 ${percentile(rig.latencies, 50).toFixed(2)} ms, p99 ${percentile(rig.latencies, 99).toFixed(2)} ms (${rig.latencies.length} calls)`,
  );
  await rig.close();
}

const MEMORY_CALLS = 1000;
const WARM_UP_CALLS = MEMORY_CALLS;
/**
 * How long a call attempt's transient state lives: 64·T1 with the rig's T1 of 500 ms (the INVITE transactions'
 * Timer L/M, RFC 6026 §7.1, §8.4; the stack's branch and flow maps) plus the 5 s sweep of those maps.
 */
const TRANSIENT_MS = 64 * 500 + 6000;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("the memory phase needs node --expose-gc (npm run bench:calls passes it)");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}


function establishedCount(rig: Rig): number {
  return rig.model.active().filter((c) => c.state === "Established").length;
}

/** Compiled output unless CALLS_BENCH_BUILD=src, or when it is stale (then it says so and uses the sources). */
function memoryBuild(): Build {
  if (process.env.CALLS_BENCH_BUILD === "src") return "src";
  const stale = staleDist();
  if (stale === undefined) return "dist";
  console.log(`  (compiled output is stale, ${stale} is newer: run npx tsc -b; measuring the sources under tsx)`);
  return "src";
}

/**
 * Heap per established call, (a) while every call is within its first 64·T1 (INVITE transactions alive) and
 * (b) once those ended (the calls still up): (b) is what an active call costs, (a) − (b) what a call attempt
 * costs for 64·T1. A warm-up first, and a wait for its transient state to end, keep JIT code and lazily
 * loaded modules out of the figure.
 */
async function memory(): Promise<void> {
  const build = memoryBuild();
  const rig = await startRig(MEMORY_CALLS, build);
  // As many calls, as fast, with the same scenarios (talk time 0): the same code is compiled and optimised
  // before the baseline, so JIT code does not count as per-call memory.
  await run(rig, 500, WARM_UP_CALLS, 0, true);
  await sleep(TRANSIENT_MS);
  const before = heapAfterGc();
  // Held past the (b) sample even when bringing the calls up takes 15 s on a loaded machine.
  const done = run(rig, 500, MEMORY_CALLS, TRANSIENT_MS + 15_000, true);
  const deadline = Date.now() + 30_000;
  while (establishedCount(rig) < MEMORY_CALLS && Date.now() < deadline) await sleep(100);
  const upAt = Date.now();
  const upA = establishedCount(rig);
  const perCallA = (heapAfterGc() - before) / 1024 / Math.max(1, upA);
  await sleep(TRANSIENT_MS - (Date.now() - upAt));
  const upB = establishedCount(rig);
  const perCallB = (heapAfterGc() - before) / 1024 / Math.max(1, upB);
  const source = build === "dist" ? "compiled core/dist" : "sources under tsx";
  console.log(`memory (${source}): ${upA} established calls, then ${upB} still up ${(TRANSIENT_MS / 1000).toFixed(0)} s later`);
  console.log(`  (a) ${perCallA.toFixed(1)} KB heap per call while its INVITE transactions live (first 64·T1 = 32 s)`);
  console.log(`  (b) ${perCallB.toFixed(1)} KB heap per active call after that (dialogs, legs, call model): the per-active-call figure`);
  console.log(
    `  (a) − (b) = ${(perCallA - perCallB).toFixed(1)} KB is per call attempt for 32 s: it scales with call rate × 32 s, not with active calls`,
  );
  const { uac, uas } = await done;
  if (uac.failed + uas.failed > 0) console.log(`  sipp: UAC ok ${uac.successful} failed ${uac.failed}; UAS ok ${uas.successful} failed ${uas.failed}`);
  await rig.close();
}

const phase = process.env.CALLS_BENCH_PHASE;
if (!phase || phase === "ladder" || phase === "b2bua") await ladders();
if (phase === "throughput") await throughput();
if (phase === "latency") await latency();
if (!phase || phase === "memory") await memory();
