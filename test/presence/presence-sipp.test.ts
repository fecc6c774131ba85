/**
 * The presence plugin against sipp playing the PBX: a phone's life over UDP and TCP, with the agent's events
 * and `GET /api/v1/agents/{dn}` checked after every NOTIFY.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { freePort } from "../support/free-port.js";
import { startPresenceHost } from "./support/presence-host.js";
import { startSipp, until } from "./support/sipp.js";

for (const transport of ["udp", "tcp"] as const) {
  describe(`presence over ${transport.toUpperCase()} (sipp as CUCM)`, () => {
    it("open → on-the-phone → open → closed → open → terminated drives the agent as the spec says", async (t) => {
      const port = await freePort();
      const sipp = startSipp("presence-notifier.xml", { port, transport });
      t.after(() => sipp.kill());
      // A long backoff: after the final `terminated;reason=noresource` nothing re-subscribes during the test.
      const host = await startPresenceHost({
        contacts: [`sip:127.0.0.1:${port};transport=${transport}`],
        presence: { backoffMinMs: 60_000, backoffMaxMs: 60_000 },
      });
      t.after(() => host.close());

      const step = async (events: string[], state: string, reasonCode?: string): Promise<void> => {
        await until(() => host.agentEvents("1001").length >= events.length, 8000, `events ${events.join(", ")}`);
        assert.deepEqual(host.agentEvents("1001"), events);
        const agent = await host.agentApi("1001");
        assert.equal(agent.state, state);
        assert.equal(agent.reasonCode, reasonCode);
        if (state !== "LoggedOut") assert.equal(agent.setBy, "presence");
      };
      const login = ["EventAgentLogin", "EventAgentReady"];
      await step(login, "Ready");
      const busy = [...login, "EventAgentNotReady(on-the-phone)"];
      await step(busy, "NotReady", "on-the-phone");
      const back = [...busy, "EventAgentReady"];
      await step(back, "Ready");
      const gone = [...back, "EventAgentLogout"];
      await step(gone, "LoggedOut");
      const again = [...gone, "EventAgentLogin", "EventAgentReady"];
      await step(again, "Ready");
      await step([...again, "EventAgentLogout"], "LoggedOut");

      const result = await sipp.exited;
      assert.equal(result.code, 0, `sipp failed:\n${result.errors}`);
      const body = await host.subscriptionsApi();
      const row = body.subscriptions[0];
      assert.equal(row?.dn, "1001");
      assert.equal(row?.state, "backoff");
      assert.equal(row?.lastNotify?.subscriptionState, "terminated");
      assert.deepEqual(row?.lastNotify?.requests, ["Logout:applied"]);
      // The start-up summary stays current: the DN was active, and is backing off now that the phone is gone.
      assert.deepEqual([body.startup.settled, body.startup.active, body.startup.failed], [1, 0, 1]);
      assert.ok(body.startup.completedAt);
    });
  });
}

describe("DNs added and removed at run time (sipp as CUCM)", { timeout: 300_000 }, () => {
  it("a new presence DN subscribes at once; a removed one unsubscribes (Expires: 0)", async (t) => {
    const port = await freePort();
    const sipp = startSipp("presence-open.xml", { port, transport: "udp", calls: 3 });
    t.after(() => sipp.kill());
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${port}`] });
    t.after(() => host.close());
    await until(() => host.agentEvents("1001").includes("EventAgentReady"), 8000, "1001 logged in");
    host.dns.upsert({ number: "1002", type: "ACDPosition", options: { presence: true } });
    await until(() => host.agentEvents("1002").includes("EventAgentReady"), 8000, "1002 logged in");
    assert.equal((await host.agentApi("1002")).state, "Ready");
    assert.deepEqual((await host.subscriptionsApi()).subscriptions.map((s) => s.dn).sort(), ["1001", "1002"]);
    host.dns.upsert({ number: "1002", type: "ACDPosition", options: { presence: false } });
    await until(async () => (await host.subscriptionsApi()).subscriptions.length === 1, 5000, "1002 unwatched");
    // Let the unsubscribe and the notifier's final NOTIFY go through, then read what sipp saw.
    await new Promise((r) => setTimeout(r, 500));
    sipp.kill();
    const { messages } = await sipp.exited;
    const unsubscribe = messages.split(/-{20,} /).find((m) => /message received[^\n]*\n\s*SUBSCRIBE sip:1002@/.test(m) && /Expires:\s*0\b/.test(m));
    assert.ok(unsubscribe, "an Expires: 0 SUBSCRIBE for 1002 reached the notifier");
    assert.deepEqual(host.agentEvents("1002"), ["EventAgentLogin", "EventAgentReady"], "the final terminated NOTIFY of our own unsubscribe logs nobody out");
  });
});

describe("the priority rule over the wire: sipp NOTIFYs and desktop requests interleaved", { concurrency: true, timeout: 300_000 }, () => {
  const withSource = (host: Awaited<ReturnType<typeof startPresenceHost>>): string[] =>
    host.events().filter((e) => e.dn === "1001" && e.name.startsWith("EventAgent")).map((e) => {
      const reason = typeof e.data.reasonCode === "string" ? `(${e.data.reasonCode})` : "";
      return `${e.name}${reason}:${e.source ?? ""}`;
    });
  const lastRequests = async (host: Awaited<ReturnType<typeof startPresenceHost>>): Promise<string> =>
    JSON.stringify((await host.subscriptionsApi()).subscriptions[0]?.lastNotify?.requests ?? []);

  it("desktop first: NotReady and the later Logout hold against presence's Ready/Login", async (t) => {
    const port = await freePort();
    const sipp = startSipp("presence-priority.xml", { port, transport: "udp" });
    t.after(() => sipp.kill());
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${port}`], presence: { backoffMinMs: 60_000, backoffMaxMs: 60_000 } });
    t.after(() => host.close());
    await until(() => host.agentEvents("1001").length === 2, 8000, "login");
    assert.equal(host.dns.requestAgentState({ dn: "1001", request: "NotReady", reasonCode: "break", source: "desktop" }).applied, true);
    // NOTIFY on-the-phone: someone else's NotReady, left alone. NOTIFY open: presence's Ready is refused.
    await until(async () => (await lastRequests(host)) === '["Ready:TANDEM_ERR_AGENT_PRIORITY"]', 8000, "refused Ready");
    const held = await host.agentApi("1001");
    assert.deepEqual([held.state, held.reasonCode, held.setBy], ["NotReady", "break", "desktop"]);
    // NOTIFY closed: presence's Logout always applies, and then holds against the desktop's Login.
    await until(() => host.agentEvents("1001").includes("EventAgentLogout"), 8000, "logout");
    const login = host.dns.requestAgentState({ dn: "1001", request: "Login", source: "desktop" });
    assert.deepEqual([login.applied, login.code], [false, "TANDEM_ERR_AGENT_PRIORITY"]);
    const result = await sipp.exited;
    assert.equal(result.code, 0, `sipp failed:\n${result.errors}`);
    assert.deepEqual(withSource(host), [
      "EventAgentLogin:presence",
      "EventAgentReady:presence",
      "EventAgentNotReady(break):desktop",
      "EventAgentLogout:presence",
      "EventAgentLogin:presence",
      "EventAgentReady:presence",
      "EventAgentLogout:presence",
    ]);
  });

  it("presence first: the private call's NotReady holds against the desktop's Ready until the phone is idle", async (t) => {
    const port = await freePort();
    const sipp = startSipp("presence-priority.xml", { port, transport: "udp" });
    t.after(() => sipp.kill());
    const host = await startPresenceHost({ contacts: [`sip:127.0.0.1:${port}`], presence: { backoffMinMs: 60_000, backoffMaxMs: 60_000 } });
    t.after(() => host.close());
    await until(() => host.agentEvents("1001").includes("EventAgentNotReady(on-the-phone)"), 8000, "private call");
    const ready = host.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
    assert.deepEqual([ready.applied, ready.code], [false, "TANDEM_ERR_AGENT_PRIORITY"]);
    const admin = await host.inject({ method: "POST", url: "/api/v1/agents/1001/state", payload: { request: "Ready" } });
    assert.equal(admin.statusCode, 409);
    assert.equal((await host.agentApi("1001")).reasonCode, "on-the-phone");
    await until(() => host.agentEvents("1001").length === 4, 8000, "idle again");
    assert.equal((await host.agentApi("1001")).state, "Ready");
    const result = await sipp.exited;
    assert.equal(result.code, 0, `sipp failed:\n${result.errors}`);
    assert.deepEqual(withSource(host).slice(0, 4), [
      "EventAgentLogin:presence",
      "EventAgentReady:presence",
      "EventAgentNotReady(on-the-phone):presence",
      "EventAgentReady:presence",
    ]);
  });
});
