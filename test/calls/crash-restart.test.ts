/**
 * kill -9 with a call up, then a restart on the same database: the restarted server ends both dialogs with a BYE
 * (sipp customer and sipp agent phone each expect one, with the Reason saying why) and the event log shows
 * EventReleased on the agent's DN with cause `lost-in-restart`. Tandem runs as a real child process on
 * config.example.json (ports moved to free ones, support/crash-rig.ts), the agent made Ready over the desktop API.
 * A second case moves the customer's target with a re-INVITE first: the record follows it and the BYE goes there.
 */
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { test, type TestContext } from "node:test";
import { customerCall } from "../support/sipp-peers.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { until } from "../support/until.js";
import { startCrashRig, type TracedMessage } from "./support/crash-rig.js";

interface CrashCase {
  agentScenario: string;
  customerScenario: string;
  /** Waits, with the call up, for whatever must have happened before the kill. */
  beforeKill?: (db: string, trace: () => Promise<TracedMessage[]>) => Promise<void>;
}

async function crashWithCallUp(t: TestContext, crash: CrashCase): Promise<void> {
  t.after(killAllSipp);
  const rig = await startCrashRig(t);
  await rig.desktop("1001", { request: "RequestAgentLogin", workMode: "AutoIn" });
  await rig.waitEvent("agent 1001 Ready", (e) => e.name === "EventAgentReady" && e.dn === "1001", 20_000);

  const agent = runSipp({ scenario: crash.agentScenario, localPort: rig.pbxPort, calls: 1, timeoutS: 150 });
  await new Promise((r) => setTimeout(r, 300));
  const customer = customerCall(rig.example.sipPort, crash.customerScenario, "5000", { timeoutS: 150 });
  const established = await rig.waitEvent("EventEstablished", (e) => e.name === "EventEstablished");
  const connId = established.connId ?? "";
  await crash.beforeKill?.(String(rig.example.config["storage"].path), () => rig.trace(connId));

  await rig.crashAndRestart();

  const [customerResult, agentResult] = await Promise.all([customer, agent]);
  assert.equal(customerResult.failed, 0, customerResult.errors || customerResult.stderr);
  assert.equal(customerResult.successful, 1, customerResult.errors || customerResult.stderr);
  assert.equal(agentResult.failed, 0, agentResult.errors || agentResult.stderr);
  assert.equal(agentResult.successful, 1, agentResult.errors || agentResult.stderr);

  const released = (await rig.events()).filter((e) => e.name === "EventReleased" && e.connId === connId);
  assert.equal(released.length, 1, JSON.stringify(released));
  assert.equal(released[0]?.dn, "1001");
  assert.equal(released[0]?.data["cause"], "lost-in-restart");
  assert.equal(released[0]?.data["ani"], "5551234");
  const history = (await rig.admin("/calls/history")) as { calls: Array<{ connId: string; outcome?: string }> };
  assert.equal(history.calls.find((r) => r.connId === connId)?.outcome, "lost", JSON.stringify(history));
  await until(async () => ((await rig.admin("/agents/1001")) as { state?: string }).state === "Ready", 20_000, "agent 1001 back to Ready");
}

test("a call up at kill -9 is ended by the restart: BYE to customer and agent, EventReleased lost-in-restart", { timeout: 180_000 }, (t) =>
  crashWithCallUp(t, { agentScenario: "restart-agent-answer.xml", customerScenario: "restart-customer-wait-bye.xml" }));

test("a target refresh before the crash is kept: the restart's BYE goes to the customer's new Contact", { timeout: 180_000 }, (t) =>
  crashWithCallUp(t, {
    agentScenario: "restart-agent-reinvited.xml",
    customerScenario: "restart-customer-refresh.xml",
    // The refresh is written when the re-INVITE arrives: wait for it on disk and for the customer's ACK of the
    // re-INVITE's 200 (a kill before that 200 leaves the customer's re-INVITE unanswered, not the call up), then kill.
    beforeKill: async (path, trace) => {
      await until(
        async () => (await trace()).some((m) => m.direction === "in" && /^ACK /.test(m.text) && /\r\nCSeq:\s*2 ACK/i.test(m.text)),
        20_000,
        "the customer's ACK of its re-INVITE",
      );
      await until(() => {
        const db = new Database(path, { readonly: true, fileMustExist: true });
        try {
          const row = db.prepare("SELECT dialog FROM calls__dialogs WHERE role = 'customer'").get() as { dialog: string } | undefined;
          return row?.dialog.includes("5551234-moved") ?? false;
        } finally {
          db.close();
        }
      }, 20_000, "the customer's refreshed target on disk");
    },
  }));
