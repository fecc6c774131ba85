/**
 * The media-server plugin against sipp media servers through a real host and SIP stack: the RFC 4240 INVITE is
 * answered and its SDP becomes the treatment; stop() sends BYE; a media server's own BYE resolves `ended`;
 * failover on 503, on a server that rings without answering (CANCEL after answerTimeoutMs) and on one that is
 * not there at all (contact-backup); 404 is the treatment's fault (no failover, no hold-down); an aborted
 * request CANCELs its INVITE, or BYEs a treatment already answered; TCP contacts stay TCP.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { freePort } from "../support/free-port.js";
import { killAllSipp } from "../support/sipp.js";
import { MUSIC, msDn, serversView, settlesWithin, startMediaHost, startMediaServer, treatmentFor, until } from "./support/media-host.js";

after(() => killAllSipp());

describe("media-server plugin with sipp media servers", { timeout: 300_000 }, () => {
  it("answers with the media server's SDP; stop() sends BYE once and never throws; ended stays pending", async (t) => {
    const port = await freePort();
    const ms = await startMediaServer(port, "media-server-uas.xml");
    const host = await startMediaHost({ dns: [msDn("ms1", port)], plugin: { servers: ["ms1"] } });
    t.after(() => host.close());

    const treatment = await treatmentFor(host);
    assert.ok(treatment, "a treatment");
    assert.equal(treatment.server, "ms1");
    assert.equal(treatment.media, MUSIC);
    assert.match(treatment.sdp, /o=mediaserver 4242 7 /);
    assert.match(treatment.sdp, /m=audio \d+ RTP\/AVP 0/);
    assert.deepEqual((await serversView(host)).servers, [{ server: "ms1", active: 1 }]);

    await Promise.all([treatment.stop(), treatment.stop()]);
    await treatment.stop();
    const result = await ms.done;
    assert.equal(result.successful, 1, result.errors);
    assert.equal(result.failed, 0, result.errors);
    assert.equal(await settlesWithin(treatment.ended, 100), false, "ended is for the media server ending it");
    assert.deepEqual((await serversView(host)).servers, [{ server: "ms1", active: 0 }]);
  });

  it("the media server's BYE resolves ended", async (t) => {
    const port = await freePort();
    const ms = await startMediaServer(port, "media-server-uas-bye.xml", { extraArgs: ["-d", "300"] });
    const host = await startMediaHost({ dns: [msDn("ms1", port)] });
    t.after(() => host.close());

    const treatment = await treatmentFor(host);
    assert.ok(treatment);
    assert.equal(treatment.server, "ms1", "default servers: VoipService DNs with service-type media-server");
    assert.equal(await settlesWithin(treatment.ended, 3000), true, "ended resolved");
    await treatment.stop(); // after the media server left: a no-op that does not throw
    const result = await ms.done;
    assert.equal(result.successful, 1, result.errors);
    assert.deepEqual((await serversView(host)).servers, [{ server: "ms1", active: 0 }]);
  });

  it("first server 503 → second answers; the first is held down for the next call", async (t) => {
    const [p1, p2] = [await freePort(), await freePort()];
    const bad = await startMediaServer(p1, "media-server-uas-503.xml");
    const good = await startMediaServer(p2, "media-server-uas.xml", { calls: 2 });
    const host = await startMediaHost({ dns: [msDn("ms1", p1), msDn("ms2", p2)], plugin: { servers: ["ms1", "ms2"] } });
    t.after(() => host.close());

    const first = await treatmentFor(host, { connId: "00000000000000c1" });
    assert.equal(first?.server, "ms2");
    assert.equal((await bad.done).successful, 1, "ms1 got the INVITE and the ACK of its 503");
    let view = await serversView(host);
    assert.equal(view.endpoints[0]?.state, "held-down");
    assert.equal(view.endpoints[0]?.failed, 1);
    assert.match(view.endpoints[0]?.lastFailure?.reason ?? "", /503/);

    const started = Date.now();
    const second = await treatmentFor(host, { connId: "00000000000000c2" });
    assert.equal(second?.server, "ms2");
    assert.ok(Date.now() - started < 1000, "ms1 was skipped, not tried again");
    view = await serversView(host);
    assert.equal(view.endpoints[0]?.failed, 1, "ms1 not tried for the second call");
    assert.deepEqual(view.servers, [{ server: "ms1", active: 0 }, { server: "ms2", active: 2 }]);
    const metrics = (await host.inject({ method: "GET", url: "/api/v1/metrics" })).body;
    assert.match(metrics, /tandem_media_server_treatments_failed_total\{server="ms1",reason="server-error"\} 1\n/);
    assert.match(metrics, /tandem_media_server_treatments_started_total\{server="ms2"\} 2\n/);
    assert.match(metrics, /tandem_media_server_treatments_active\{server="ms2"\} 2\n/);
    assert.match(metrics, /tandem_media_server_endpoint_held_down\{server="ms1",uri="sip:127.0.0.1:\d+"\} 1\n/);

    await Promise.all([first?.stop(), second?.stop()]);
    const result = await good.done;
    assert.equal(result.successful, 2, result.errors);
  });

  it("a server that rings without answering is CANCELled after answerTimeoutMs and the next one answers", async (t) => {
    const [p1, p2] = [await freePort(), await freePort()];
    const ringing = await startMediaServer(p1, "media-server-uas-ring.xml");
    const good = await startMediaServer(p2, "media-server-uas.xml");
    const host = await startMediaHost({ dns: [msDn("ms1", p1), msDn("ms2", p2)], plugin: { servers: ["ms1", "ms2"], answerTimeoutMs: 400 } });
    t.after(() => host.close());

    const started = Date.now();
    const treatment = await treatmentFor(host);
    const elapsed = Date.now() - started;
    assert.equal(treatment?.server, "ms2");
    assert.ok(elapsed >= 400 && elapsed < 2000, `took ${elapsed} ms`);
    const rang = await ringing.done;
    assert.equal(rang.successful, 1, `ms1 saw CANCEL, answered 487, got the ACK: ${rang.errors}`);
    assert.match((await serversView(host)).endpoints[0]?.lastFailure?.reason ?? "", /no answer/);
    await treatment?.stop();
    assert.equal((await good.done).successful, 1);
  });

  it("a server whose 180 comes after answerTimeoutMs still gets its CANCEL (RFC 3261 §9.1); the next one answers", async (t) => {
    const [p1, p2] = [await freePort(), await freePort()];
    const late = await startMediaServer(p1, "media-server-uas-ring.xml", { transport: "t1", extraArgs: ["-d", "700"] });
    const good = await startMediaServer(p2, "media-server-uas.xml");
    const host = await startMediaHost({
      dns: [msDn("ms1", p1, { transport: "tcp" }), msDn("ms2", p2)],
      plugin: { servers: ["ms1", "ms2"], answerTimeoutMs: 300 },
    });
    t.after(() => host.close());

    const treatment = await treatmentFor(host);
    assert.equal(treatment?.server, "ms2");
    const rang = await late.done;
    assert.equal(rang.successful, 1, `ms1 got CANCEL after its late 180: ${rang.errors}`);
    await treatment?.stop();
    assert.equal((await good.done).successful, 1);
  });

  it("a contact nobody listens on fails over to the DN's contact-backup", async (t) => {
    const [dead, backup] = [await freePort(), await freePort()];
    const good = await startMediaServer(backup, "media-server-uas.xml");
    const host = await startMediaHost({ dns: [msDn("ms1", dead, { backups: [backup] })], plugin: { answerTimeoutMs: 1000 } });
    t.after(() => host.close());

    const treatment = await treatmentFor(host);
    assert.equal(treatment?.server, "ms1");
    const view = await serversView(host);
    assert.deepEqual(view.endpoints.map((e) => [e.role, e.state]), [["primary", "held-down"], ["backup", "available"]]);
    await treatment?.stop();
    assert.equal((await good.done).successful, 1);
  });

  it("404 from the media server is the treatment's fault: null, no failover, no hold-down, EventError", async (t) => {
    const [p1, p2] = [await freePort(), await freePort()];
    const refusing = await startMediaServer(p1, "media-server-uas-404.xml");
    const other = await startMediaServer(p2, "media-server-uas.xml", { timeoutS: 2 });
    const host = await startMediaHost({ dns: [msDn("ms1", p1), msDn("ms2", p2)], plugin: { servers: ["ms1", "ms2"] } });
    t.after(() => host.close());

    const error = host.waitForEvent("EventError", (e) => e.connId === "00000000000000d1", 3000);
    assert.equal(await treatmentFor(host, { connId: "00000000000000d1" }), null);
    assert.equal((await error).data["code"], "TANDEM_ERR_MEDIA_REFUSED");
    assert.equal((await refusing.done).successful, 1);
    const view = await serversView(host);
    assert.deepEqual(view.endpoints.map((e) => e.state), ["available", "available"]);
    assert.equal((await other.done).created, 0, "ms2 never got an INVITE");
  });

  it("signal aborted while the INVITE rings: CANCEL reaches the media server (487), null, no hold-down", async (t) => {
    const port = await freePort();
    const ringing = await startMediaServer(port, "media-server-uas-ring.xml");
    const host = await startMediaHost({ dns: [msDn("ms1", port)], plugin: { answerTimeoutMs: 5000 } });
    t.after(() => host.close());

    const controller = new AbortController();
    const pending = treatmentFor(host, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    const aborted = Date.now();
    controller.abort();
    assert.equal(await pending, null);
    assert.ok(Date.now() - aborted < 200, "the hook answers at once");
    const result = await ringing.done;
    assert.equal(result.successful, 1, `CANCEL, 487, ACK: ${result.errors}`);
    assert.equal((await serversView(host)).endpoints[0]?.state, "available");
  });

  it("signal aborted after the answer: BYE at once; TCP contact stays TCP", async (t) => {
    const port = await freePort();
    const ms = await startMediaServer(port, "media-server-uas.xml", { transport: "t1" });
    const host = await startMediaHost({ dns: [msDn("ms1", port, { transport: "tcp" })] });
    t.after(() => host.close());

    const controller = new AbortController();
    const treatment = await treatmentFor(host, { signal: controller.signal });
    assert.ok(treatment);
    controller.abort();
    const result = await ms.done;
    assert.equal(result.successful, 1, `BYE over TCP: ${result.errors}`);
    await until(async () => (await serversView(host)).servers[0]?.active === 0, 2000, "active back to 0");
  });

  it("the sipp media server's Request-URI check bites: another service user makes sipp count the call as failed", async (t) => {
    const port = await freePort();
    const ms = await startMediaServer(port, "media-server-uas.xml", { timeoutS: 3 });
    const host = await startMediaHost({ dns: [msDn("ms1", port)], plugin: { announcementUser: "music", answerTimeoutMs: 1000 } });
    t.after(() => host.close());

    const treatment = await treatmentFor(host);
    await treatment?.stop();
    const result = await ms.done;
    assert.equal(result.failed, 1, "sipp counted the call as failed (regexp check)");
    assert.equal(result.successful, 0);
  });
});
