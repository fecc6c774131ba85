/**
 * The supervision plugin in a real host (`createTestHost`): its admin routes under
 * `/api/v1/plugins/supervision` with their coded refusals and OpenAPI schemas, and the MCU adapter's declared
 * modes deciding whether coach is allowed (an adapter without whisper refuses it, naming itself).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { definePlugin, MCU_ADAPTER, McuErrors, type McuAdapter } from "@tandem/sdk";
import { createTestHost, type TestHost } from "@tandem/testing";
import media from "@tandem/plugin-media";
import supervision from "@tandem/plugin-supervision";

/** An adapter that declares no whisper; it never gets as far as making a room in these tests. */
const noWhisper: McuAdapter = {
  name: "no-whisper",
  capabilities: { codecs: ["PCMU"], modes: ["speak-listen", "listen-only"], telephoneEvents: false, record: null, play: null, limits: { rooms: 10, partiesPerRoom: 4 } },
  health: () => ({ status: "up", rooms: 0, parties: 0 }),
  createRoom: async () => {
    throw McuErrors.down("no-whisper", "test adapter");
  },
  onEvent: () => () => undefined,
};
const noWhisperPlugin = definePlugin({
  manifest: { name: "no-whisper", version: "0.1.0", sdk: "^0.1.0", dependsOn: ["media"], configSchema: { type: "object" } },
  register(ctx) {
    ctx.extensions.provide(MCU_ADAPTER, "no-whisper", noWhisper);
  },
});

const BASE = "/api/v1/plugins/supervision";
let host: TestHost;

before(async () => {
  host = await createTestHost({
    plugins: [media as never, noWhisperPlugin as never, supervision as never],
    config: {
      dns: [
        { number: "1001", type: "Extension" },
        { number: "1002", type: "Extension" },
        { number: "1003", type: "Extension" },
        { number: "2001", type: "Extension" },
      ],
      plugins: {
        media: { enabled: true, adapter: "no-whisper" },
        "no-whisper": { enabled: true },
        supervision: { enabled: true, teams: [{ name: "blue", supervisors: ["2001"], agents: ["1001", "1002"] }] },
      },
    },
  });
  for (const dn of ["1001", "1002", "1003"]) host.dns.requestAgentState({ dn, request: "Login", source: "desktop" });
});
after(() => host.close());

const post = (url: string, payload: unknown) => host.inject({ method: "POST", url: `${BASE}${url}`, payload, headers: { "content-type": "application/json" } });

describe("supervision admin API", { timeout: 300_000 }, () => {
  it("monitors, lists, switches modes and cancels", async () => {
    const started = await post("/monitorings", { supervisorDn: "2001", agentDn: "1001", referenceId: "api-1" });
    assert.equal(started.statusCode, 200, started.body);
    assert.deepEqual(
      (({ since, ...rest }) => rest)(started.json<Record<string, unknown>>()),
      { supervisorDn: "2001", agentDn: "1001", monitorType: "one-call", scope: "call", mode: "mute", state: "waiting" },
    );
    assert.deepEqual(host.events("EventMonitoringNextCall").map((e) => [e.dn, e.referenceId, e.source]), [["2001", "api-1", "admin"], ["1001", "api-1", "admin"]]);
    const listed = await host.inject({ method: "GET", url: `${BASE}/monitorings` });
    assert.deepEqual(listed.json<{ monitorings: Array<{ agentDn: string }> }>().monitorings.map((m) => m.agentDn), ["1001"]);

    const connect = await post("/monitorings/2001/mute-off", {});
    assert.equal(connect.json<{ mode: string }>().mode, "connect");
    assert.equal(host.events("EventPrivateInfo").at(-1)?.data["MonitorMode"], "connect");
    const mute = await post("/monitorings/2001/mute-on", {});
    assert.equal(mute.json<{ mode: string }>().mode, "mute");

    const again = await post("/monitorings", { supervisorDn: "2001", agentDn: "1002" });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_SUPERVISION_SUPERVISOR_BUSY");

    const cancelled = await host.inject({ method: "DELETE", url: `${BASE}/monitorings/2001` });
    assert.equal(cancelled.statusCode, 204);
    assert.equal(host.events("EventMonitoringCancelled").length, 2);
    const none = await host.inject({ method: "DELETE", url: `${BASE}/monitorings/2001` });
    assert.equal(none.statusCode, 404);
    assert.equal(none.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_SUPERVISION_NOT_MONITORING");
  });

  it("refuses an agent out of the supervisor's teams (403) and coach on an adapter without whisper (501, naming it)", async () => {
    const out = await post("/monitorings", { supervisorDn: "2001", agentDn: "1003" });
    assert.equal(out.statusCode, 403);
    assert.equal(out.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_SUPERVISION_OUT_OF_SCOPE");
    const coach = await post("/monitorings", { supervisorDn: "2001", agentDn: "1001", mode: "coach" });
    assert.equal(coach.statusCode, 501);
    assert.equal(coach.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_SUPERVISION_MODE_UNSUPPORTED");
    assert.match(coach.json<{ error: { message: string } }>().error.message, /no-whisper/);
    assert.equal((await host.inject({ method: "GET", url: `${BASE}/monitorings` })).json<{ monitorings: unknown[] }>().monitorings.length, 0);
  });

  it("rejects bad input with 400 and publishes the routes with their schemas in the OpenAPI document", async () => {
    assert.equal((await post("/monitorings", { supervisorDn: "2001" })).statusCode, 400);
    assert.equal((await post("/monitorings", { supervisorDn: "2001", agentDn: "1001", mode: "shout" })).statusCode, 400);
    const doc = (await host.inject({ method: "GET", url: "/docs/json" })).json<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
    assert.ok(doc.paths[`${BASE}/monitorings`]?.["post"]?.requestBody, "POST /monitorings has its body schema");
    assert.ok(doc.paths[`${BASE}/monitorings/{supervisorDn}`]?.["delete"]);
    assert.ok(doc.paths[`${BASE}/monitorings/{supervisorDn}/mute-off`]?.["post"]);
  });
});
