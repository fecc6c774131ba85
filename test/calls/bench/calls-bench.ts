/**
 * Contact-centre call benchmark: sipp plays the PBX trunk (customer UAC) and the agent phones (UAS); Tandem's
 * real SIP stack, call model, registry, bus and routing plugin in between, agents made Ready through the
 * registry. Prints calls/s with the failed share, INVITE-in → agent-INVITE-out latency p50/p99 at half that
 * rate, and memory per established call.
 *
 *   node --expose-gc --conditions=tandem-src --import tsx test/calls/bench/calls-bench.ts [rate] [seconds]
 */
import { performance } from "node:perf_hooks";
import { routeCall, type DnInput, type InboundInvite, type OutboundInviteOptions, type SipVerbs } from "@tandem/sdk";
import { freePort } from "../../support/free-port.js";
import { killAllSipp, runSipp, type SippResult } from "../../support/sipp.js";
import { startTestStack } from "../../support/test-stack.js";
import { Router } from "../../../plugins/routing/src/router.js";
import { withDefaults } from "../../../plugins/routing/src/routing-config.js";
import { silentLogger } from "../../../core/src/logging.js";
import { createCallsHarness, type CallsHarness } from "../support/calls-harness.js";

const RATE = Number(process.argv[2] ?? 300);
const SECONDS = Number(process.argv[3] ?? 10);
const AGENTS = 400;

interface Rig {
  h: CallsHarness;
  port: number;
  pbxPort: number;
  latencies: number[];
  close(): Promise<void>;
}

/** Wraps the verbs to time each call from the INVITE handed to the model to the agent INVITE it sends. */
function timedVerbs(verbs: SipVerbs, h: () => CallsHarness, latencies: number[]): SipVerbs {
  const started = new Map<string, number>();
  let current = 0;
  let listening = false;
  return Object.assign(Object.create(verbs) as SipVerbs, {
    onInvite: (handler: (invite: InboundInvite) => boolean | Promise<boolean>) => {
      if (!listening) {
        listening = true;
        h().bus.on("EventRouteRequest", (e) => e.connId && started.set(e.connId, current));
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

async function startRig(agentCount: number): Promise<Rig> {
  const pbxPort = await freePort();
  const agents = Array.from({ length: agentCount }, (_, i) => String(10000 + i));
  const dns: DnInput[] = [
    { number: "5000", type: "RoutingPoint", options: { queues: ["sales"] } },
    ...agents.map((number): DnInput => ({ number, type: "Extension" })),
    { number: "cucm", type: "Trunk", options: { contact: `sip:127.0.0.1:${pbxPort}` } },
  ];
  const stack = await startTestStack({ served: dns.map((d) => d.number), logMessages: false });
  const latencies: number[] = [];
  let harness: CallsHarness | undefined;
  const verbs = timedVerbs(stack.stack.verbs, () => harness as CallsHarness, latencies);
  harness = createCallsHarness(undefined, { sip: verbs, dns, noStart: true });
  const h = harness;
  h.model.start();
  const router = new Router({ dns: h.dns, bus: h.bus, log: silentLogger(), config: withDefaults({ queues: { sales: { agents } } }) });
  h.hooks.tap(routeCall, (r) => router.route(r));
  router.start();
  for (const dn of agents) h.ready(dn);
  return {
    h,
    port: stack.port,
    pbxPort,
    latencies,
    async close() {
      killAllSipp();
      router.stop();
      await h.close();
      await stack.stack.stop();
    },
  };
}

/** Short calls use helper E's tolerant peers; long calls (`talkMs`) use ours, whose customer hangs up after -d. */
async function run(rig: Rig, rate: number, calls: number, talkMs?: number): Promise<{ uac: SippResult; uas: SippResult; seconds: number }> {
  const uas = runSipp({
    // helper E's UAS tolerates the retransmissions an overloaded machine causes.
    scenario: talkMs === undefined ? "uas-answer.xml" : "calls-agent-answer.xml",
    localPort: rig.pbxPort,
    calls,
    timeoutS: 120,
    ...(process.env.CALLS_BENCH_UAS_ERRORS ? { extraArgs: ["-error_file", process.env.CALLS_BENCH_UAS_ERRORS] } : {}),
  });
  await new Promise((r) => setTimeout(r, 300));
  const start = performance.now();
  const uac = await runSipp({
    // helper E's UAC: INVITE, 200, ACK, BYE after 200 ms.
    scenario: talkMs === undefined ? "uac-call.xml" : "calls-customer-bye.xml",
    remote: `127.0.0.1:${rig.port}`,
    localPort: await freePort(),
    service: "5000",
    calls,
    rate,
    limit: Math.max(calls, 100),
    timeoutS: 120,
    extraArgs: ["-d", String(talkMs ?? 0)],
  });
  const seconds = (performance.now() - start) / 1000;
  return { uac, uas: await uas, seconds };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function throughput(): Promise<void> {
  const rig = await startRig(AGENTS);
  const calls = RATE * SECONDS;
  const { uac, uas, seconds } = await run(rig, RATE, calls);
  const answered = rig.h.model.history({ outcome: "answered", limit: calls + 10 }).length;
  const failed = calls - Math.min(uac.successful, answered);
  console.log(`throughput: offered ${RATE}/s, ${calls} calls in ${seconds.toFixed(1)} s → ${(answered / seconds).toFixed(0)} answered calls/s`);
  console.log(`  sipp UAC ok ${uac.successful} failed ${uac.failed}; UAS ok ${uas.successful} failed ${uas.failed}; records answered ${answered}`);
  if (uas.failed > 0) console.log(`  UAS errors: ${uas.errors.slice(-1500)}`);
  console.log(`  failed calls ${failed} (${((100 * failed) / calls).toFixed(3)} %)`);
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

async function memory(): Promise<void> {
  const calls = 1000;
  const rig = await startRig(calls);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) console.log("  (run with --expose-gc for a stable memory figure)");
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const done = run(rig, 500, calls, 8000);
  const deadline = Date.now() + 30_000;
  while (rig.h.model.active().filter((c) => c.state === "Established").length < calls && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const up = rig.h.model.active().filter((c) => c.state === "Established").length;
  gc?.();
  const after = process.memoryUsage().heapUsed;
  console.log(`memory: ${up} established calls, ${((after - before) / 1024 / Math.max(1, up)).toFixed(1)} KB heap per call (SIP dialogs, transactions, call model)`);
  await done;
  await rig.close();
}

const phase = process.env.CALLS_BENCH_PHASE;
if (!phase || phase === "throughput") await throughput();
if (!phase || phase === "latency") await latency();
if (!phase || phase === "memory") await memory();
