/**
 * The dashboard in headless Chromium against a real Tandem: sign-in (a bad token is refused, nothing admin is
 * served without one), an agent's state following presence NOTIFYs from sipp, a routed call appearing live and
 * its SIP ladder and event timeline, call history filters, and a trunk going out of service when its peer dies.
 * Without the supervision and recording plugins, their controls appear nowhere.
 * `TANDEM_DASHBOARD_SCREENSHOTS=<dir>` saves screenshots of each view there.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { customerCall } from "../support/sipp-peers.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startSipp } from "../presence/support/sipp.js";
import { launchChromium } from "./support/chromium.js";
import { ADMIN_TOKEN, buildDashboard, startDashboardServer } from "./support/dashboard-server.js";

const WAIT = { timeout: 30_000 };

async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.TANDEM_DASHBOARD_SCREENSHOTS;
  if (dir) await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.fill("#token", token);
  await page.click("#sign-in button[type=submit]");
}

const agentRow = (state: string): string => `#agents tr[data-dn="1001"][data-state="${state}"]`;

describe("web dashboard in headless Chromium", { timeout: 300_000 }, () => {
  before(() => buildDashboard());
  after(() => killAllSipp());

  it("serves the shell without a token but no admin data; a bad token gets a sign-in error", async (t) => {
    const d = await startDashboardServer(t);
    const bare = await fetch(`${d.base}/ui`, { redirect: "manual" });
    assert.deepEqual([bare.status, bare.headers.get("location")], [302, "/ui/"]);
    const shell = await fetch(`${d.base}/ui/`);
    assert.equal(shell.status, 200);
    assert.match(await shell.text(), /<script type="module" src="main.js">/);
    assert.match(shell.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.equal((await fetch(`${d.base}/ui/main.js`)).status, 200);
    assert.equal((await fetch(`${d.base}/ui/main.d.ts`)).status, 404, "build output other than scripts stays private");
    for (const path of ["/agents", "/calls", "/calls/history", "/calls/c1/trace", "/trunks", "/events/stream", "/plugins/routing/queues"]) {
      const response = await fetch(`${d.base}/api/v1${path}`);
      assert.equal(response.status, 401, `${path} without a token`);
    }

    const page = await (await launchChromium(t)).newPage();
    await page.goto(`${d.base}/ui/`);
    await page.waitForSelector("#sign-in", WAIT);
    await signIn(page, "not-the-token");
    const error = await page.waitForSelector("#sign-in-error", WAIT);
    assert.match((await error.textContent()) ?? "", /not accepted/);
    assert.equal(await page.evaluate("sessionStorage.length"), 0, "a refused token is not kept");
    assert.equal(await page.locator("#agents").count(), 0);
    await screenshot(page, "sign-in-error");
  });

  it("resumes the event stream after a drop from the last seq it saw (Last-Event-ID), token in the header only; sign-out forgets it", async (t) => {
    const d = await startDashboardServer(t);
    const page = await (await launchChromium(t)).newPage();
    const streams: Array<Record<string, string>> = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/v1/events/stream")) streams.push(request.headers());
    });
    await page.goto(`${d.base}/ui/`);
    await signIn(page, ADMIN_TOKEN);
    await page.waitForSelector('#stream-status[data-status="live"]', WAIT);
    d.server.dns.requestAgentState({ dn: "1001", request: "Login", source: "desktop" });
    await page.waitForSelector(agentRow("NotReady"), WAIT);
    const seen = d.server.bus.lastSeq();
    await page.waitForSelector(`#stream-status[data-seq="${seen}"]`, WAIT);

    // The connection drops (as through a proxy restart); the agent changes while the page is away.
    d.server.admin.app.server.closeAllConnections();
    d.server.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
    await page.waitForSelector('#stream-status[data-status="reconnecting"]', WAIT);
    await page.waitForSelector('#stream-status[data-status="live"]', WAIT);
    await page.waitForSelector(agentRow("Ready"), WAIT);

    assert.ok(streams.length >= 2, `reconnected: ${streams.length} stream requests`);
    assert.equal(streams[0]?.["last-event-id"], undefined, "the first connection starts at the live end");
    assert.equal(streams[streams.length - 1]?.["last-event-id"], String(seen), "the reconnect resumes after the last seq seen");
    for (const headers of streams) assert.equal(headers.authorization, `Bearer ${ADMIN_TOKEN}`);

    await page.click("#sign-out");
    await page.waitForSelector("#sign-in", WAIT);
    assert.equal(await page.evaluate("sessionStorage.length"), 0, "signing out forgets the token");
  });

  it("follows presence, shows a routed call with its SIP ladder and timeline, and a trunk going out of service", async (t) => {
    const d = await startDashboardServer(t);
    const trunk = runSipp({ scenario: "trunk-node-answer.xml", localPort: d.trunkPort, calls: 100_000, timeoutS: 600 });
    const page = await (await launchChromium(t)).newPage();
    await page.goto(`${d.base}/ui/`);
    await signIn(page, ADMIN_TOKEN);
    await page.waitForSelector(agentRow("LoggedOut"), WAIT);
    assert.ok(!page.url().includes(ADMIN_TOKEN), "the token never rides in the URL");
    assert.equal(await page.evaluate("sessionStorage.getItem('tandem.adminToken')"), ADMIN_TOKEN);
    await page.waitForSelector('#stream-status[data-status="live"]', WAIT);
    await page.waitForSelector('#trunks tr[data-trunk="T1"][data-state="in-service"]', WAIT);

    // The PBX's presence NOTIFYs: open (login, Ready), on-the-phone (NotReady) for 8 s, open again (Ready).
    // The first Ready lasts 3 s, too short to insist on under load; the NotReady and the Ready after it must show.
    const notifier = startSipp("dashboard-presence.xml", { port: d.notifierPort, transport: "udp", timeoutSeconds: 600 });
    t.after(() => notifier.kill());
    const busy = await page.waitForSelector(agentRow("NotReady"), WAIT);
    assert.match((await busy.textContent()) ?? "", /on-the-phone/);
    await page.waitForSelector(agentRow("Ready"), WAIT);
    await screenshot(page, "wallboard-ready");

    // A customer call to Routing Point 5000 is routed to 1001 through the trunk; it shows up live.
    const customer = customerCall(d.sipPort, "calls-customer-bye.xml", "5000", { durationMs: 8000, timeoutS: 60 });
    const row = await page.waitForSelector("#calls tr[data-conn]", WAIT);
    const connId = (await row.getAttribute("data-conn")) ?? "";
    await page.waitForSelector(`#calls tr[data-conn="${connId}"] .call-Established`, WAIT);
    await page.waitForSelector(agentRow("Busy"), WAIT);
    assert.match((await page.textContent(`#calls tr[data-conn="${connId}"] .parties`)) ?? "", /customer 5551234.*agent 1001/);
    await screenshot(page, "wallboard-call");
    // Neither the supervision nor the recording plugin is on: their controls appear nowhere.
    assert.equal(await page.locator("#calls a.supervise").count(), 0);
    await page.goto(`${d.base}/ui/#/call/${encodeURIComponent(connId)}`);
    await page.waitForSelector("#timeline", WAIT);
    assert.equal(await page.locator("#supervision, #recordings").count(), 0, "no supervision or recordings panel");
    await page.goto(`${d.base}/ui/#/`);
    const result = await customer;
    assert.equal(result.successful, 1, `customer call failed:\n${result.errors}`);
    await page.waitForSelector(`#calls tr[data-conn="${connId}"]`, { state: "detached", ...WAIT });

    // Its detail: both legs' messages in the ladder, and the event timeline.
    await page.goto(`${d.base}/ui/#/call/${encodeURIComponent(connId)}`);
    await page.waitForSelector("svg.ladder", WAIT);
    const labels = await page.$$eval("svg.ladder .msg", (rows) => rows.map((r) => r.getAttribute("data-label")));
    assert.equal(labels.filter((l) => l === "INVITE").length, 2, `one INVITE per leg: ${labels.join(", ")}`);
    for (const label of ["180 Ringing", "200 OK", "ACK", "BYE"]) assert.ok(labels.includes(label), `${label} in ${labels.join(", ")}`);
    const events = await page.$$eval("#timeline li", (items) => items.map((i) => i.getAttribute("data-event")));
    for (const name of ["EventRouteRequest", "EventEstablished", "EventReleased"]) assert.ok(events.includes(name), `${name} in ${events.join(", ")}`);
    await page.click('svg.ladder .msg[data-label="INVITE"]');
    assert.match((await page.textContent("#sip-message")) ?? "", /INVITE sip:5000@/);
    await screenshot(page, "call-detail");

    // History, filtered by ANI and outcome, links to the same call.
    await page.goto(`${d.base}/ui/#/history`);
    await page.fill('#history-filters input[name="ani"]', "5551234");
    await page.selectOption('#history-filters select[name="outcome"]', "answered");
    await page.click("#history-filters button[type=submit]");
    await page.waitForSelector(`#history-results tr[data-conn="${connId}"]`, WAIT);
    assert.ok(!((await page.textContent("#history-results thead")) ?? "").includes("Recordings"), "no recordings column");
    await screenshot(page, "history");
    await page.fill('#history-filters input[name="ani"]', "nobody");
    await page.click("#history-filters button[type=submit]");
    await page.waitForSelector("#history-results .empty", WAIT);

    // The trunk's peer dies: probes go unanswered and T1 goes out of service on the wallboard.
    await page.goto(`${d.base}/ui/#/`);
    await page.waitForSelector('#trunks tr[data-trunk="T1"][data-state="in-service"]', WAIT);
    killAllSipp();
    await trunk;
    await page.waitForSelector('#trunks tr[data-trunk="T1"][data-state="out-of-service"]', WAIT);
    await screenshot(page, "trunk-down");
  });
});
