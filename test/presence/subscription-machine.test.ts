import assert from "node:assert/strict";
import { beforeEach, afterEach, describe, it, mock } from "node:test";
import type { NotifyInfo } from "@tandem/sdk";
import { SubscriptionMachine, type MachineTimings, type SubscriptionStateName } from "../../plugins/presence/src/subscription-machine.js";
import { FakeSubscription, flush, recordingLogger } from "./support/fake-subscription.js";

const TIMINGS: MachineTimings = {
  expires: 3600,
  refreshMarginSeconds: 60,
  backoffMinMs: 1000,
  backoffMaxMs: 16_000,
  notifyTimeoutSeconds: 32,
  answerTimeoutSeconds: 40,
  unansweredAfterMs: 1500,
};

interface Rig {
  machine: SubscriptionMachine;
  subs: FakeSubscription[];
  notifies: Array<{ notify: NotifyInfo; first: boolean }>;
  states: SubscriptionStateName[];
  contacts: string[];
  last(): FakeSubscription;
}

function rig(options: { contacts?: string[]; timings?: Partial<MachineTimings>; log?: ReturnType<typeof recordingLogger> } = {}): Rig {
  const subs: FakeSubscription[] = [];
  const notifies: Rig["notifies"] = [];
  const states: SubscriptionStateName[] = [];
  const contacts = options.contacts ?? ["sip:127.0.0.1:5070"];
  const machine = new SubscriptionMachine({
    dn: "1001",
    contacts: () => contacts,
    subscribe: (target) => {
      const sub = new FakeSubscription(target);
      subs.push(sub);
      return sub;
    },
    pace: (start) => {
      start();
      return () => undefined;
    },
    timings: { ...TIMINGS, ...options.timings },
    onNotify: (notify, first) => notifies.push({ notify, first }),
    onStateChange: (_from, to) => states.push(to),
    log: options.log ?? recordingLogger(),
    random: () => 1,
  });
  return {
    machine,
    subs,
    notifies,
    states,
    contacts,
    last: () => {
      const sub = subs.at(-1);
      assert.ok(sub, "no SUBSCRIBE was sent");
      return sub;
    },
  };
}

/** Subscribes and gets to `active` with an initial NOTIFY. */
async function activate(r: Rig, expires = 3600): Promise<FakeSubscription> {
  r.machine.start();
  const sub = r.last();
  sub.accept(expires);
  sub.notify({ body: "x" });
  await flush();
  assert.equal(r.machine.state, "active");
  return sub;
}

