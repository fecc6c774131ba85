/**
 * OPTIONS probing of media servers through a real host and SIP stack, with sipp media servers on 127.0.0.1:
 * a server held down by failed probes comes back as soon as it answers 200, without any call; a server that
 * answers OPTIONS 503 is held down, so the next treatment goes straight to the second server.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { freePort } from "../support/free-port.js";
import { killAllSipp } from "../support/sipp.js";
import { msDn, serversView, startMediaHost, startMediaServer, treatmentFor, until } from "./support/media-host.js";

after(() => killAllSipp());

const PROBING = { probeIntervalMs: 200, probeTimeoutMs: 300, holdDownMs: 60_000 };

describe("media-server OPTIONS probes with sipp", { timeout: 300_000 }, () => {
  it("a server held down by unanswered probes is used again once it answers OPTIONS 200, without any call", async (t) => {
    const port = await freePort();
    const host = await startMediaHost({ dns: [msDn("ms1", port)], plugin: PROBING });
    t.after(() => host.close());

    await until(async () => (await serversView(host)).endpoints[0]?.state === "held-down", 3000, "held down by a probe");
    let row = (await serversView(host)).endpoints[0];
    assert.match(row?.lastProbeResult ?? "", /^(timeout|transport)/);
    assert.match(row?.lastFailure?.reason ?? "", /^OPTIONS /);
    assert.equal(row?.failed, 0, "no INVITE was tried");

    const ms = await startMediaServer(port, "media-server-options.xml", { calls: 2 });
    const upAt = Date.now();
    await until(async () => (await serversView(host)).endpoints[0]?.state === "available", 3000, "brought back by a probe");
    const took = Date.now() - upAt;
    assert.ok(took < 1500, `back after ${took} ms, long before holdDownMs 60000`);
    row = (await serversView(host)).endpoints[0];
    assert.equal(row?.lastProbeResult, "200 OK");
    assert.ok(row?.lastProbeAt, "lastProbeAt set");
    assert.equal(row?.started, 0, "no call was needed");
    const result = await ms.done;
    assert.equal(result.successful, 2, `sipp answered two well-formed OPTIONS: ${result.errors}`);
    assert.equal(result.failed, 0, result.errors);
    const metrics = (await host.inject({ method: "GET", url: "/api/v1/metrics" })).body;
    assert.match(metrics, /tandem_media_server_probes_total\{server="ms1",result="200"\} [1-9]/);
    assert.match(metrics, /tandem_media_server_probes_total\{server="ms1",result="(timeout|transport)"\} [1-9]/);
  });

  it("a server answering OPTIONS 503 is held down: the next treatment goes straight to the second server", async (t) => {
    const [p1, p2] = [await freePort(), await freePort()];
    const overloaded = await startMediaServer(p1, "media-server-options-503.xml", { calls: 1 });
    await startMediaServer(p2, "media-server-uas-probed.xml", { calls: 1000, timeoutS: 20 });
    const host = await startMediaHost({ dns: [msDn("ms1", p1), msDn("ms2", p2)], plugin: { ...PROBING, servers: ["ms1", "ms2"], answerTimeoutMs: 2000 } });
    t.after(() => host.close());

    await until(async () => (await serversView(host)).endpoints[0]?.lastProbeResult === "503 Service Unavailable", 3000, "ms1 answered 503");
    await until(async () => (await serversView(host)).endpoints[1]?.lastProbeResult === "200 OK", 3000, "ms2 answered its probe 200");
    const answered = await overloaded.done;
    assert.equal(answered.successful, 1, `ms1 saw one well-formed OPTIONS: ${answered.errors}`);
    let view = await serversView(host);
    assert.deepEqual(view.endpoints.map((e) => e.state), ["held-down", "available"]);

    const started = Date.now();
    const treatment = await treatmentFor(host);
    const took = Date.now() - started;
    assert.equal(treatment?.server, "ms2");
    assert.match(treatment?.sdp ?? "", /o=mediaserver 4242 7 /);
    assert.ok(took < 500, `no time lost on ms1: ${took} ms`);
    view = await serversView(host);
    assert.equal(view.endpoints[0]?.failed, 0, "ms1 never got the INVITE");
    assert.equal(view.endpoints[1]?.probeFailures, 0, "ms2 answers its probes between calls");
    await treatment?.stop();
    const metrics = (await host.inject({ method: "GET", url: "/api/v1/metrics" })).body;
    assert.match(metrics, /tandem_media_server_probes_total\{server="ms1",result="503"\} 1\n/);
    assert.match(metrics, /tandem_media_server_endpoint_held_down\{server="ms1",uri="sip:127.0.0.1:\d+"\} 1\n/);
  });
});
