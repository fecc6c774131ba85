/**
 * How presence comes through a notifier that ends subscriptions, goes silent or is gone at start-up, against
 * sipp notifiers: `Subscription-State: terminated` by reason (RFC 6665 §4.1.3), a restart on saved agent state
 * while the PBX is unreachable (early "no answer yet", NotReady `presence-unconfirmed`, recovery), and a DN
 * removed while its first SUBSCRIBE is still being retransmitted (RFC 6665 §4.1.2.3 unsubscribe).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { freePort } from "../support/free-port.js";
import { startPresenceHost } from "./support/presence-host.js";
import { receivedAt, receivedSubscribes, subscribeCallIds } from "./support/sipp-log.js";
import { startSipp, until } from "./support/sipp.js";

describe("Subscription-State: terminated, by reason (RFC 6665 §4.1.3)", { concurrency: true, timeout: 300_000 }, () => {
  for (const reason of ["timeout", "deactivated"]) {
    it(`terminated;reason=${reason} → a new SUBSCRIBE at once; the agent is neither logged out nor in again`, async (t) => {
      const port = await freePort();
      const sipp = startSipp("presence-terminated.xml", { port, transport: "udp", calls: 2, vars: { state: `terminated;reason=${reason}` } });
      t.after(() => sipp.kill());
      const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${port}`] });
      t.after(() => host.close());
      const result = await sipp.exited;
      assert.equal(result.code, 0, `sipp failed:\n${result.errors}`);
      assert.equal(subscribeCallIds(result.messages).length, 2, "a second dialog");
      const terminatedAt = receivedAt(result.messages, "SIP/2.0")[1] ?? 0; // our 200 to the terminated NOTIFY
      const [, second = 0] = receivedAt(result.messages, "SUBSCRIBE");
      assert.ok(second - terminatedAt < 1000, `re-subscribed ${second - terminatedAt} ms after the terminated NOTIFY`);
      await until(async () => (await host.subscriptionsApi()).subscriptions[0]?.lastNotify?.subscriptionState === "active", 5000, "the new dialog's NOTIFY");
      assert.deepEqual(host.agentEvents("1001"), ["EventAgentLogin", "EventAgentReady"], "no Logout and no second Login");
      assert.equal((await host.agentApi("1001")).state, "Ready");
      const row = (await host.subscriptionsApi()).subscriptions[0];
      assert.equal(row?.state, "active");
      assert.match(row?.lastLoss?.why ?? "", new RegExp(`reason ${reason}`));
    });
  }

  it("terminated;reason=probation;retry-after=2 → the next SUBSCRIBE not before 2 s; state kept meanwhile", async (t) => {
    const port = await freePort();
    const sipp = startSipp("presence-terminated.xml", { port, transport: "udp", calls: 2, vars: { state: "terminated;reason=probation;retry-after=2" } });
    t.after(() => sipp.kill());
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${port}`] });
    t.after(() => host.close());
    await until(async () => (await host.subscriptionsApi()).subscriptions[0]?.state === "backoff", 8000, "waiting out retry-after");
    assert.equal((await host.agentApi("1001")).state, "Ready", "kept while waiting");
    const result = await sipp.exited;
    assert.equal(result.code, 0, `sipp failed:\n${result.errors}`);
    const terminatedAt = receivedAt(result.messages, "SIP/2.0")[1] ?? 0;
    const [, second = 0] = receivedAt(result.messages, "SUBSCRIBE");
    assert.ok(second - terminatedAt >= 1950 && second - terminatedAt < 5000, `re-subscribed ${second - terminatedAt} ms after (retry-after 2 s)`);
    assert.deepEqual(host.agentEvents("1001"), ["EventAgentLogin", "EventAgentReady"]);
  });

  it("terminated;reason=noresource (the phone is gone) → Logout at once", async (t) => {
    const port = await freePort();
    const sipp = startSipp("presence-terminated.xml", { port, transport: "udp", vars: { state: "terminated;reason=noresource" } });
    t.after(() => sipp.kill());
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${port}`], presence: { backoffMaxMs: 60_000 } });
    t.after(() => host.close());
    await until(() => host.agentEvents("1001").includes("EventAgentLogout"), 8000, "logout");
    assert.deepEqual(host.agentEvents("1001"), ["EventAgentLogin", "EventAgentReady", "EventAgentLogout"]);
    const result = await sipp.exited;
    assert.equal(result.code, 0, `sipp failed:\n${result.errors}`);
    assert.equal(subscribeCallIds(result.messages).length, 1, "no re-subscribe before the longest backoff");
  });
});

describe("restart while the PBX is unreachable", { timeout: 300_000 }, () => {
  it("saved Ready → no answer yet reported early → NotReady presence-unconfirmed → Ready again once the PBX answers", { timeout: 60_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "presence-restart-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const storagePath = join(dir, "tandem.sqlite");
    const port = await freePort();
    const contacts = [`sip:127.0.0.1:${port}`];
    const presence = { confirmWithinMs: 2000, unansweredAfterMs: 1000 };

    // First life: the PBX answers, the agent is Ready (saved).
    const pbx = startSipp("presence-open.xml", { port, transport: "udp" });
    t.after(() => pbx.kill());
    const first = await startPresenceHost({ contacts, presence, storagePath });
    await until(() => first.agentEvents("1001").includes("EventAgentReady"), 8000, "first life: Ready");
    await first.close();
    pbx.kill();
    await pbx.exited;

    // Second life: the PBX does not answer.
    const silent = startSipp("presence-silent.xml", { port, transport: "udp", timeoutSeconds: 50 });
    t.after(() => silent.kill());
    const startedAt = Date.now();
    const host = await startPresenceHost({ contacts, presence, storagePath });
    t.after(() => host.close());
    assert.equal((await host.agentApi("1001")).state, "Ready", "the saved state, not yet confirmed");

    // Reported as soon as the SUBSCRIBE goes unanswered, long before Timer B/F (32 s).
    await until(async () => (await host.subscriptionsApi()).subscriptions[0]?.state === "unanswered", 5000, "unanswered");
    const early = await host.subscriptionsApi();
    assert.ok(Date.now() - startedAt < 5000);
    assert.equal(early.counts.unanswered, 1);
    assert.equal(early.silence?.notifier, contacts[0]);
    assert.deepEqual([early.startup.failed, early.startup.active], [1, 0], "the start-up summary says so at once");
    assert.ok(early.startup.completedAt);

    // Not confirmed within 2 s: no calls for this agent, and the API and events say why.
    await until(async () => (await host.agentApi("1001")).reasonCode === "presence-unconfirmed", 8000, "presence-unconfirmed");
    const held = await host.agentApi("1001");
    assert.deepEqual([held.state, held.setBy], ["NotReady", "presence"]);
    assert.deepEqual(host.agentEvents("1001"), ["EventAgentNotReady(presence-unconfirmed)"]);
    const row = (await host.subscriptionsApi()).subscriptions[0];
    assert.deepEqual([row?.confirmed, row?.overdue], [false, true]);

    // The PBX comes back: a retransmission of the same SUBSCRIBE reaches it (RFC 3261 §17.1.2.2).
    silent.kill();
    await silent.exited;
    const back = startSipp("presence-open.xml", { port, transport: "udp", timeoutSeconds: 50 });
    t.after(() => back.kill());
    await until(async () => (await host.agentApi("1001")).state === "Ready", 30_000, "Ready after the PBX answers");
    assert.deepEqual(host.agentEvents("1001"), ["EventAgentNotReady(presence-unconfirmed)", "EventAgentReady"]);
    const recovered = await host.subscriptionsApi();
    assert.deepEqual([recovered.startup.active, recovered.startup.failed], [1, 0], "the start-up summary is current");
    assert.ok(recovered.startup.recoveredAt);
    assert.equal(recovered.silence, null);
    assert.deepEqual([recovered.subscriptions[0]?.confirmed, recovered.subscriptions[0]?.state], [true, "active"]);
  });
});

describe("a DN removed while its first SUBSCRIBE is still being retransmitted", { timeout: 300_000 }, () => {
  it("the late 2xx and NOTIFY are followed at once by SUBSCRIBE Expires: 0 (RFC 6665 §4.1.2.3)", async (t) => {
    const port = await freePort();
    const sipp = startSipp("presence-late-accept.xml", { port, transport: "udp" });
    t.after(() => sipp.kill());
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${port}`], dns: [] });
    t.after(() => host.close());
    host.dns.upsert({ number: "1500", type: "Extension", options: { presence: true } });
    await until(async () => (await host.subscriptionsApi()).subscriptions[0]?.state === "subscribing", 3000, "subscribing");
    assert.equal(host.dns.remove("1500"), true);
    assert.deepEqual((await host.subscriptionsApi()).subscriptions, []);
    // sipp passes only if the Expires: 0 SUBSCRIBE came in the dialog its NOTIFY created (its ereg checks).
    const result = await sipp.exited;
    assert.equal(result.code, 0, `sipp failed:\n${result.errors}`);
    const subscribes = receivedSubscribes(result.messages);
    const unsubscribe = subscribes.find((m) => /^Expires:\s*0\s*$/im.test(m));
    assert.ok(unsubscribe, "the notifier received SUBSCRIBE Expires: 0");
    assert.equal(subscribeCallIds(result.messages).length, 1, "in the same dialog");
    assert.deepEqual(host.agentEvents("1500"), [], "the removed DN's NOTIFY changed no agent");
  });
});
