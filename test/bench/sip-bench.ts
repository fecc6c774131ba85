/**
 * `npm run bench:sip`: parse throughput (the parser's bench) and B2BUA calls/s measured with
 * sipp UAC → Tandem B2BUA (onInvite → invite → bridge) → sipp UAS at increasing rates, over UDP and TCP.
 * Reports the highest rate with < 0.1 % failed calls. Set SIP_BENCH_SECONDS (default 6) per step and
 * SIP_BENCH_RATES (comma list) to change the ladder.
 * Each step also prints INVITE-in → outbound-INVITE-out p50/p99 and this process's CPU µs per call;
 * `b2buaLadder` runs the UDP ladder for the calls bench, which prints it beside the contact-centre ladder.
 * Run: node --conditions=tandem-src --import tsx test/bench/sip-bench.ts
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { SipError } from "@tandem/sdk";
import { runParseBench } from "./parse-bench.js";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startTestStack, type TestStack } from "../support/test-stack.js";
import { bestRate, runLadder, type StepFigures, type StepOutcome } from "../calls/bench/rate-ladder.js";

const SECONDS = Number(process.env.SIP_BENCH_SECONDS ?? 6);
const RATES = (process.env.SIP_BENCH_RATES ?? "100,200,300,400,500,600,700,800,1000").split(",").map(Number);
/** `udp`, `tcp` or both (default); SIP_BENCH_PARSE=0 skips the parse figures (e.g. when profiling). */
const TRANSPORTS = (process.env.SIP_BENCH_TRANSPORTS ?? "udp,tcp").split(",");

interface B2buaErrors {
  n: number;
  kinds: Map<string, number>;
}

function b2bua(t: TestStack, target: () => string, errors: B2buaErrors, latencies: number[]): void {
  const verbs = t.stack.verbs;
  verbs.onInvite(async (inbound) => {
    const t0 = performance.now();
    const out = verbs.invite({ target: target(), ...(inbound.offer ? { sdp: inbound.offer } : {}), onProgress: () => inbound.progress() });
    latencies.push(performance.now() - t0);
    inbound.onCancel(() => out.cancel());
    try {
      const b = await out.answered;
      const a = await inbound.accept({ sdp: b.remoteSdp ?? "" });
      verbs.bridge(a, b);
    } catch (error) {
      errors.n++;
      const kind = error instanceof SipError ? `${error.status} ${error.origin}` : String(error);
      errors.kinds.set(kind, (errors.kinds.get(kind) ?? 0) + 1);
      inbound.reject(error instanceof SipError ? error.status : 500);
    }
    return true;
  });
}

async function step(
  t: TestStack,
  transport: "u1" | "t1",
  rate: number,
  calls: number,
  errors: B2buaErrors,
  setUas: (p: number) => void,
): Promise<StepOutcome> {
  const seconds0 = calls / rate;
  const uasPort = await freePort();
  setUas(uasPort);
  errors.n = 0;
  errors.kinds.clear();
  const uas = runSipp({ scenario: "bench-uas.xml", localPort: uasPort, transport, timeoutS: seconds0 + 40, extraArgs: ["-max_recv_loops", "5000"] });
  await new Promise((r) => setTimeout(r, 300));
  const started = Date.now();
  const uac = await runSipp({
    scenario: "uac-call.xml",
    remote: `127.0.0.1:${t.port}`,
    localPort: await freePort(),
    transport,
    service: "1001",
    calls,
    rate,
    limit: rate * 10,
    timeoutS: seconds0 + 35,
    extraArgs: ["-max_recv_loops", "5000", "-max_sched_loops", "5000"],
  });
  // Each call lasts ~0.2 s after its INVITE; the rest of the run time is the arrival period.
  const seconds = Math.max(0.5, (Date.now() - started) / 1000 - 0.3);
  killAllSipp(); // the UAS has no -m: end it once the caller side is done
  await uas;
  await new Promise((r) => setTimeout(r, 1500)); // let BYE transactions drain before the next step
  if (errors.n) console.log(`  (B2BUA handler errors: ${[...errors.kinds].map(([k, n]) => `${k} ×${n}`).join(", ")})`);
  return { calls, answered: uac.successful, seconds, latencies: [] };
}

/** The B2BUA's ladder over one transport: each step's figures, stopping after the first that fails > 0.1 %. */
export async function b2buaLadder(
  transport: "u1" | "t1",
  rates: readonly number[] = RATES,
  seconds = SECONDS,
  shards = 16,
  udpThread = false,
): Promise<StepFigures[]> {
  const t = await startTestStack({ shards, udpThread });
  let uasPort = 0;
  const errors: B2buaErrors = { n: 0, kinds: new Map<string, number>() };
  const latencies: number[] = [];
  const suffix = transport === "t1" ? ";transport=tcp" : "";
  b2bua(t, () => `sip:2001@127.0.0.1:${uasPort}${suffix}`, errors, latencies);
  try {
    return await runLadder(
      transport === "u1" ? "B2BUA UDP" : "B2BUA TCP",
      async (rate, calls) => {
        latencies.length = 0;
        const outcome = await step(t, transport, rate, calls, errors, (p) => (uasPort = p));
        return { ...outcome, latencies: [...latencies] };
      },
      rates,
      seconds,
    );
  } finally {
    killAllSipp();
    await t.stack.stop();
  }
}

async function ladder(transport: "u1" | "t1"): Promise<{ best: number }> {
  return { best: bestRate(await b2buaLadder(transport)) };
}

async function main(): Promise<void> {
  if (process.env.SIP_BENCH_PARSE !== "0") {
    console.log("SIP parse throughput (messages/s):");
    for (const r of await runParseBench({ ms: 2000, sipJs: false })) console.log(`  ${r.name}: ${r.perSecond.toLocaleString("en")}`);
  }
  console.log(`B2BUA calls/s (sipp UAC → Tandem → sipp UAS, ${SECONDS} s per step, pass = < 0.1 % failed):`);
  const udp = TRANSPORTS.includes("udp") ? (await ladder("u1")).best : "skipped";
  const tcp = TRANSPORTS.includes("tcp") ? (await ladder("t1")).best : "skipped";
  console.log(`RESULT B2BUA (highest achieved rate with < 0.1 % failed calls) UDP: ${udp} calls/s; TCP: ${tcp} calls/s (target ≥ 500)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error: unknown) => {
    killAllSipp();
    console.error(error);
    process.exitCode = 1;
  });
}
