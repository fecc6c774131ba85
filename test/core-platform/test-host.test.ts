/** The test host (@tandem/testing): SIP on demand, recorded events, waitForEvent, admin token, clean close. */
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { test } from "node:test";
import { definePlugin } from "@tandem/sdk";
import { createTestHost } from "@tandem/testing";

const probe = definePlugin({
  manifest: { name: "probe", version: "1.0.0", sdk: "^0.1.0" },
  register(ctx) {
    ctx.http.route({ method: "GET", path: "/uri", handler: () => ({ uri: ctx.sip.localUri("probe") }) });
    ctx.http.route({ method: "POST", path: "/emit", handler: () => ctx.bus.emit("EventUserEvent", { dn: "1001", data: { n: 1 } }) });
  },
});

test("without sip: no sockets, SIP verbs explain how to get them; events are recorded and awaited", { timeout: 180_000 }, async (t) => {
  const host = await createTestHost({ plugins: [probe] });
  t.after(() => host.close());
  assert.deepEqual(host.sipPorts, {});
  assert.match(host.adminToken, /^[0-9a-f]{32}$/);
  const waited = host.waitForEvent("EventUserEvent", (e) => e.dn === "1001");
  const res = await host.inject({ method: "POST", url: "/api/v1/plugins/probe/emit" });
  assert.equal(res.statusCode, 200);
  const event = await waited;
  assert.equal(event.source, "probe");
  assert.deepEqual(host.events("EventUserEvent").map((e) => e.seq), [event.seq]);
  await assert.rejects(host.waitForEvent("EventAgentLogin", undefined, 20), { code: "TANDEM_ERR_TESTHOST_WAIT_TIMEOUT" });
});

test("with sip: UDP and TCP listeners on 127.0.0.1 ephemeral ports that answer", { timeout: 180_000 }, async (t) => {
  const host = await createTestHost({ plugins: [probe], sip: true });
  t.after(() => host.close());
  assert.ok((host.sipPorts.udp ?? 0) > 0 && (host.sipPorts.tcp ?? 0) > 0, JSON.stringify(host.sipPorts));
  const uri = (await host.inject({ method: "GET", url: "/api/v1/plugins/probe/uri" })).json<{ uri: string }>().uri;
  assert.match(uri, /^sip:probe@127\.0\.0\.1/);
  // An OPTIONS to the server gets a response, proving the UDP listener is live.
  const socket = createSocket("udp4");
  t.after(() => socket.close());
  const answer = new Promise<string>((resolve) => socket.once("message", (m) => resolve(m.toString())));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  const { port } = socket.address();
  const options = [
    `OPTIONS sip:127.0.0.1:${host.sipPorts.udp} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-testhost-1;rport`,
    "Max-Forwards: 70",
    `From: <sip:probe@127.0.0.1:${port}>;tag=th1`,
    `To: <sip:127.0.0.1:${host.sipPorts.udp}>`,
    "Call-ID: testhost-options-1",
    "CSeq: 1 OPTIONS",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  socket.send(options, host.sipPorts.udp, "127.0.0.1");
  assert.match(await answer, /^SIP\/2\.0 \d{3} /);
});
