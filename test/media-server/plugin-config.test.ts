/**
 * The plugin in a real host without SIP: config validation by the manifest's schema, queues without treatment
 * answer null before any SIP is touched, `GET …/servers`, DN changes picked up.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTestHost } from "@tandem/testing";
import { startTreatment, type TreatmentRequest } from "@tandem/sdk";
import mediaServer from "@tandem/plugin-media-server";
import { testSdp } from "../support/test-stack.js";

function host(plugin: Record<string, unknown>, dns: Array<Record<string, unknown>> = []) {
  return createTestHost({ plugins: [mediaServer], config: { dns, plugins: { "media-server": { enabled: true, ...plugin } } } });
}

function request(queue: string): TreatmentRequest {
  return { connId: "0000000000000001", routingPoint: "RP1", queue, dnis: "5000", userData: {}, offer: testSdp(), signal: new AbortController().signal };
}

const MS1 = { number: "ms1", type: "VoipService", "service-type": "media-server", contact: "sip:127.0.0.1:5090;transport=udp" };

describe("media-server plugin config", { timeout: 300_000 }, () => {
  it("rejects bad config at boot: play without scheme, repeat 0, unknown keys, a too short answer timeout, bad probe times", async () => {
    for (const bad of [
      { treatments: { default: { play: "hold.wav" } } },
      { treatments: { default: { play: "http://m/x.wav", repeat: 0 } } },
      { treatments: { queues: { Q1: { play: "http://m/x.wav", loop: true } } } },
      { answerTimeoutMs: 10 },
      { servers: "ms1" },
      { probeIntervalMs: 50 },
      { probeIntervalMs: -1 },
      { probeTimeoutMs: 40_000 },
    ]) {
      await assert.rejects(host(bad), (err: Error & { code?: string }) => typeof err.code === "string" && err.code.startsWith("TANDEM_ERR_"), JSON.stringify(bad));
    }
  });

  it("null for a queue mapped to null and for an unmapped queue without default, without touching SIP", async (t) => {
    const h = await host({ servers: ["ms1"], treatments: { queues: { sales: { play: "http://m/s.wav" }, vip: null } } }, [MS1]);
    t.after(() => h.close());
    assert.equal(await h.hooks.call(startTreatment, request("vip")), null);
    assert.equal(await h.hooks.call(startTreatment, request("support")), null);
    // sales has a treatment, and this host has no SIP stack: the INVITE fails, ms1 is held down, still null.
    assert.equal(await h.hooks.call(startTreatment, request("sales")), null);
    const res = await h.inject({ method: "GET", url: "/api/v1/plugins/media-server/servers" });
    assert.equal(res.statusCode, 200);
    const body = res.json<{ endpoints: Array<{ uri: string; role: string; state: string; failed: number }> }>();
    assert.deepEqual(body.endpoints.map((e) => [e.uri, e.role, e.state, e.failed]), [["sip:127.0.0.1:5090;transport=udp", "primary", "held-down", 1]]);
  });

  it("a media server DN added later (service-type media-server, no servers list) is picked up", async (t) => {
    const h = await host({ treatments: { default: { play: "http://m/d.wav" } } });
    t.after(() => h.close());
    const empty = await h.inject({ method: "GET", url: "/api/v1/plugins/media-server/servers" });
    assert.deepEqual(empty.json(), { servers: [], endpoints: [] });
    h.dns.upsert({ number: "ms9", type: "VoipService", options: { "service-type": "media-server", contact: "sip:127.0.0.1:5099" } });
    const res = await h.inject({ method: "GET", url: "/api/v1/plugins/media-server/servers" });
    assert.deepEqual(res.json<{ servers: unknown[] }>().servers, [{ server: "ms9", active: 0 }]);
  });
});
