/**
 * SIGTERM with many answered calls, on a real Tandem process (config.example.json, ports moved) with direct
 * calls up between a sipp PBX (customers) and a sipp agent-phone UAS. All calls are released at once: every
 * customer and every phone gets its BYE and the process exits 0 before `shutdown.deadlineMs` (past it, the
 * CLI exits 1). Phones that never answer their BYE are cut short at the deadline's share, and the log names them.
 */
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { tempDir } from "./helpers/temp-plugins.js";
import { writeExampleConfig } from "../support/example-config.js";
import { customerCall } from "../support/sipp-peers.js";
import { killAllSipp, runSipp, type SippResult } from "../support/sipp.js";
import { startTandem, type TandemProcess } from "../support/tandem-process.js";
import { until } from "../support/until.js";

interface Rig {
  tandem: TandemProcess;
  customers: Promise<SippResult>;
  agents: Promise<SippResult>;
  /** Sends SIGTERM; resolves with the exit code and how long the stop took. */
  terminate(): Promise<{ code: number | null; elapsedMs: number }>;
}

/** Tandem with `calls` answered direct calls (customer call N dials the agent DID 2N). */
async function callsUp(t: TestContext, calls: number, agentScenario: string, deadlineMs?: number): Promise<Rig> {
  t.after(killAllSipp);
  const dir = tempDir(t);
  const example = await writeExampleConfig(dir, (config) => {
    for (let n = 1; n <= calls; n++) config["dns"].push({ number: `2${n}`, type: "Extension" });
    if (deadlineMs !== undefined) config["shutdown"] = { deadlineMs };
  });
  const admin = `http://127.0.0.1:${example.adminPort}/api/v1`;
  const token = String(example.config["admin"].tokens[0].token);
  const established = async (): Promise<number> => {
    const res = await fetch(`${admin}/calls`, { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as { calls: Array<{ state: string }> }).calls.filter((c) => c.state === "Established").length;
  };
  const tandem = startTandem(t, "source", example.file, dir);
  await tandem.waitForOutput(/"msg":"tandem started"/);
  const agents = runSipp({ scenario: agentScenario, localPort: example.ports.get(5070) ?? 0, calls, timeoutS: 200 });
  await new Promise((r) => setTimeout(r, 300));
  const customers = customerCall(example.sipPort, "shutdown-customer-direct.xml", "direct", { calls, rate: 40, timeoutS: 200 });
  await until(async () => (await established()) === calls, 120_000, `${calls} established calls`);
  return {
    tandem,
    customers,
    agents,
    async terminate() {
      const started = Date.now();
      tandem.child.kill("SIGTERM");
      const { code } = await tandem.exited;
      return { code, elapsedMs: Date.now() - started };
    },
  };
}

test("SIGTERM with 120 answered calls sends every BYE and exits 0 within the shutdown deadline", { timeout: 240_000 }, async (t) => {
  const rig = await callsUp(t, 120, "calls-agent-answer-long.xml");
  const { code, elapsedMs } = await rig.terminate();
  t.diagnostic(`shutdown with 120 calls took ${elapsedMs} ms`);
  assert.equal(code, 0, `exit within the deadline:\n${rig.tandem.output().slice(-3000)}`);
  const [customers, agents] = await Promise.all([rig.customers, rig.agents]);
  for (const side of [customers, agents]) {
    assert.equal(side.successful, 120, side.errors || side.stderr);
    assert.equal(side.failed, 0, side.errors || side.stderr);
  }
  assert.doesNotMatch(rig.tandem.output(), /cut short/);
});

test("phones that never answer their BYE are cut short at the deadline's share: exit 0 in time, the log names the calls", { timeout: 240_000 }, async (t) => {
  const rig = await callsUp(t, 20, "shutdown-agent-ignore-bye.xml", 4000);
  const { code, elapsedMs } = await rig.terminate();
  t.diagnostic(`shutdown with 20 unanswered BYEs took ${elapsedMs} ms (deadline 4000 ms)`);
  const output = rig.tandem.output();
  assert.equal(code, 0, `exit within the deadline, not by the watchdog:\n${output.slice(-3000)}`);
  const cut = output.split("\n").find((line) => line.includes("call release cut short"));
  assert.ok(cut, `the log says what was cut short:\n${output.slice(-3000)}`);
  assert.equal((JSON.parse(cut) as { pending: unknown[] }).pending.length, 20, "every unreleased call is named");
  const customers = await rig.customers;
  assert.equal(customers.successful, 20, "the customers still got their BYEs");
});
