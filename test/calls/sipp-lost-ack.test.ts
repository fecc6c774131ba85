/**
 * The caller's ACK is lost, end to end over real sockets.
 * - Its BYE arrives first (RFC 3261 §13.3.1.4, §15: any in-dialog request from the caller confirms the dialog):
 *   Tandem answers the BYE, resends no 200, sends the caller no BYE of its own — not even once the INVITE
 *   transaction ends (Timer L, where sip.js's "no ACK" callback still fires) — ends the agent's leg, frees the
 *   agent and records the call answered, released by the customer.
 * - No ACK and no BYE ever come: after 64·T1 the call ends with a BYE to both sides (§13.3.1.4: the dialog is
 *   confirmed all the same); it was answered, so the record says answered, the customer's leg ended by the ACK
 *   time-out, and the agent is freed.
 * Timer L is shortened to 1.5 s in this file only (sip.js reads it when the 2xx goes out), so nothing waits 32 s.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { Timers } from "sip.js/lib/core/index.js";
import { sleep, startSippCalls } from "./support/sipp-calls.js";

const SHORT_MS = 1500;

/** After the stack started (it writes the configured timers into sip.js's `Timers`); `t.after` puts L back. */
function shortTimerL(t: TestContext): void {
  const timers = Timers as { TIMER_L: number };
  const saved = timers.TIMER_L;
  timers.TIMER_L = SHORT_MS;
  t.after(() => {
    timers.TIMER_L = saved;
  });
}

const ok = (r: { successful: number; failed: number; errors: string; stderr: string }): void => {
  assert.equal(r.failed, 0, r.errors || r.stderr);
  assert.equal(r.successful, 1, r.errors || r.stderr);
};

interface LostAckCase {
  name: string;
  customerScenario: string;
  /** How the customer's leg ended, as the call record says. */
  customerEndedBy: string;
}

const cases: LostAckCase[] = [
  {
    name: "a BYE before the lost ACK: no more 200s and no BYE to the caller, the agent leg ends, the call is answered",
    customerScenario: "calls-customer-bye-no-ack.xml",
    customerEndedBy: "remote",
  },
  {
    name: "no ACK and no BYE: after 64·T1 both sides get a BYE, the call is recorded answered, the agent freed",
    customerScenario: "calls-customer-no-ack.xml",
    customerEndedBy: "ack-timeout",
  },
];

for (const lost of cases) {
  test(lost.name, { timeout: 180_000 }, async (t) => {
    const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } } });
    shortTimerL(t);
    rig.h.ready("1001");
    const agent = rig.agents("calls-agent-answer.xml", { timeoutS: 30 });
    await sleep(200);
    ok(await rig.customer(lost.customerScenario, "5000", { timeoutS: 30 }));
    ok(await agent);
    await sleep(50);
    const [record] = rig.h.model.history();
    assert.ok(record);
    assert.equal(record.outcome, "answered");
    assert.equal(record.releasedBy, "customer");
    assert.deepEqual(record.legs.map((l) => [l.role, l.status, l.endedBy]), [
      ["customer", 200, lost.customerEndedBy],
      ["agent", 200, "local"],
    ]);
    assert.deepEqual(rig.h.trace(record.connId).slice(-2), ["EventEstablished@1001", "EventReleased@1001"]);
    assert.equal(rig.h.dns.agent("1001")?.state, "Ready");
    assert.equal(rig.h.model.active().length, 0);
  });
}
