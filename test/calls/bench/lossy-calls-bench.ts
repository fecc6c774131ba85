/**
 * Calls over a lossy network: sipp drops `-lost` % of the packets it sends and receives on both sides (the PBX
 * trunk's customers and the agent phones), Tandem's real SIP stack, call model, registry, bus and routing plugin
 * in between (bench-rig.ts). Prints the share of calls that succeeded — the customer's sipp call completed
 * and the call record says answered — what the others became, and how many BYEs Tandem sent to customers
 * who had already hung up (each customer waits 34 s after its BYE, past 64·T1, and counts one as a failure).
 *
 * The sipp scenarios are loss-tolerant themselves (bench-customer-lossy.xml, bench-agent-lossy.xml), so what
 * fails is Tandem's doing, not sipp taking a resent 200 to the INVITE for the 200 to its BYE.
 *
 *   npm run bench:calls-lossy -- [calls] [rate] [lost %] [agents]     (defaults 2000 50 10 100)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { freePort } from "../../support/free-port.js";
import { killAllSipp, runSipp } from "../../support/sipp.js";
import { startRig } from "./bench-rig.js";
import { sleep } from "../../support/sleep.js";

const CALLS = Number(process.argv[2] ?? 2000);
const RATE = Number(process.argv[3] ?? 50);
const LOST = Number(process.argv[4] ?? 10);
const AGENTS = Number(process.argv[5] ?? 100);
/** How long each customer talks before its BYE (sipp -d). */
const TALK_MS = 200;
/** After the last call, long enough for every 64·T1 timer (32 s with the rig's T1) to have run out. */
const SETTLE_MS = 64 * 500 + 5000;


/** BYE requests in sipp's error log ("Aborting call on an unexpected BYE"): each reached a customer after its own BYE was answered. */
function strayByes(errorFile: string): number {
  try {
    return readFileSync(errorFile, "utf8").match(/unexpected BYE/g)?.length ?? 0;
  } catch {
    return 0;
  }
}

const rig = await startRig({ build: "src", agents: AGENTS });
const dir = mkdtempSync(join(tmpdir(), "lossy-bench-"));
const customerErrors = join(dir, "customer-errors.log");
try {
  const agents = runSipp({ scenario: "bench-agent-lossy.xml", localPort: rig.pbxPort, calls: CALLS, lost: LOST, timeoutS: 600 });
  await sleep(300);
  const start = performance.now();
  const customers = await runSipp({
    scenario: "bench-customer-lossy.xml",
    remote: `127.0.0.1:${rig.port}`,
    localPort: await freePort(),
    service: "5000",
    calls: CALLS,
    rate: RATE,
    limit: CALLS,
    lost: LOST,
    timeoutS: 600,
    // Our own error file (the last -error_file wins): the whole of it is read after the settle time.
    extraArgs: ["-d", String(TALK_MS), "-error_file", customerErrors],
  });
  const seconds = (performance.now() - start) / 1000;
  await sleep(SETTLE_MS);
  const records = rig.model.history({ limit: CALLS + 10 });
  const outcomes = new Map<string, number>();
  for (const { outcome = "open" } of records) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  const answered = outcomes.get("answered") ?? 0;
  const succeeded = Math.min(customers.successful, answered);
  console.log(`lossy calls: ${CALLS} calls at ${RATE}/s with ${LOST} % loss each way on both sides, ${AGENTS} agents (${seconds.toFixed(1)} s)`);
  console.log(`  customers (sipp): ok ${customers.successful} failed ${customers.failed}`);
  console.log(`  records: ${[...outcomes].map(([outcome, n]) => `${outcome} ${n}`).join(", ")}; still active ${rig.model.active().length}`);
  console.log(`  succeeded ${succeeded} of ${CALLS}: ${((100 * succeeded) / CALLS).toFixed(2)} %`);
  console.log(`  BYEs from Tandem to customers who had hung up: ${strayByes(customerErrors)}`);
  if (customers.failed > 0) console.log(`  customer errors (last): ${readFileSync(customerErrors, "utf8").slice(-1500)}`);
  const agentRun = await Promise.race([agents, sleep(10_000).then(() => undefined)]);
  if (!agentRun) console.log("  agent phones (sipp): still waiting for a BYE 10 s after the last call settled");
  else console.log(`  agent phones (sipp): ok ${agentRun.successful} failed ${agentRun.failed}`);
  if (agentRun && agentRun.failed > 0) console.log(`  agent phone errors (last): ${agentRun.errors.slice(-1500)}`);
} finally {
  killAllSipp();
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
}
