/**
 * The dashboard's recording and supervision controls in headless Chromium against a real Tandem with the embedded
 * media engine: a customer (sipp caller with an RTP test party) routed to agent 1001 (a sipp party phone); on the
 * call's page the supervision buttons start a monitoring whose supervisor phone (another sipp party phone) joins
 * the call, switch its mode and cancel it through the supervision plugin's API; a join that fails later (EventError)
 * and a refused request show their codes; the call is recorded (admin API start and stop), its page following the
 * recording until complete, and the recording shows in history with its metadata and plays in an `<audio>` element
 * from bytes fetched with the token in the header (the same bytes as the file: size and SHA-256), and downloads.
 * The supervision plugin's own tests prove the audio of each mode.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { killAllSipp } from "../support/sipp.js";
import { sleep } from "../support/sleep.js";
import { until } from "../support/until.js";
import { startPartyPhone } from "../conferencing/support/party-phone.js";
import { callIn } from "../supervision/support/caller-phone.js";
import { portRange } from "../media-engine/engine-fixture.js";
import { launchChromium } from "./support/chromium.js";
import { ADMIN_TOKEN, buildDashboard, startMediaDashboardServer } from "./support/dashboard-server.js";

const WAIT = { timeout: 30_000 };

interface RecordingRow {
  id: string;
  connId: string;
  status: string;
  file: string;
  sizeBytes: number | null;
  sha256: string | null;
  durationMs: number | null;
}

interface MonitoringRow {
  supervisorDn: string;
  agentDn: string;
  mode: string;
  state: string;
}

async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.TANDEM_DASHBOARD_SCREENSHOTS;
  if (dir) await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

describe("dashboard recording playback and supervision controls", { timeout: 300_000 }, () => {
  before(() => buildDashboard());
  after(() => killAllSipp());

  it("supervises the call in progress from its page, then plays its recording from history", async (t) => {
    const agentPhone = await startPartyPhone(1100, "phone.xml", 120);
    t.after(() => agentPhone.close());
    const supervisorPhone = await startPartyPhone(700, "phone.xml", 120);
    t.after(() => supervisorPhone.close());
    const d = await startMediaDashboardServer(t, { agent: agentPhone.sipPort, supervisor: supervisorPhone.sipPort }, await portRange(24));
    const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${d.base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
      return (await response.json()) as T;
    };
    d.server.dns.requestAgentState({ dn: "1001", request: "Login", source: "desktop" });
    d.server.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
    const monitorings = async (): Promise<MonitoringRow[]> => (await api<{ monitorings: MonitoringRow[] }>("GET", "/plugins/supervision/monitorings")).monitorings;

    const page = await (await launchChromium(t)).newPage();
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await page.goto(`${d.base}/ui/`);
    await page.fill("#token", ADMIN_TOKEN);
    await page.click("#sign-in button[type=submit]");
    await page.waitForSelector('#stream-status[data-status="live"]', WAIT);
    await page.waitForSelector('#system tr[data-plugin="supervision"]', WAIT);

    const customer = await callIn({ port: d.sipPort, service: "5000" }, 400, 120);
    t.after(() => customer.close());
    const row = await page.waitForSelector("#calls tr[data-conn]", WAIT);
    const connId = (await row.getAttribute("data-conn")) ?? "";
    await page.waitForSelector(`#calls tr[data-conn="${connId}"] .call-Established`, WAIT);

    // Supervision on the call's page (linked from the wallboard): Monitor for supervisor 1002 (remembered in
    // sessionStorage); its phone is rung and joins the call, and the page follows the monitoring to active.
    await page.click(`#calls tr[data-conn="${connId}"] a.supervise`);
    await page.waitForSelector("#supervision button[data-mode=mute]", WAIT);
    assert.equal(await page.locator("#supervision button[data-mode]").count(), 3, "monitor, coach and barge");
    await page.fill("#supervisor-dn", "1002");
    await page.click("#supervision button[data-mode=mute]");
    await page.waitForSelector('#monitorings tr[data-supervisor="1002"][data-mode="mute"][data-state="active"]', WAIT);
    assert.deepEqual((await monitorings()).map((m) => `${m.supervisorDn}>${m.agentDn}:${m.mode}:${m.state}`), ["1002>1001:mute:active"]);
    assert.equal(await page.evaluate("sessionStorage.getItem('tandem.supervisorDn')"), "1002");
    await screenshot(page, "supervision-monitoring");

    // Switching modes on it: mute → coach (RequestSetMuteOff with coach), coach → barge (RequestSetMuteOff), then cancel:
    // the supervisor's phone gets its BYE.
    await page.click("#supervision button[data-switch=coach]");
    await page.waitForSelector('#monitorings tr[data-supervisor="1002"][data-mode="coach"]', WAIT);
    await page.click("#supervision button[data-switch=connect]");
    await page.waitForSelector('#monitorings tr[data-supervisor="1002"][data-mode="connect"]', WAIT);
    assert.deepEqual((await monitorings()).map((m) => m.mode), ["connect"]);
    await page.click("#supervision button[data-action=cancel]");
    await page.waitForSelector("#supervision button[data-mode=mute]", WAIT);
    assert.deepEqual(await monitorings(), []);
    assert.equal((await supervisorPhone.sipp).successful, 1, "the supervisor's phone was called and released");

    // A join that fails once accepted (the supervisor's phone is gone now and never answers within the ring time)
    // shows the code of the EventError sent to the supervisor's DN.
    await page.click("#supervision button[data-mode=coach]");
    const failed = await page.waitForSelector('#supervision-outcome[data-code="TANDEM_ERR_CALL_CONTROL_SIP_FAILED"]', WAIT);
    assert.match((await failed.textContent()) ?? "", /1002: no-answer/);
    await until(async () => (await monitorings()).length === 0, 15_000, "the failed monitoring to end");

    // A supervisor outside the agent's teams is refused, and the page says so with the code.
    await page.fill("#supervisor-dn", "1003");
    await page.click("#supervision button[data-mode=connect]");
    const refused = await page.waitForSelector('#supervision-outcome[data-code="TANDEM_ERR_SUPERVISION_OUT_OF_SCOPE"]', WAIT);
    assert.match((await refused.textContent()) ?? "", /TANDEM_ERR_SUPERVISION_OUT_OF_SCOPE: .*1003.*1001/);
    assert.deepEqual(await monitorings(), []);
    await screenshot(page, "supervision-refused");

    // The call is recorded for a few seconds, paused for one (admin API, as a tool would).
    await api("POST", `/plugins/recording/calls/${encodeURIComponent(connId)}/recording/start`, {});
    // The call's page, still open, follows it: being written, then complete.
    await page.waitForSelector('#recordings li[data-recording][data-status="recording"]', WAIT);
    await sleep(1500);
    await api("POST", `/plugins/recording/calls/${encodeURIComponent(connId)}/recording/pause`, {});
    await sleep(1000);
    await api("POST", `/plugins/recording/calls/${encodeURIComponent(connId)}/recording/resume`, {});
    await sleep(1500);
    await api("POST", `/plugins/recording/calls/${encodeURIComponent(connId)}/recording/stop`, {});
    let recording: RecordingRow | undefined;
    await until(async () => {
      await sleep(100);
      recording = (await api<{ recordings: RecordingRow[] }>("GET", `/plugins/recording/recordings?connId=${encodeURIComponent(connId)}`)).recordings[0];
      return recording?.status === "complete";
    }, 15_000, "the recording to be complete");
    assert.ok(recording && recording.sizeBytes !== null && recording.sha256 !== null && recording.durationMs !== null);
    const file = readFileSync(join(d.recordingFolder, recording.file));
    await page.waitForSelector(`#recordings li[data-recording="${recording.id}"][data-status="complete"] button.play`, WAIT);

    // History lists the call with its recording; opening it shows the metadata and plays the bytes.
    await page.goto(`${d.base}/ui/#/history`);
    await page.click(`#history-results tr[data-conn="${connId}"] .recordings-toggle`);
    const item = `#history-results tr[data-recordings-of="${connId}"] li[data-recording="${recording.id}"]`;
    await page.waitForSelector(item, WAIT);
    assert.equal(await page.textContent(`${item} dd[data-fact="sha-256"]`), recording.sha256);
    assert.match((await page.textContent(`${item} dd[data-fact="pauses"]`)) ?? "", /^1 \(0:0[01]\)/);
    assert.equal(await page.textContent(`${item} dd[data-fact="duration"]`), `0:${String(Math.floor(recording.durationMs / 1000)).padStart(2, "0")}`);
    // The bytes the page receives, seen on their way (playwright passes the request on as the page made it).
    let fetched: Buffer | undefined;
    let headers: Record<string, string> = {};
    let url = "";
    await page.route("**/api/v1/plugins/recording/recordings/*/audio", async (route) => {
      ({ url } = { url: route.request().url() });
      headers = route.request().headers();
      const response = await route.fetch();
      fetched = await response.body();
      await route.fulfill({ response, body: fetched });
    });
    await page.click(`${item} button.play`);
    await until(() => fetched !== undefined, 30_000, "the recording's bytes");
    assert.ok(fetched);
    assert.equal(headers.authorization, `Bearer ${ADMIN_TOKEN}`, "the token rides in the header");
    assert.ok(url.endsWith(`/recordings/${recording.id}/audio`) && !url.includes(ADMIN_TOKEN), `never in the URL: ${url}`);
    assert.equal(fetched.length, recording.sizeBytes);
    assert.equal(fetched.length, file.length);
    assert.equal(createHash("sha256").update(fetched).digest("hex"), recording.sha256);
    assert.equal(createHash("sha256").update(file).digest("hex"), recording.sha256);

    // The <audio> element loads it: a blob: source, a finite duration as long as the recording.
    interface AudioState { src: string; duration: number; bytes: string | undefined; error: string | null }
    const audioState = (): Promise<AudioState> =>
      page.locator(`${item} audio`).evaluate((element) => {
        const a = element as unknown as { src: string; duration: number; dataset: Record<string, string | undefined>; error: { message: string } | null };
        return { src: a.src, duration: a.duration, bytes: a.dataset["bytes"], error: a.error?.message ?? null };
      });
    let played: AudioState | undefined;
    await until(async () => {
      await sleep(100);
      played = await audioState();
      return Number.isFinite(played.duration) && played.duration > 0;
    }, 30_000, "the audio element to load the recording");
    assert.ok(played);
    assert.match(played.src, /^blob:/);
    assert.equal(played.error, null);
    assert.equal(played.bytes, String(recording.sizeBytes));
    assert.ok(Math.abs(played.duration * 1000 - recording.durationMs) < 1000, `audio ${played.duration} s, recording ${recording.durationMs} ms`);
    await screenshot(page, "history-recording");

    // Download saves the same bytes under the recording's file name.
    const [download] = await Promise.all([page.waitForEvent("download", WAIT), page.click(`${item} button.download`)]);
    assert.equal(download.suggestedFilename(), recording.file);
    assert.equal(createHash("sha256").update(readFileSync(await download.path())).digest("hex"), recording.sha256);

    // The call's own page lists it too; supervision is offered while the call is in progress.
    await page.goto(`${d.base}/ui/#/call/${encodeURIComponent(connId)}`);
    await page.waitForSelector(`#recordings li[data-recording="${recording.id}"]`, WAIT);
    await screenshot(page, "call-detail-plugins");
    assert.deepEqual(consoleErrors.filter((e) => !/status of 4\d\d/.test(e)), [], "no script errors");
  });
});