describe("SubscriptionMachine", { timeout: 300_000 }, () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it("subscribes to <dn>@<notifier host>, becomes active and reports the grant", async () => {
    const r = rig();
    r.machine.start();
    assert.equal(r.machine.state, "subscribing");
    assert.equal(r.last().target, "sip:1001@127.0.0.1:5070");
    r.last().accept(3600);
    await flush();
    assert.equal(r.machine.state, "active");
    assert.equal(r.machine.snapshot().expiresAt, 1_000_000 + 3_600_000);
    assert.deepEqual(r.states, ["queued", "subscribing", "active"]);
  });

  it("refreshes `refreshMarginSeconds` before expiry and follows a shortened grant", async () => {
    const r = rig();
    const sub = await activate(r);
    mock.timers.tick(3_540_000 - 1);
    assert.equal(sub.refreshes.length, 0);
    mock.timers.tick(1);
    assert.equal(r.machine.state, "refreshing");
    assert.equal(sub.refreshes[0]?.expires, 3600);
    sub.refreshes[0]?.resolve({ expires: 600 }); // the notifier shortened it
    sub.notify({ body: "x" });
    await flush();
    assert.equal(r.machine.state, "active");
    mock.timers.tick(540_000);
    assert.equal(sub.refreshes.length, 2);
  });

  it("refreshes half-way through a grant shorter than twice the margin", async () => {
    const r = rig();
    const sub = await activate(r, 60);
    mock.timers.tick(29_999);
    assert.equal(sub.refreshes.length, 0);
    mock.timers.tick(1);
    assert.equal(sub.refreshes.length, 1);
  });

  it("a grant of Expires 0 (or nonsense) backs off instead of refreshing in a loop", async () => {
    const r = rig();
    r.machine.start();
    r.last().accept(0);
    await flush();
    assert.equal(r.machine.state, "backoff");
    assert.match(r.machine.snapshot().lastError ?? "", /Expires 0/);
    mock.timers.tick(1000);
    r.last().accept(Number.NaN);
    await flush();
    assert.equal(r.machine.state, "backoff");
    assert.equal(r.subs.length, 2);
  });

  it("a NOTIFY with a shorter expires moves the refresh earlier", async () => {
    const r = rig();
    const sub = await activate(r);
    sub.notify({ body: "x", expires: 120 });
    mock.timers.tick(60_000);
    assert.equal(sub.refreshes.length, 1);
  });

  it("481 on refresh (notifier restarted) → a new SUBSCRIBE at once", async () => {
    const r = rig();
    const sub = await activate(r);
    mock.timers.tick(3_540_000);
    sub.refreshes[0]?.reject(Object.assign(new Error("SIP 481"), { status: 481, origin: "remote" }));
    await flush();
    assert.equal(r.subs.length, 2);
    assert.equal(r.machine.state, "subscribing");
    r.last().accept(3600);
    await flush();
    assert.equal(r.machine.state, "active");
    assert.equal(r.machine.snapshot().failures, 1, "not healthy before a NOTIFY");
    r.last().notify({ body: "x" });
    assert.equal(r.machine.snapshot().failures, 0);
  });

  it("503 with Retry-After → waits exactly Retry-After before the next SUBSCRIBE", async () => {
    const r = rig();
    r.machine.start();
    r.last().fail(503, { retryAfter: 7 });
    await flush();
    assert.equal(r.machine.state, "backoff");
    mock.timers.tick(6_999);
    assert.equal(r.subs.length, 1);
    mock.timers.tick(1);
    assert.equal(r.subs.length, 2);
  });

  it("no answer → the next contact (contact-backup) at once; all silent → backoff, then the primary again", async () => {
    const r = rig({ contacts: ["sip:127.0.0.1:5070", "sip:127.0.0.1:5072;transport=tcp"] });
    r.machine.start();
    r.last().fail(408, { origin: "timeout" });
    await flush();
    assert.equal(r.subs.length, 2);
    assert.equal(r.last().target, "sip:1001@127.0.0.1:5072;transport=tcp");
    assert.equal(r.machine.snapshot().notifier, "sip:127.0.0.1:5072;transport=tcp");
    r.last().fail(503, { origin: "transport" });
    await flush();
    assert.equal(r.machine.state, "backoff");
    mock.timers.tick(1000);
    assert.equal(r.last().target, "sip:1001@127.0.0.1:5070");
  });

  it("a SUBSCRIBE the stack never settles counts as a timeout after answerTimeoutSeconds → next contact", async () => {
    const r = rig({ contacts: ["sip:127.0.0.1:5070", "sip:127.0.0.1:5072"] });
    r.machine.start();
    mock.timers.tick(39_999);
    assert.equal(r.subs.length, 1);
    mock.timers.tick(1);
    assert.equal(r.subs.length, 2);
    assert.equal(r.last().target, "sip:1001@127.0.0.1:5072");
    assert.match(r.machine.snapshot().lastError ?? "", /no answer within 40 s/);
  });

  it("a refresh the stack never settles → a new SUBSCRIBE", async () => {
    const r = rig();
    const sub = await activate(r);
    mock.timers.tick(3_540_000);
    assert.equal(sub.refreshes.length, 1);
    mock.timers.tick(40_000);
    assert.equal(r.subs.length, 2);
  });

  it("stays on the backup that answered", async () => {
    const r = rig({ contacts: ["sip:127.0.0.1:5070", "sip:127.0.0.1:5072"] });
    r.machine.start();
    r.last().fail(408, { origin: "timeout" });
    await flush();
    r.last().accept(60);
    r.last().notify({ body: "x" });
    await flush();
    mock.timers.tick(30_000);
    assert.equal(r.last().refreshes.length, 1, "refresh goes in the backup's dialog");
  });

  it("backs off exponentially up to the maximum on repeated errors", async () => {
    const r = rig();
    r.machine.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = r.subs.length;
      r.last().fail(500);
      await flush();
      let waited = 0;
      while (r.subs.length === before) {
        mock.timers.tick(500);
        waited += 500;
      }
      delays.push(waited);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 16_000]);
  });

  it("terminated NOTIFY → handler sees it, then a new SUBSCRIBE at once; with retry-after, after it", async () => {
    const r = rig();
    const sub = await activate(r);
    sub.notify({ state: "terminated", reason: "deactivated" });
    await flush();
    assert.equal(r.notifies.at(-1)?.notify.state, "terminated");
    assert.equal(r.subs.length, 2);
    r.last().accept(3600);
    r.last().notify({ body: "x" });
    await flush();
    assert.equal(r.notifies.at(-1)?.first, true, "first NOTIFY of the new dialog");
    r.last().notify({ state: "terminated", reason: "probation", retryAfter: 30 });
    await flush();
    mock.timers.tick(29_999);
    assert.equal(r.subs.length, 2);
    mock.timers.tick(1);
    assert.equal(r.subs.length, 3);
  });

  it("a notifier that terminates every new subscription at once → backoff, not a tight loop", async () => {
    const r = rig();
    const sub = await activate(r);
    sub.notify({ state: "terminated", reason: "deactivated" });
    await flush();
    assert.equal(r.subs.length, 2, "first: at once");
    r.last().accept(3600);
    r.last().notify({ state: "terminated", reason: "deactivated" });
    await flush();
    assert.equal(r.machine.state, "backoff");
    assert.equal(r.subs.length, 2);
  });

  it("terminated with reason rejected / noresource / invariant → only after the longest backoff (RFC 6665 §4.1.3: SHOULD NOT retry)", async () => {
    for (const reason of ["rejected", "noresource", "invariant"]) {
      const r = rig();
      const sub = await activate(r);
      sub.notify({ state: "terminated", reason });
      await flush();
      assert.equal(r.machine.state, "backoff", reason);
      mock.timers.tick(TIMINGS.backoffMaxMs - 1);
      assert.equal(r.subs.length, 1, reason);
      mock.timers.tick(1);
      assert.equal(r.subs.length, 2, reason);
      r.machine.stop();
    }
  });

  it("terminated with reason timeout → a new SUBSCRIBE at once, with no backoff; probation/giveup → later", async () => {
    const r = rig();
    const sub = await activate(r);
    sub.notify({ state: "terminated", reason: "timeout" });
    await flush();
    assert.equal(r.subs.length, 2, "at once");
    assert.match(r.machine.snapshot().lastError ?? "", /terminated the subscription \(reason timeout\)/);
    r.last().accept(3600);
    r.last().notify({ body: "x" });
    await flush();
    for (const reason of ["probation", "giveup"]) {
      const before: number = r.subs.length;
      r.last().notify({ state: "terminated", reason });
      await flush();
      assert.equal(r.machine.state, "backoff", reason);
      assert.equal(r.subs.length, before, `${reason}: not at once`);
      mock.timers.tick(2000);
      assert.equal(r.subs.length, before + 1, `${reason}: after the backoff`);
      r.last().accept(3600);
      r.last().notify({ body: "x" });
      await flush();
    }
  });

  it("481 on refresh, after the stack already ended the dialog (as sip.js does), is logged as a 481, not a timeout", async () => {
    const lines: string[] = [];
    const r = rig({ log: recordingLogger(lines) });
    const sub = await activate(r);
    mock.timers.tick(3_540_000);
    assert.equal(r.machine.state, "refreshing");
    sub.end({ by: "timeout" }); // sip.js terminates the dialog on the 481 before the refresh's answer arrives
    await flush();
    assert.equal(r.subs.length, 1, "the refresh's own answer decides");
    sub.refreshes[0]?.reject(Object.assign(new Error("SIP 481 Call/Transaction Does Not Exist"), { status: 481, origin: "remote" }));
    await flush();
    assert.equal(r.subs.length, 2, "a new SUBSCRIBE at once");
    const lastError = r.machine.snapshot().lastError ?? "";
    assert.match(lastError, /refresh answered SIP 481/);
    assert.doesNotMatch(lastError, /timeout/);
    assert.ok(lines.some((l) => l.includes("refresh answered SIP 481")), lines.join("\n"));
    assert.ok(!lines.some((l) => /subscription lost: .*timeout/.test(l)), lines.join("\n"));
  });

  it("a new SUBSCRIBE unanswered for unansweredAfterMs shows as unanswered; the answer ends it", async () => {
    const r = rig();
    r.machine.start();
    mock.timers.tick(1499);
    assert.equal(r.machine.state, "subscribing");
    mock.timers.tick(1);
    assert.equal(r.machine.state, "unanswered");
    assert.match(r.machine.snapshot().lastError ?? "", /no answer yet after 1500 ms/);
    r.last().accept(3600);
    await flush();
    assert.equal(r.machine.state, "active");
    assert.deepEqual(r.states, ["queued", "subscribing", "unanswered", "active"]);
  });

  it("unanswered goes on to failover and backoff as before (the state only reports)", async () => {
    const r = rig({ contacts: ["sip:127.0.0.1:5070", "sip:127.0.0.1:5072"] });
    r.machine.start();
    mock.timers.tick(1500);
    assert.equal(r.machine.state, "unanswered");
    r.last().end({ by: "timeout" }); // the stack's own end does not decide while subscribing
    r.last().fail(408, { origin: "timeout" });
    await flush();
    assert.equal(r.last().target, "sip:1001@127.0.0.1:5072");
    assert.equal(r.machine.state, "subscribing");
  });

  it("stop() before any NOTIFY: no Expires 0 yet (no dialog); sent once the NOTIFY comes", async () => {
    const r = rig();
    r.machine.start();
    const sub = r.last();
    r.machine.stop();
    assert.equal(sub.unsubscribed, 0);
    sub.accept(3600);
    await flush();
    assert.equal(sub.unsubscribed, 0);
    sub.notify({ body: "x" });
    assert.equal(sub.unsubscribed, 1);
    assert.equal(r.notifies.length, 0, "the NOTIFY of a stopped machine is not handled");
  });

  it("no NOTIFY after an accepted SUBSCRIBE (dead stream) → unsubscribes and subscribes again", async () => {
    const r = rig();
    r.machine.start();
    const sub = r.last();
    sub.accept(3600);
    await flush();
    mock.timers.tick(31_999);
    assert.equal(r.subs.length, 1);
    mock.timers.tick(1);
    await flush();
    assert.equal(sub.unsubscribed, 1);
    assert.equal(r.subs.length, 2);
  });

  it("a notifier that accepts but never NOTIFYs: re-subscribe at once, then back off (no tight loop)", async () => {
    const r = rig();
    r.machine.start();
    r.last().accept(3600);
    await flush();
    mock.timers.tick(32_000);
    assert.equal(r.subs.length, 2, "first loss: at once");
    r.last().accept(3600);
    await flush();
    mock.timers.tick(32_000);
    await flush();
    assert.equal(r.machine.state, "backoff", "second loss in a row: backoff");
    assert.equal(r.subs.length, 2);
    mock.timers.tick(2000);
    assert.equal(r.subs.length, 3);
  });

  it("the stack ending the dialog (timeout/transport) → a new SUBSCRIBE", async () => {
    const r = rig();
    const sub = await activate(r);
    sub.end({ by: "transport" });
    await flush();
    assert.equal(r.subs.length, 2);
  });

  it("stop() unsubscribes, clears timers and ignores late events", async () => {
    const r = rig();
    const sub = await activate(r);
    r.machine.stop();
    assert.equal(sub.unsubscribed, 1);
    assert.equal(r.machine.state, "stopped");
    sub.notify({ body: "late" });
    mock.timers.tick(10_000_000);
    assert.equal(r.notifies.length, 1);
    assert.equal(r.subs.length, 1);
  });

  it("stop({ unsubscribe: false }) (shutdown, stack already stopped) sends nothing", async () => {
    const r = rig();
    const sub = await activate(r);
    r.machine.stop({ unsubscribe: false });
    assert.equal(sub.unsubscribed, 0);
    assert.equal(r.machine.state, "stopped");
  });

  it("a late answer of a given-up SUBSCRIBE is ignored", async () => {
    const r = rig({ contacts: ["sip:127.0.0.1:5070", "sip:127.0.0.1:5072"] });
    r.machine.start();
    const first = r.last();
    first.fail(408, { origin: "timeout" });
    await flush();
    first.notify({ body: "stale" });
    assert.equal(r.notifies.length, 0);
  });
});
