/**
 * Subscription resilience against sipp notifiers: refresh in the dialog, 481 on refresh, 503 with
 * Retry-After, a notifier restart, contact-backup failover (node down, node silent = SUBSCRIBE timeout),
 * and unreadable PIDF bodies.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { freePort } from "../support/free-port.js";
import { startPresenceHost } from "./support/presence-host.js";
import { receivedAt, subscribeCallIds } from "./support/sipp-log.js";
import { startSipp, until } from "./support/sipp.js";

describe("presence subscriptions against sipp notifiers", { concurrency: true, timeout: 300_000 }, () => {
  it("refreshes in the dialog before the (shortened) expiry", async (t) => {
    const port = await freePort();
    const sipp = startSipp("presence-refresh.xml", { port, transport: "udp" });
    t.after(() => sipp.kill());
    const host = await startPresenceHost({
      contacts: [`sip:127.0.0.1:${port}`],
      presence: { backoffMinMs: 60_000, backoffMaxMs: 60_000 },
    });
    t.after(() => host.close());
    await until(() => host.agentEvents("1001").includes("EventAgentReady"), 8000, "login");
    const first = (await host.subscriptionsApi()).subscriptions[0];
    assert.equal(first?.state, "active");
    const result = await sipp.exited;
    // sipp passes only if both refreshes came in the same dialog with Event and Accept (its ereg checks).
    assert.equal(result.code, 0, `sipp failed:\n${result.errors}`);
    const refreshes = receivedAt(result.messages, "SUBSCRIBE");
    assert.equal(refreshes.length, 3);
    assert.equal(subscribeCallIds(result.messages).length, 1, "refreshes stay in the dialog");
    // Granted 4 s, so each refresh comes half-way (2 s), well before expiry.
    for (let i = 1; i < refreshes.length; i++) {
      const gap = (refreshes[i] ?? 0) - (refreshes[i - 1] ?? 0);
      assert.ok(gap >= 1500 && gap < 3900, `refresh after ${gap} ms`);
    }
    assert.deepEqual(host.agentEvents("1001"), ["EventAgentLogin", "EventAgentReady", "EventAgentNotReady(on-the-phone)", "EventAgentLogout"]);
  });

  it("481 on refresh (the notifier lost the dialog) → a new SUBSCRIBE at once, agent state kept", async (t) => {
    const port = await freePort();
    const sipp = startSipp("presence-481.xml", { port, transport: "udp", calls: 2 });
    t.after(() => sipp.kill());
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${port}`] });
    t.after(() => host.close());
    const result = await sipp.exited;
    assert.equal(result.code, 0, `sipp failed:\n${result.errors}`);
    const ids = subscribeCallIds(result.messages);
    assert.ok(ids.length >= 2, "a second dialog after the 481");
    const [reject481, next] = [result.messages.indexOf("SIP/2.0 481"), receivedAt(result.messages, "SUBSCRIBE")];
    assert.ok(reject481 > 0);
    // 1st SUBSCRIBE, refresh (answered 481), new SUBSCRIBE right after, its refresh.
    const gap = (next[2] ?? 0) - (next[1] ?? 0);
    assert.ok(gap < 2000, `re-subscribed ${gap} ms after the 481`);
    // The new dialog's first NOTIFY (open) finds the agent already Ready: no new events.
    assert.deepEqual(host.agentEvents("1001"), ["EventAgentLogin", "EventAgentReady"]);
    // Logged as what happened (sip.js ends the dialog first, which the stack reports as a timeout).
    const why = (await host.subscriptionsApi()).subscriptions[0]?.lastLoss?.why ?? "";
    assert.match(why, /refresh answered SIP 481/);
    assert.doesNotMatch(why, /timeout/);
    assert.equal((await host.agentApi("1001")).state, "Ready");
  });

  it("503 with Retry-After → the next SUBSCRIBE waits Retry-After seconds", async (t) => {
    const port = await freePort();
    const sipp = startSipp("presence-503.xml", { port, transport: "udp", calls: 2 });
    t.after(() => sipp.kill());
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${port}`], presence: { backoffMinMs: 100, backoffMaxMs: 200 } });
    t.after(() => host.close());
    await until(async () => (await host.subscriptionsApi()).subscriptions[0]?.state === "backoff", 8000, "backoff");
    const row = (await host.subscriptionsApi()).subscriptions[0];
    assert.match(row?.lastError ?? "", /503/);
    assert.equal(row?.failures, 1);
    const result = await sipp.exited;
    assert.equal(result.code, 0, `sipp failed:\n${result.errors}`);
    const [a = 0, b = 0] = receivedAt(result.messages, "SUBSCRIBE");
    assert.ok(b - a >= 1950 && b - a < 5000, `second SUBSCRIBE ${b - a} ms after the 503 (Retry-After: 2, backoff would be 100 ms)`);
    assert.deepEqual(host.agentEvents("1001"), []);
    assert.equal((await host.agentApi("1001")).state, "LoggedOut");
  });

  it("notifier restart: the refresh meets a 481, a new dialog follows, the agent stays Ready", async (t) => {
    const port = await freePort();
    const before = startSipp("presence-before-restart.xml", { port, transport: "udp" });
    t.after(() => before.kill());
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${port}`] });
    t.after(() => host.close());
    await until(() => host.agentEvents("1001").includes("EventAgentReady"), 8000, "login");
    before.kill(); // the PBX goes down with every dialog it had
    await before.exited;
    const restartedAt = new Date().toISOString();
    const after = startSipp("presence-after-restart.xml", { port, transport: "udp", calls: 10 });
    t.after(() => after.kill());
    await until(async () => {
      const row = (await host.subscriptionsApi()).subscriptions[0];
      return row?.state === "active" && row.failures === 0 && (row.lastNotifyAt ?? "") > restartedAt;
    }, 10_000, "a fresh active subscription");
    const lost = (await host.subscriptionsApi()).subscriptions[0];
    assert.equal(lost?.lastNotify?.subscriptionState, "active");
    // Wait for one refresh of the new dialog (granted 4 s → refresh at 2 s), to see it is a working dialog.
    await new Promise((r) => setTimeout(r, 3000));
    after.kill();
    const result = await after.exited;
    assert.match(result.messages, /SIP\/2\.0 481/);
    const ids = subscribeCallIds(result.messages);
    assert.equal(ids.length, 2, "the old dialog (481) and one new dialog");
    assert.ok(receivedAt(result.messages, "SUBSCRIBE").length >= 3, "the new dialog was refreshed");
    assert.deepEqual(host.agentEvents("1001"), ["EventAgentLogin", "EventAgentReady"], "no logout across the restart");
  });

  // The stack (2026-11-26) logs a refused TCP connection but never settles the SUBSCRIBE; the plugin's own
  // answer timeout (3 s here, 40 s by default) is what moves it on to the backup.
  it("contact-backup failover: primary node down (TCP refused) → the backup serves", async (t) => {
    const [dead, port] = [await freePort(), await freePort()];
    const sipp = startSipp("presence-open.xml", { port, transport: "tcp" });
    t.after(() => sipp.kill());
    const backup = `sip:127.0.0.1:${port};transport=tcp`;
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${dead};transport=tcp`, backup], presence: { answerTimeoutSeconds: 3 } });
    t.after(() => host.close());
    await until(() => host.agentEvents("1001").includes("EventAgentReady"), 10_000, "login via the backup");
    const row = (await host.subscriptionsApi()).subscriptions[0];
    assert.equal(row?.notifier, backup);
    assert.equal(row?.state, "active");
    assert.deepEqual(host.agentEvents("1001"), ["EventAgentLogin", "EventAgentReady"]);
  });

  it("SUBSCRIBE timeout (silent node, Timer F) → failover to the backup", { timeout: 60_000 }, async (t) => {
    const [silentPort, port] = [await freePort(), await freePort()];
    const silent = startSipp("presence-silent.xml", { port: silentPort, transport: "udp", timeoutSeconds: 50 });
    t.after(() => silent.kill());
    const sipp = startSipp("presence-open.xml", { port, transport: "udp", timeoutSeconds: 50 });
    t.after(() => sipp.kill());
    const backup = `sip:127.0.0.1:${port}`;
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${silentPort}`, backup] });
    t.after(() => host.close());
    await until(async () => (await host.subscriptionsApi()).subscriptions[0]?.state === "subscribing", 3000, "subscribing");
    assert.deepEqual(host.agentEvents("1001"), []);
    // RFC 3261 Timer F = 64·T1 = 32 s before the transaction gives up.
    await until(() => host.agentEvents("1001").includes("EventAgentReady"), 45_000, "login via the backup");
    const row = (await host.subscriptionsApi()).subscriptions[0];
    assert.equal(row?.notifier, backup);
    silent.kill();
    const silentLog = await silent.exited;
    assert.equal(subscribeCallIds(silentLog.messages).length, 1, "the silent node got one SUBSCRIBE (and its retransmissions)");
  });

  it("a notifier that accepts but never NOTIFYs (dead stream) → re-subscribe, then back off", async (t) => {
    const port = await freePort();
    const sipp = startSipp("presence-mute.xml", { port, transport: "udp", calls: 3 });
    t.after(() => sipp.kill());
    const host = await startPresenceHost({
      contacts: [`sip:127.0.0.1:${port}`],
      presence: { notifyTimeoutSeconds: 1, backoffMinMs: 1000, backoffMaxMs: 1000 },
    });
    t.after(() => host.close());
    const result = await sipp.exited;
    assert.equal(result.code, 0, `sipp failed:\n${result.errors}`);
    const [first = 0, second = 0, third = 0] = receivedAt(result.messages, "SUBSCRIBE");
    assert.equal(subscribeCallIds(result.messages).length, 3, "three dialogs");
    assert.ok(second - first >= 950 && second - first < 2500, `first re-subscribe ${second - first} ms after (watchdog 1 s)`);
    assert.ok(third - second >= 1900, `second re-subscribe ${third - second} ms after (watchdog 1 s + backoff 1 s)`);
    const row = (await host.subscriptionsApi()).subscriptions[0];
    assert.ok((row?.failures ?? 0) >= 1);
    assert.match(row?.lastError ?? "", /no NOTIFY/);
    assert.deepEqual(host.agentEvents("1001"), []);
  });

  it("unreadable PIDF bodies leave the agent as it was; the process and the subscription go on", async (t) => {
    const port = await freePort();
    const sipp = startSipp("presence-bad-bodies.xml", { port, transport: "udp" });
    t.after(() => sipp.kill());
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${port}`], presence: { maxBodyBytes: 2048 } });
    t.after(() => host.close());
    const result = await sipp.exited;
    assert.equal(result.code, 0, `sipp failed (a NOTIFY not answered 200?):\n${result.errors}`);
    await until(() => host.agentEvents("1001").includes("EventAgentLogout"), 5000, "the final closed");
    // Login/Ready from the first open, nothing from the five bad bodies, Logout from the good closed.
    assert.deepEqual(host.agentEvents("1001"), ["EventAgentLogin", "EventAgentReady", "EventAgentLogout"]);
    const metrics = await host.inject({ method: "GET", url: "/api/v1/metrics" });
    assert.equal(metrics.statusCode, 200);
    for (const code of ["NOT_XML", "WRONG_NAMESPACE", "BODY_TOO_LARGE", "MISSING_BASIC", "CONTENT_TYPE"]) {
      assert.match(metrics.body, new RegExp(`tandem_presence_parse_failures_total\\{code="TANDEM_ERR_PRESENCE_${code}"\\} 1`), code);
    }
    assert.equal((await host.subscriptionsApi()).subscriptions[0]?.state, "active");
    assert.match(metrics.body, /tandem_presence_subscriptions\{state="active"\} 1/);
    assert.match(metrics.body, /tandem_presence_notifies_total\{result="unreadable"\} 5/);
  });
});
