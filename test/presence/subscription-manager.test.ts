import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import type { DnInput } from "@tandem/sdk";
import { withDefaults } from "../../plugins/presence/src/manifest.js";
import { SubscriptionManager } from "../../plugins/presence/src/subscription-manager.js";
import { fakeContext } from "./support/fake-context.js";
import { flush } from "./support/fake-subscription.js";

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const CUCM: DnInput = { number: "cucm", type: "VoipService", options: { contact: "sip:127.0.0.1:5070", "contact-backup": ["sip:127.0.0.1:5072"], "service-type": "softswitch" } };

function agents(count: number, options: Record<string, unknown> = { presence: true }): DnInput[] {
  return Array.from({ length: count }, (_, i) => ({ number: String(1001 + i), type: "Extension", options }));
}

describe("SubscriptionManager", { timeout: 300_000 }, () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 5_000_000 }));
  afterEach(() => mock.timers.reset());

  it("subscribes only agent DNs marked presence, to the softswitch notifier, with Event/Accept/Expires", () => {
    const ctx = fakeContext([CUCM, ...agents(2), { number: "2001", type: "Extension", options: {} }, { number: "rp", type: "RoutingPoint", options: { presence: true } }]);
    const manager = new SubscriptionManager(ctx, withDefaults({}));
    manager.start();
    assert.deepEqual(ctx.sip.subscriptions.map((s) => s.options), [
      { target: "sip:1001@127.0.0.1:5070", event: "presence", accept: ["application/pidf+xml"], expires: 3600 },
      { target: "sip:1002@127.0.0.1:5070", event: "presence", accept: ["application/pidf+xml"], expires: 3600 },
    ]);
  });

  it("paces start-up at subscribeRate and reports progress", async () => {
    const ctx = fakeContext([CUCM, ...agents(50)]);
    const manager = new SubscriptionManager(ctx, withDefaults({ subscribeRate: 10 }));
    manager.start();
    assert.equal(ctx.sip.subscriptions.length, 1, "one token at once");
    // Node 20's mock clock jumps to the end of a tick before firing, so advance in pacer-sized steps.
    const advance = (ms: number): void => {
      for (let t = 0; t < ms; t += 100) mock.timers.tick(100);
    };
    advance(1000);
    assert.equal(ctx.sip.subscriptions.length, 11, "10/s after the first");
    advance(4000);
    assert.equal(ctx.sip.subscriptions.length, 50);
    for (const { sub } of ctx.sip.subscriptions) sub.accept(3600);
    await flush();
    const { startup, counts } = manager.snapshot();
    assert.equal(startup.active, 50);
    assert.equal(startup.settled, 50);
    assert.ok(startup.completedAt);
    assert.equal(counts.active, 50);
    assert.ok(ctx.log.lines.some((l) => l.includes("start-up done, 50/50 active")));
    manager.stop();
    assert.ok(ctx.sip.subscriptions.every(({ sub }) => sub.unsubscribed === 0), "no requests at shutdown");
    assert.equal(manager.snapshot().counts.active, 0);
  });

  it("turns NOTIFYs into arbiter requests with source presence (private call end to end)", async () => {
    const ctx = fakeContext([CUCM, ...agents(1)]);
    const manager = new SubscriptionManager(ctx, withDefaults({}));
    manager.start();
    const sub = ctx.sip.lastFor("1001");
    sub.accept(3600);
    sub.notify({ body: fixture("open-idle.xml") });
    assert.equal(ctx.dns.agent("1001")?.state, "Ready");
    sub.notify({ body: fixture("cucm-on-the-phone.xml") });
    assert.deepEqual({ ...ctx.dns.agent("1001") }, { ...ctx.dns.agent("1001"), state: "NotReady", reasonCode: "on-the-phone" });
    sub.notify({ body: fixture("open-idle.xml") });
    assert.equal(ctx.dns.agent("1001")?.state, "Ready");
    sub.notify({ body: fixture("closed.xml") });
    assert.equal(ctx.dns.agent("1001")?.state, "LoggedOut");
    assert.deepEqual(ctx.dns.requests.map((r) => `${r.source}:${r.request}`), [
      "presence:Login", "presence:NotReady", "presence:Ready", "presence:Logout",
    ]);
    assert.deepEqual(manager.get("1001")?.lastNotify?.requests, ["Logout:applied"]);
    manager.stop();
  });

  it("stops a plan at the first refusal (Login refused → no Ready)", () => {
    const ctx = fakeContext([CUCM, ...agents(1)]);
    ctx.dns.refuse = (r) => (r.request === "Login" ? "TANDEM_ERR_AGENT_PRIORITY" : undefined);
    const manager = new SubscriptionManager(ctx, withDefaults({}));
    manager.start();
    ctx.sip.lastFor("1001").notify({ body: fixture("open-idle.xml") });
    assert.deepEqual(ctx.dns.requests.map((r) => r.request), ["Login"]);
    assert.deepEqual(manager.get("1001")?.lastNotify?.requests, ["Login:TANDEM_ERR_AGENT_PRIORITY"]);
    assert.equal(ctx.metrics.count("state_requests_total", { request: "Login", result: "refused" }), 1);
  });

  it("bad bodies leave the state unchanged, are logged with the DN and counted", () => {
    const ctx = fakeContext([CUCM, ...agents(1)]);
    const manager = new SubscriptionManager(ctx, withDefaults({ maxBodyBytes: 4096 }));
    manager.start();
    const sub = ctx.sip.lastFor("1001");
    sub.notify({ body: fixture("open-idle.xml") });
    const before = ctx.dns.agent("1001");
    sub.notify({ body: "not xml at all" });
    sub.notify({ body: fixture("wrong-namespace.xml") });
    sub.notify({ body: fixture("missing-basic.xml") });
    sub.notify({ body: `<presence xmlns="urn:ietf:params:xml:ns:pidf">${" ".repeat(5000)}</presence>` });
    sub.notify({ body: fixture("closed.xml"), contentType: "text/plain" });
    assert.deepEqual(ctx.dns.agent("1001"), before);
    for (const code of ["NOT_XML", "WRONG_NAMESPACE", "MISSING_BASIC", "BODY_TOO_LARGE", "CONTENT_TYPE"]) {
      assert.equal(ctx.metrics.count("parse_failures_total", { code: `TANDEM_ERR_PRESENCE_${code}` }), 1, code);
    }
    assert.equal(ctx.log.lines.filter((l) => l.startsWith("warn") && l.includes('"dn":"1001"')).length, 5);
    assert.equal(manager.get("1001")?.lastNotify?.error, "TANDEM_ERR_PRESENCE_CONTENT_TYPE");
  });

  it("honours the per-DN reading of closed + on-the-phone", () => {
    const ctx = fakeContext([
      CUCM,
      { number: "1001", type: "Extension", options: { presence: true } },
      { number: "1002", type: "Extension", options: { presence: true, "presence-closed-on-the-phone": "logout" } },
    ]);
    const manager = new SubscriptionManager(ctx, withDefaults({}));
    manager.start();
    for (const dn of ["1001", "1002"]) {
      ctx.sip.lastFor(dn).notify({ body: fixture("open-idle.xml") });
      ctx.sip.lastFor(dn).notify({ body: fixture("closed-on-the-phone.xml") });
    }
    assert.equal(ctx.dns.agent("1001")?.state, "NotReady");
    assert.equal(ctx.dns.agent("1001")?.reasonCode, "on-the-phone");
    assert.equal(ctx.dns.agent("1002")?.state, "LoggedOut");
  });

  it("terminated;reason=noresource (the phone is gone) logs the agent out; a new SUBSCRIBE only after the longest backoff", async () => {
    const ctx = fakeContext([CUCM, ...agents(1)]);
    const manager = new SubscriptionManager(ctx, withDefaults({ backoffMaxMs: 60_000 }));
    manager.start();
    const sub = ctx.sip.lastFor("1001");
    sub.accept(3600);
    sub.notify({ body: fixture("open-idle.xml") });
    sub.notify({ state: "terminated", reason: "noresource", body: "" });
    assert.equal(ctx.dns.agent("1001")?.state, "LoggedOut");
    await flush();
    assert.equal(manager.get("1001")?.state, "backoff");
    mock.timers.tick(59_999);
    assert.equal(ctx.sip.subscriptions.length, 1);
    mock.timers.tick(1);
    assert.equal(ctx.sip.subscriptions.length, 2);
  });

  it("terminated;reason=timeout keeps the agent's state and re-subscribes at once (RFC 6665 §4.1.3)", async () => {
    const ctx = fakeContext([CUCM, ...agents(1)]);
    const manager = new SubscriptionManager(ctx, withDefaults({}));
    manager.start();
    const sub = ctx.sip.lastFor("1001");
    sub.accept(3600);
    sub.notify({ body: fixture("open-idle.xml") });
    const before = ctx.dns.requests.length;
    sub.notify({ state: "terminated", reason: "timeout", body: "" });
    await flush();
    assert.equal(ctx.sip.subscriptions.length, 2, "a new SUBSCRIBE at once");
    assert.equal(ctx.dns.requests.length, before, "no Logout");
    assert.equal(ctx.dns.agent("1001")?.state, "Ready");
    assert.match(manager.get("1001")?.lastError ?? "", /terminated the subscription \(reason timeout\)/);
    const again = ctx.sip.lastFor("1001");
    again.accept(3600);
    again.notify({ body: fixture("open-idle.xml") });
    assert.equal(ctx.dns.requests.length, before, "no Login either: the agent is Ready already");
  });

  it("DNs added or removed at run time subscribe or unsubscribe at once", async () => {
    const ctx = fakeContext([CUCM, ...agents(1)]);
    const manager = new SubscriptionManager(ctx, withDefaults({}));
    manager.start();
    ctx.dns.upsert({ number: "1500", type: "ACDPosition", options: { presence: true } });
    assert.equal(ctx.sip.lastFor("1500").target, "sip:1500@127.0.0.1:5070");
    const first = ctx.sip.lastFor("1001");
    first.accept(3600);
    first.notify({ body: fixture("open-idle.xml") });
    await flush();
    ctx.dns.remove("1001");
    await flush();
    assert.equal(first.unsubscribed, 1);
    assert.equal(manager.get("1001"), undefined);
    ctx.dns.upsert({ number: "1500", type: "ACDPosition", options: { presence: false } });
    await flush();
    const late = ctx.sip.lastFor("1500");
    assert.equal(late.unsubscribed, 0, "no dialog yet to unsubscribe in");
    late.accept(3600);
    await flush();
    assert.equal(late.unsubscribed, 0, "a 2xx alone makes no dialog (the NOTIFY does, RFC 6665 §4.1.2.4)");
    late.notify({ body: fixture("open-idle.xml") });
    assert.equal(late.unsubscribed, 1, "Expires 0 as soon as the dialog exists");
    late.notify({ body: fixture("open-idle.xml") });
    assert.equal(late.unsubscribed, 1, "once");
    assert.deepEqual(manager.list(), []);
    assert.deepEqual(ctx.dns.requests.filter((r) => r.dn === "1500"), [], "NOTIFYs of a removed DN change no agent");
  });

  it("a removed DN whose SUBSCRIBE is refused or terminated sends nothing more", async () => {
    const ctx = fakeContext([CUCM, ...agents(2)]);
    const manager = new SubscriptionManager(ctx, withDefaults({}));
    manager.start();
    const [refused, ended] = [ctx.sip.lastFor("1001"), ctx.sip.lastFor("1002")];
    ctx.dns.remove("1001");
    ctx.dns.remove("1002");
    refused.fail(404);
    ended.notify({ state: "terminated", reason: "noresource" });
    await flush();
    assert.deepEqual([refused.unsubscribed, ended.unsubscribed], [0, 0]);
    assert.equal(ctx.sip.subscriptions.length, 2);
  });

  it("without a notifier waits, reports the coded error, and starts when a softswitch DN appears", () => {
    const ctx = fakeContext(agents(1));
    const manager = new SubscriptionManager(ctx, withDefaults({}));
    manager.start();
    assert.equal(ctx.sip.subscriptions.length, 0);
    assert.match(manager.snapshot().notifierError ?? "", /no VoipService DN/);
    assert.ok(ctx.log.lines.some((l) => l.includes("TANDEM_ERR_PRESENCE_NO_NOTIFIER")));
    ctx.dns.upsert(CUCM);
    assert.equal(ctx.sip.subscriptions.length, 1);
  });

  it("exposes subscriptions by state through the metrics gauge", () => {
    const ctx = fakeContext([CUCM, ...agents(3)]);
    const manager = new SubscriptionManager(ctx, withDefaults({ subscribeRate: 200 }));
    manager.start();
    const collect = ctx.metrics.gauges.get("subscriptions");
    const values = collect?.();
    assert.ok(Array.isArray(values));
    // 200/s lets 2 go in the first 10 ms; the third waits in the pacer.
    assert.deepEqual(values.find((v) => v.labels.state === "subscribing")?.value, 2);
    assert.deepEqual(values.find((v) => v.labels.state === "queued")?.value, 1);
    assert.equal(manager.snapshot().queued, 1);
  });

  it("an agent unconfirmed for confirmWithinMs after its SUBSCRIBE went out → NotReady presence-unconfirmed, once", async () => {
    const ctx = fakeContext([CUCM, ...agents(1)]);
    ctx.dns.agentsByDn.set("1001", { dn: "1001", state: "Ready", baseState: "Ready", since: "x", calls: [] }); // saved state
    const manager = new SubscriptionManager(ctx, withDefaults({ confirmWithinMs: 5000 }));
    manager.start();
    mock.timers.tick(4999);
    assert.equal(ctx.dns.requests.length, 0);
    assert.equal(manager.get("1001")?.confirmed, false);
    mock.timers.tick(1);
    assert.deepEqual(ctx.dns.requests.map((r) => [r.request, r.reasonCode, r.source]), [["NotReady", "presence-unconfirmed", "presence"]]);
    assert.equal(manager.get("1001")?.overdue, true);
    assert.deepEqual(manager.snapshot().confirmation, { confirmed: 0, unconfirmed: 1, overdue: 1 });
    assert.ok(ctx.log.lines.some((l) => l.includes("TANDEM_ERR_PRESENCE_UNCONFIRMED")));
    mock.timers.tick(60_000);
    assert.equal(ctx.dns.requests.length, 1, "reported once");
    const sub = ctx.sip.lastFor("1001");
    sub.accept(3600);
    sub.notify({ body: fixture("open-idle.xml") });
    assert.deepEqual(ctx.dns.requests.at(-1), { dn: "1001", request: "Ready", source: "presence", withdrawOwnNotReady: true });
    assert.equal(ctx.dns.agent("1001")?.state, "Ready");
    assert.deepEqual(manager.snapshot().confirmation, { confirmed: 1, unconfirmed: 0, overdue: 0 });
  });

  it("the clock starts when the SUBSCRIBE leaves the pacer, not at start-up; a logged-out agent is left alone", () => {
    const ctx = fakeContext([CUCM, ...agents(2)]);
    ctx.dns.agentsByDn.set("1002", { dn: "1002", state: "Ready", baseState: "Ready", since: "x", calls: [] });
    const manager = new SubscriptionManager(ctx, withDefaults({ confirmWithinMs: 1000, subscribeRate: 1 }));
    manager.start();
    assert.equal(ctx.sip.subscriptions.length, 1, "1002 waits in the pacer");
    mock.timers.tick(1000);
    assert.equal(ctx.sip.subscriptions.length, 2);
    assert.equal(ctx.dns.requests.length, 0, "1001 is logged out; 1002's clock has only just started");
    mock.timers.tick(1000);
    assert.deepEqual(ctx.dns.requests.map((r) => r.dn), ["1002"]);
  });

  it("a lost subscription starts the clock; confirmed again in time, nothing is requested", async () => {
    const ctx = fakeContext([CUCM, ...agents(1)]);
    const manager = new SubscriptionManager(ctx, withDefaults({ confirmWithinMs: 3000 }));
    manager.start();
    const sub = ctx.sip.lastFor("1001");
    sub.accept(3600);
    sub.notify({ body: fixture("open-idle.xml") });
    await flush();
    assert.equal(manager.get("1001")?.confirmed, true);
    const before = ctx.dns.requests.length;
    sub.end({ by: "transport" });
    await flush();
    assert.equal(manager.get("1001")?.confirmed, false);
    mock.timers.tick(2999);
    const again = ctx.sip.lastFor("1001");
    again.accept(3600);
    again.notify({ body: fixture("open-idle.xml") });
    mock.timers.tick(10_000);
    assert.equal(ctx.dns.requests.length, before);
  });

  it("confirmWithinMs 0 turns the deadline off", () => {
    const ctx = fakeContext([CUCM, ...agents(1)]);
    ctx.dns.agentsByDn.set("1001", { dn: "1001", state: "Ready", baseState: "Ready", since: "x", calls: [] });
    const manager = new SubscriptionManager(ctx, withDefaults({ confirmWithinMs: 0 }));
    manager.start();
    mock.timers.tick(3_600_000);
    assert.deepEqual(ctx.dns.requests, []);
    assert.equal(manager.get("1001")?.confirmed, false);
  });

  it("a silent notifier is reported after unansweredAfterMs, once for all DNs; start-up settles as failed, then recovers", async () => {
    const ctx = fakeContext([CUCM, ...agents(3)]);
    const manager = new SubscriptionManager(ctx, withDefaults({ unansweredAfterMs: 1500 }));
    manager.start();
    mock.timers.tick(1499);
    assert.equal(manager.snapshot().counts.unanswered, 0);
    mock.timers.tick(1);
    const silent = manager.snapshot();
    assert.equal(silent.counts.unanswered, 3);
    assert.equal(silent.silence?.notifier, "sip:127.0.0.1:5070");
    assert.deepEqual([silent.startup.settled, silent.startup.active, silent.startup.failed], [3, 0, 3]);
    assert.ok(silent.startup.completedAt, "the summary does not wait for Timer F");
    assert.equal(ctx.log.lines.filter((l) => l.includes("no answer yet from notifier")).length, 1, "one line, not one per DN");
    assert.ok(ctx.log.lines.some((l) => l.includes("start-up done, 0/3 active, 3 failed")));
    for (const { sub } of ctx.sip.subscriptions) sub.accept(3600);
    await flush();
    const back = manager.snapshot();
    assert.equal(back.silence, undefined);
    assert.deepEqual([back.startup.active, back.startup.failed], [3, 0]);
    assert.ok(back.startup.recoveredAt);
    assert.ok(ctx.log.lines.some((l) => l.includes("the notifier answers again")));
    assert.ok(ctx.log.lines.some((l) => l.includes("recovered, 3/3 start-up subscriptions active")));
  });
});

