/**
 * Supervision requests from a desktop (HTTP variant of the desktop protocol, `createTestHost`): routed by the
 * desktop plugin to `supervision.control`; a token not marked `supervisor: true` and an agent outside the
 * supervisor's teams are refused with their codes; a supervisor's requests are acknowledged with the monitoring
 * and cause the supervision events on the supervisor's DN.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestHost, type TestHost } from "@tandem/testing";
import desktop from "@tandem/plugin-desktop";
import media from "@tandem/plugin-media";
import mediaEngine from "@tandem/plugin-media-engine";
import supervision from "@tandem/plugin-supervision";
import { assertEventSchema } from "../desktop/support/desktop-harness.js";

const SUPERVISOR_TOKEN = "supervisor-token-0123456789";
const AGENT_TOKEN = "agent-token-0123456789abcd";
let host: TestHost;

before(async () => {
  host = await createTestHost({
    plugins: [desktop as never, media as never, mediaEngine as never, supervision as never],
    config: {
      dns: ["1001", "1002", "1003", "2001"].map((number) => ({ number, type: "Extension" })),
      plugins: {
        desktop: {
          enabled: true,
          tokens: [
            { name: "supervisor", token: SUPERVISOR_TOKEN, dns: ["2001"], supervisor: true },
            { name: "agent", token: AGENT_TOKEN, dns: ["1003"] },
          ],
        },
        media: { enabled: true },
        "media-engine": { enabled: true, workers: 1 },
        supervision: { enabled: true, teams: [{ name: "blue", supervisors: ["2001", "1003"], agents: ["1001"] }] },
      },
    },
  });
  for (const dn of ["1001", "1002"]) host.dns.requestAgentState({ dn, request: "Login", source: "desktop" });
});
after(() => host.close());

async function send(payload: Record<string, unknown>, token: string): Promise<{ status: number; messages: Array<Record<string, unknown>> }> {
  const res = await host.inject({ method: "POST", url: "/api/v1/plugins/desktop/requests", payload, headers: { "content-type": "application/json", authorization: `Bearer ${token}` } });
  const messages = res.json<{ messages: Array<Record<string, unknown>> }>().messages;
  for (const m of messages) assertEventSchema(m);
  return { status: res.statusCode, messages };
}

describe("supervision requests from a desktop", { timeout: 300_000 }, () => {
  it("a token not marked supervisor is refused, even for an agent in the team", async () => {
    const out = await send({ request: "RequestMonitorNextCall", referenceId: "a1", dn: "1003", otherDn: "1001" }, AGENT_TOKEN);
    assert.equal(out.status, 403);
    assert.equal(out.messages[0]?.["code"], "TANDEM_ERR_SUPERVISION_NOT_SUPERVISOR");
    assert.equal(host.events("EventMonitoringNextCall").length, 0);
  });

  it("an agent outside the supervisor's teams is refused", async () => {
    const out = await send({ request: "RequestMonitorNextCall", referenceId: "s0", dn: "2001", otherDn: "1002" }, SUPERVISOR_TOKEN);
    assert.equal(out.status, 403);
    assert.equal(out.messages[0]?.["code"], "TANDEM_ERR_SUPERVISION_OUT_OF_SCOPE");
  });

  it("a supervisor monitors, switches to coach and cancels, each acknowledged with the monitoring and its events", async () => {
    const start = await send({ request: "RequestMonitorNextCall", referenceId: "s1", dn: "2001", otherDn: "1001", monitorType: "all-calls", monitorMode: "mute" }, SUPERVISOR_TOKEN);
    assert.equal(start.status, 200);
    assert.deepEqual(start.messages.map((m) => m["name"]), ["EventMonitoringNextCall", "EventACK"]);
    assert.equal((start.messages[1]?.["monitoring"] as { state?: string }).state, "waiting");
    const coach = await send({ request: "RequestSetMuteOff", referenceId: "s2", dn: "2001", monitorMode: "coach" }, SUPERVISOR_TOKEN);
    assert.deepEqual(coach.messages.map((m) => m["name"]), ["EventPrivateInfo", "EventACK"]);
    assert.equal((coach.messages[0]?.["data"] as Record<string, unknown>)["MonitorMode"], "coach");
    assert.equal((coach.messages[0]?.["data"] as Record<string, unknown>)["privateEventId"], 4024);
    const same = await send({ request: "RequestSetMuteOff", referenceId: "s3", dn: "2001", monitorMode: "coach" }, SUPERVISOR_TOKEN);
    assert.equal(same.messages[0]?.["code"], undefined, "coach again from coach is accepted and changes nothing");
    const cancel = await send({ request: "RequestCancelMonitoring", referenceId: "s4", dn: "2001" }, SUPERVISOR_TOKEN);
    assert.deepEqual(cancel.messages.map((m) => m["name"]), ["EventMonitoringCancelled", "EventACK"]);
  });

  it("the schema asks RequestMonitorNextCall for otherDn, and a token may only act for its own DNs", async () => {
    const missing = await send({ request: "RequestMonitorNextCall", referenceId: "v1", dn: "2001" }, SUPERVISOR_TOKEN);
    assert.equal(missing.messages[0]?.["code"], "TANDEM_ERR_DESKTOP_REQUEST_INVALID");
    const foreign = await send({ request: "RequestSetMuteOn", referenceId: "v2", dn: "1003" }, SUPERVISOR_TOKEN);
    assert.equal(foreign.messages[0]?.["code"], "TANDEM_ERR_DESKTOP_DN_FORBIDDEN");
  });
});
