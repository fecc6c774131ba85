/**
 * A bridged call held past RFC 6026 Timers L and M, end to end over real sockets: by then both legs' sip.js
 * dialogs have let go of their INVITE transactions (initial-transaction.ts keeps a terminated stand-in), and the
 * call still works: the customer's re-INVITE reaches the agent, the answer comes back, the BYE ends both legs.
 * Timers L and M are shortened to 1.5 s in this test only (sip.js reads them from its `Timers` object when the
 * 2xx goes out), so the test does not wait 32 s.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { Timers, TransactionState, type Session } from "sip.js/lib/core/index.js";
import { SipLegImpl } from "../../core/src/sip/dialogs/sip-leg.js";
import { sleep, startSippCalls } from "./support/sipp-calls.js";

const SHORT_MS = 1500;
/** Every leg the call's bridge links (each side of it): the test reads their dialogs. */
const legs = new Set<SipLegImpl>();

/** Shortens Timers L and M and records linked legs for this test only; `t.after` puts both back. */
function instrument(t: TestContext): void {
  const timers = Timers as { TIMER_L: number; TIMER_M: number };
  const saved = { L: timers.TIMER_L, M: timers.TIMER_M, link: SipLegImpl.prototype.link };
  timers.TIMER_L = SHORT_MS;
  timers.TIMER_M = SHORT_MS;
  SipLegImpl.prototype.link = function (this: SipLegImpl, ...args: Parameters<SipLegImpl["link"]>) {
    legs.add(this);
    return saved.link.apply(this, args);
  };
  t.after(() => {
    timers.TIMER_L = saved.L;
    timers.TIMER_M = saved.M;
    SipLegImpl.prototype.link = saved.link;
  });
}

const ok = (r: { successful: number; failed: number; errors: string; stderr: string }): void => {
  assert.equal(r.failed, 0, r.errors || r.stderr);
  assert.equal(r.successful, 1, r.errors || r.stderr);
};

/** What the leg's sip.js dialog holds as its initial transaction. */
function heldTransaction(leg: SipLegImpl): { state: unknown; own: string[] } {
  const session: Session = leg.session;
  const held = Reflect.get(session, "initialTransaction") as { state: unknown };
  return { state: held.state, own: Object.getOwnPropertyNames(held).sort() };
}

test("past Timers L and M both dialogs hold only a stand-in, and a re-INVITE and the BYE still go through", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } } });
  instrument(t); // after the stack started: it gives sip.js's Timers the configured T1/T2/T4 (applySipJsTimers)
  rig.h.ready("1001");
  const agent = rig.agents("calls-agent-answer-reinvite.xml");
  await sleep(200);
  const customer = rig.customer("calls-customer-reinvite-bye.xml", "5000", { durationMs: SHORT_MS + 1500 });
  const established = await rig.h.waitFor("EventEstablished");
  assert.deepEqual([...legs].map((leg) => leg.direction).sort(), ["inbound", "outbound"]);
  for (const leg of legs) assert.notDeepEqual(heldTransaction(leg).own, ["request", "state"], "the real one while L/M run");

  await sleep(SHORT_MS + 700);
  for (const leg of legs) {
    assert.deepEqual(heldTransaction(leg), { state: TransactionState.Terminated, own: ["request", "state"] });
  }

  ok(await customer);
  ok(await agent);
  await sleep(50);
  assert.deepEqual(rig.h.trace(established.connId ?? "").slice(-2), ["EventEstablished@1001", "EventReleased@1001"]);
  const [record] = rig.h.model.history();
  assert.equal(record?.outcome, "answered");
  assert.equal(record?.releasedBy, "customer");
  assert.equal(rig.h.model.active().length, 0);
  assert.equal(rig.h.dns.agent("1001")?.state, "Ready");
});
