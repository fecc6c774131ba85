/**
 * Presence against the real DN registry and arbiter (the core's test host), with NOTIFYs scripted through a
 * fake SIP stack so that presence and desktop/admin requests can be interleaved in an exact order:
 * the spec's priority rule in both orders, Tandem-delivered calls vs private calls, and the plugin's config
 * and DN options as the host validates them. (The wire path is proven in presence-sipp.test.ts.)
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { definePlugin, type DnInput } from "@tandem/sdk";
import { createTestHost, type TestHost } from "@tandem/testing";
import presencePlugin, { type PresenceConfig } from "../../plugins/presence/src/index.js";
import { until } from "../support/until.js";
import { FakeSip } from "./support/fake-context.js";

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const OPEN = fixture("open-idle.xml");
const ON_THE_PHONE = fixture("cucm-on-the-phone.xml");
const CLOSED = fixture("closed.xml");
const CLOSED_ON_THE_PHONE = fixture("closed-on-the-phone.xml");
const CUCM: DnInput = { number: "cucm", type: "VoipService", options: { contact: "sip:127.0.0.1:5070", "service-type": "softswitch" } };

interface Rig {
  host: TestHost;
  sip: FakeSip;
  notify(dn: string, body: string): void;
  state(dn: string): Promise<{ state: string; baseState: string; reasonCode?: string; setBy?: string }>;
  events(dn: string): string[];
  desktop(dn: string, request: "Login" | "Logout" | "Ready" | "NotReady", reasonCode?: string): { applied: boolean; code?: string };
}

async function rig(
  t: { after(fn: () => Promise<void>): void },
  dns: DnInput[] = [{ number: "1001", type: "Extension", options: { presence: true } }],
  presence: Record<string, unknown> = {},
): Promise<Rig> {
  const sip = new FakeSip();
  // The real plugin, registered with the real context except for SIP.
  const plugin = definePlugin<PresenceConfig>({
    manifest: presencePlugin.manifest,
    register: (ctx) => presencePlugin.register(Object.create(ctx, { sip: { value: sip } })),
  });
  const host = await createTestHost({ plugins: [plugin], dns: [CUCM, ...dns], config: { plugins: { presence: { enabled: true, ...presence } } } });
  t.after(() => host.close());
  for (const { sub } of sip.subscriptions) sub.accept(3600);
  return {
    host,
    sip,
    notify: (dn, body) => sip.lastFor(dn).notify({ body }),
    state: async (dn) => (await host.inject({ method: "GET", url: `/api/v1/agents/${dn}` })).json(),
    events: (dn) =>
      host
        .events()
        .filter((e) => e.dn === dn && e.name.startsWith("EventAgent"))
        .map((e) => `${e.name}${typeof e.data.reasonCode === "string" ? `(${e.data.reasonCode})` : ""}:${e.source ?? ""}`),
    desktop: (dn, request, reasonCode) => {
      const result = host.dns.requestAgentState({ dn, request, source: "desktop", ...(reasonCode ? { reasonCode } : {}) });
      return { applied: result.applied, ...(result.code ? { code: result.code } : {}) };
    },
  };
}

describe("presence and the desktop: the priority rule (spec, Agent States through SIP Presence and T-Library)", { timeout: 300_000 }, () => {
  it("the first NOTIFY open gives exactly EventAgentLogin then EventAgentReady, from presence", async (t) => {
    const r = await rig(t);
    r.notify("1001", OPEN);
    assert.deepEqual(r.events("1001"), ["EventAgentLogin:presence", "EventAgentReady:presence"]);
    assert.equal((await r.state("1001")).state, "Ready");
  });

  it("desktop NotReady first: presence's idle NOTIFY cannot make the agent Ready; the desktop can", async (t) => {
    const r = await rig(t);
    r.notify("1001", OPEN);
    assert.equal(r.desktop("1001", "NotReady", "break").applied, true);
    r.notify("1001", ON_THE_PHONE); // someone else's NotReady: presence leaves it alone
    r.notify("1001", OPEN);
    const agent = await r.state("1001");
    assert.deepEqual([agent.state, agent.reasonCode, agent.setBy], ["NotReady", "break", "desktop"]);
    const row = (await r.host.inject({ method: "GET", url: "/api/v1/plugins/presence/subscriptions/1001" })).json<{ lastNotify: { requests: string[] } }>();
    assert.deepEqual(row.lastNotify.requests, ["Ready:TANDEM_ERR_AGENT_PRIORITY"]);
    assert.equal(r.desktop("1001", "Ready").applied, true);
    assert.equal((await r.state("1001")).state, "Ready");
  });

  it("presence NotReady first (private call): the desktop's Ready is refused until the call ends", async (t) => {
    const r = await rig(t);
    r.notify("1001", OPEN);
    r.notify("1001", ON_THE_PHONE);
    assert.deepEqual(r.desktop("1001", "Ready"), { applied: false, code: "TANDEM_ERR_AGENT_PRIORITY" });
    // The admin API (source admin) meets the same rule: 409.
    const res = await r.host.inject({ method: "POST", url: "/api/v1/agents/1001/state", payload: { request: "Ready" } });
    assert.equal(res.statusCode, 409);
    assert.equal((await r.state("1001")).reasonCode, "on-the-phone");
    r.notify("1001", OPEN);
    assert.equal((await r.state("1001")).state, "Ready");
    assert.deepEqual(r.events("1001"), [
      "EventAgentLogin:presence",
      "EventAgentReady:presence",
      "EventAgentNotReady(on-the-phone):presence",
      "EventAgentReady:presence",
    ]);
  });

  it("desktop Logout first: presence's open cannot log the agent back in; a desktop Login can", async (t) => {
    const r = await rig(t);
    r.notify("1001", OPEN);
    assert.equal(r.desktop("1001", "Logout").applied, true);
    r.notify("1001", OPEN);
    assert.equal((await r.state("1001")).state, "LoggedOut");
    assert.equal(r.desktop("1001", "Login").applied, true);
    r.notify("1001", OPEN); // NotReady after Login, no block held by anyone: presence makes it Ready
    assert.equal((await r.state("1001")).state, "Ready");
  });

  it("presence Logout first (phone closed): the desktop's Login is refused until the phone is back", async (t) => {
    const r = await rig(t);
    r.notify("1001", OPEN);
    r.notify("1001", CLOSED);
    assert.deepEqual(r.desktop("1001", "Login"), { applied: false, code: "TANDEM_ERR_AGENT_PRIORITY" });
    r.notify("1001", OPEN);
    assert.equal((await r.state("1001")).state, "Ready");
  });

  it("a refused desktop Ready changes nothing: the desktop's Lunch outlives presence's on-the-phone", async (t) => {
    const r = await rig(t);
    r.notify("1001", OPEN);
    r.notify("1001", ON_THE_PHONE); // a private call: presence holds NotReady
    assert.equal(r.desktop("1001", "NotReady", "Lunch").applied, true);
    assert.deepEqual(r.desktop("1001", "Ready"), { applied: false, code: "TANDEM_ERR_AGENT_PRIORITY" });
    const refused = await r.state("1001");
    assert.deepEqual([refused.state, refused.reasonCode, refused.setBy], ["NotReady", "Lunch", "desktop"]);
    r.notify("1001", OPEN); // the private call ends: presence lets go, the desktop's Lunch still holds
    const after = await r.state("1001");
    assert.deepEqual([after.state, after.reasonCode, after.setBy], ["NotReady", "Lunch", "desktop"]);
    assert.equal(r.desktop("1001", "Ready").applied, true, "the desktop's own Ready, nothing else in the way");
    assert.deepEqual(r.events("1001"), [
      "EventAgentLogin:presence",
      "EventAgentReady:presence",
      "EventAgentNotReady(on-the-phone):presence",
      "EventAgentNotReady(Lunch):desktop",
      "EventAgentReady:desktop",
    ]);
  });

  it("presence's NotReady shown over the desktop's falls back to the desktop's when the phone is idle", async (t) => {
    const r = await rig(t);
    r.notify("1001", OPEN);
    r.notify("1001", ON_THE_PHONE);
    assert.equal(r.desktop("1001", "NotReady", "Lunch").applied, true);
    // Presence confirms its own NotReady with a new reason while the desktop holds Lunch: presence shows.
    r.host.dns.requestAgentState({ dn: "1001", request: "NotReady", source: "presence", reasonCode: "on-the-phone" });
    r.notify("1001", OPEN);
    const after = await r.state("1001");
    assert.deepEqual([after.state, after.reasonCode, after.setBy], ["NotReady", "Lunch", "desktop"]);
    assert.equal(r.events("1001").at(-1), "EventAgentNotReady(Lunch):presence", "the NotReady now in force is announced");
  });

  it("an admin force overrides presence's NotReady", async (t) => {
    const r = await rig(t);
    r.notify("1001", OPEN);
    r.notify("1001", ON_THE_PHONE);
    const res = await r.host.inject({ method: "POST", url: "/api/v1/agents/1001/state", payload: { request: "Ready", force: true } });
    assert.equal(res.statusCode, 200);
    assert.equal((await r.state("1001")).state, "Ready");
  });
});

describe("presence and contact-centre calls Tandem delivered", { timeout: 300_000 }, () => {
  it("on-the-phone during a Tandem call keeps the agent Busy; its release does not make it Ready", async (t) => {
    const r = await rig(t);
    r.notify("1001", OPEN);
    r.host.dns.attachCall("1001", "conn-1");
    r.notify("1001", ON_THE_PHONE);
    assert.deepEqual([(await r.state("1001")).state, (await r.state("1001")).baseState], ["Busy", "Ready"]);
    // The call ends; the call model leaves the agent in after-call work.
    r.host.dns.detachCall("1001", "conn-1", { after: "AfterCallWork", source: "calls" });
    r.notify("1001", OPEN); // the phone's release NOTIFY
    const after = await r.state("1001");
    assert.equal(after.state, "NotReady", "presence did not cut the after-call work short");
    assert.ok(!r.events("1001").some((e) => e.startsWith("EventAgentNotReady(on-the-phone)")));
  });

  it("the release NOTIFY arriving after the call ended does not make the agent Ready either", async (t) => {
    const r = await rig(t);
    r.notify("1001", OPEN);
    r.host.dns.attachCall("1001", "conn-2");
    r.notify("1001", ON_THE_PHONE);
    r.host.dns.detachCall("1001", "conn-2", { after: "NotReady", reasonCode: "wrap-up", source: "calls" });
    r.notify("1001", ON_THE_PHONE); // CUCM still says on-the-phone for a moment
    r.notify("1001", OPEN);
    const agent = await r.state("1001");
    assert.deepEqual([agent.state, agent.reasonCode], ["NotReady", "wrap-up"]);
  });

  it("a private call after the Tandem call is a private call again", async (t) => {
    const r = await rig(t);
    r.notify("1001", OPEN);
    r.host.dns.attachCall("1001", "conn-3");
    r.notify("1001", ON_THE_PHONE);
    r.notify("1001", OPEN);
    r.host.dns.detachCall("1001", "conn-3");
    assert.equal((await r.state("1001")).state, "Ready");
    r.notify("1001", ON_THE_PHONE);
    assert.deepEqual([(await r.state("1001")).state, (await r.state("1001")).reasonCode], ["NotReady", "on-the-phone"]);
  });
});

describe("presence config and DN options, validated by the host", { timeout: 300_000 }, () => {
  it("presence-closed-on-the-phone per DN: busy (default) vs logout", async (t) => {
    const r = await rig(t, [
      { number: "1001", type: "Extension", options: { presence: true } },
      { number: "1002", type: "ACDPosition", options: { presence: true, "presence-closed-on-the-phone": "logout" } },
    ]);
    for (const dn of ["1001", "1002"]) {
      r.notify(dn, OPEN);
      r.notify(dn, CLOSED_ON_THE_PHONE);
    }
    assert.deepEqual([(await r.state("1001")).state, (await r.state("1001")).reasonCode], ["NotReady", "on-the-phone"]);
    assert.equal((await r.state("1002")).state, "LoggedOut");
  });

  it("a bad DN option value or plugin option stops the boot with a config error", async () => {
    await assert.rejects(
      createTestHost({
        plugins: [presencePlugin],
        config: {
          dns: [{ number: "1001", type: "Extension", presence: true, "presence-closed-on-the-phone": "maybe" }],
          plugins: { presence: { enabled: true } },
        },
      }),
      /dns\[0\]\.presence-closed-on-the-phone: expected one of "busy", "logout"/,
    );
    await assert.rejects(
      createTestHost({ plugins: [presencePlugin], config: { plugins: { presence: { enabled: true, expires: 5 } } } }),
      /plugins\.presence\.expires: expected a number >= 60/,
    );
  });

  it("config DNs with flat options are watched (contracts' config shape)", async (t) => {
    const sip = new FakeSip();
    const plugin = definePlugin<PresenceConfig>({
      manifest: presencePlugin.manifest,
      register: (ctx) => presencePlugin.register(Object.create(ctx, { sip: { value: sip } })),
    });
    const host = await createTestHost({
      plugins: [plugin],
      config: {
        dns: [
          { number: "1001", type: "Extension", presence: true, "presence-closed-on-the-phone": "logout" },
          { number: "cucm", type: "VoipService", contact: "sip:127.0.0.1:5070", "contact-backup": ["sip:127.0.0.1:5072"], "service-type": "softswitch" },
        ],
        plugins: { presence: { enabled: true, expires: 600 } },
      },
    });
    t.after(() => host.close());
    assert.deepEqual(sip.subscriptions.map((s) => [s.options.target, s.options.expires]), [["sip:1001@127.0.0.1:5070", 600]]);
    const body = (await host.inject({ method: "GET", url: "/api/v1/plugins/presence/subscriptions" })).json<{ notifier: unknown }>();
    assert.deepEqual(body.notifier, { dn: "cucm", contacts: ["sip:127.0.0.1:5070", "sip:127.0.0.1:5072"] });
  });
});

describe("an agent whose phone presence cannot confirm (confirmWithinMs)", { timeout: 300_000 }, () => {
  it("lost subscription, no NOTIFY in time → NotReady presence-unconfirmed; the desktop cannot override; a NOTIFY lifts it", async (t) => {
    const r = await rig(t, undefined, { confirmWithinMs: 200 });
    r.notify("1001", OPEN);
    const lostAt = Date.now();
    r.sip.lastFor("1001").end({ by: "transport" }); // the stack lost the dialog; the re-SUBSCRIBE gets no answer
    await until(async () => (await r.state("1001")).reasonCode === "presence-unconfirmed", 5000, "presence-unconfirmed");
    assert.ok(Date.now() - lostAt >= 190, "not before confirmWithinMs");
    const held = await r.state("1001");
    assert.deepEqual([held.state, held.setBy], ["NotReady", "presence"]);
    assert.deepEqual(r.desktop("1001", "Ready"), { applied: false, code: "TANDEM_ERR_AGENT_PRIORITY" });
    const row = (await r.host.inject({ method: "GET", url: "/api/v1/plugins/presence/subscriptions/1001" })).json<{ confirmed: boolean; overdue: boolean }>();
    assert.deepEqual([row.confirmed, row.overdue], [false, true]);
    const again = r.sip.lastFor("1001");
    again.accept(3600);
    again.notify({ body: OPEN });
    assert.equal((await r.state("1001")).state, "Ready");
    assert.deepEqual(r.events("1001"), [
      "EventAgentLogin:presence",
      "EventAgentReady:presence",
      "EventAgentNotReady(presence-unconfirmed):presence",
      "EventAgentReady:presence",
    ]);
  });

  it("a desktop NotReady set meanwhile stays when presence is confirmed again", async (t) => {
    const r = await rig(t, undefined, { confirmWithinMs: 200 });
    r.notify("1001", OPEN);
    r.sip.lastFor("1001").end({ by: "transport" });
    await until(async () => (await r.state("1001")).reasonCode === "presence-unconfirmed", 5000, "presence-unconfirmed");
    assert.equal(r.desktop("1001", "NotReady", "Lunch").applied, true);
    const again = r.sip.lastFor("1001");
    again.accept(3600);
    again.notify({ body: OPEN });
    const after = await r.state("1001");
    assert.deepEqual([after.state, after.reasonCode, after.setBy], ["NotReady", "Lunch", "desktop"]);
  });

  it("a desktop Login of an agent whose phone is overdue is followed at once by NotReady presence-unconfirmed", async (t) => {
    const r = await rig(t, undefined, { confirmWithinMs: 200 });
    r.notify("1001", OPEN);
    assert.equal(r.desktop("1001", "Logout").applied, true);
    r.sip.lastFor("1001").end({ by: "transport" });
    await until(async () => (await r.host.inject({ method: "GET", url: "/api/v1/plugins/presence/subscriptions/1001" })).json<{ overdue: boolean }>().overdue, 5000, "overdue");
    assert.equal((await r.state("1001")).state, "LoggedOut", "nothing to hold while logged out");
    r.host.dns.requestAgentState({ dn: "1001", request: "Login", source: "desktop", workMode: "AutoIn" });
    await until(async () => (await r.state("1001")).reasonCode === "presence-unconfirmed", 2000, "presence-unconfirmed after the Login");
    assert.deepEqual(r.events("1001").slice(-3), [
      "EventAgentLogin:desktop",
      "EventAgentReady:desktop",
      "EventAgentNotReady(presence-unconfirmed):presence",
    ]);
  });

  it("confirmed in time: nothing changes", async (t) => {
    const r = await rig(t, undefined, { confirmWithinMs: 300 });
    r.notify("1001", OPEN);
    r.sip.lastFor("1001").end({ by: "transport" });
    const again = r.sip.lastFor("1001");
    again.accept(3600);
    again.notify({ body: OPEN });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(r.events("1001"), ["EventAgentLogin:presence", "EventAgentReady:presence"]);
  });
});
