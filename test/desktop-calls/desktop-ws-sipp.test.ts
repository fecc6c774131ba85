/**
 * The whole desktop path: a scripted WebSocket desktop → the desktop plugin → `CALL_CONTROL` (this call
 * model, provided as `core` the way the server wiring does it) → re-INVITEs on real sockets to sipp as the
 * PBX trunk and the agent's phone.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { customerCall } from "../support/sipp-peers.js";
import { AGENT_TOKENS, DesktopClient, startDesktopServer, TOKEN_A, TOKEN_B } from "../desktop/support/desktop-harness.js";
import { sippOk, sleep } from "./support/desktop-rig.js";

test("desktop over WebSocket: hold/retrieve reach the customer's sipp leg; agent B's token cannot touch agent A's call", { timeout: 180_000 }, async (t) => {
  const [sipPort, pbxPort] = [await freePort(), await freePort()];
  // A real SIP stack: the server registers the call model as the `core` provider of CALL_CONTROL itself.
  const server = await startDesktopServer({
    sipPort,
    dns: [{ number: "cucm", type: "Trunk", contact: `sip:127.0.0.1:${pbxPort}` }],
    desktop: { tokens: AGENT_TOKENS },
  });
  t.after(async () => {
    killAllSipp();
    await server.close();
  });
  const wsUrl = server.wsUrl;
  const a = await DesktopClient.connect(wsUrl, TOKEN_A);
  const b = await DesktopClient.connect(wsUrl, TOKEN_B);
  t.after(() => Promise.all([a.close(), b.close()]));
  await a.request({ request: "RequestRegisterAddress", referenceId: "reg", dn: "1001" });
  await b.request({ request: "RequestRegisterAddress", referenceId: "reg", dn: "1002" });

  const phone = runSipp({ scenario: "desktop-agent-hold.xml", localPort: pbxPort, calls: 1, timeoutS: 20 });
  await sleep(200);
  const customer = customerCall(sipPort, "desktop-customer-hold.xml", "1001", { durationMs: 200 });
  const { match: established } = await a.until((m) => m.event === "EventEstablished", 5000);
  const connId = established["connId"];
  assert.equal(typeof connId, "string");
  // `name` names every message, as on the admin API (`GET /events`); `event` repeats it for older desktops.
  assert.deepEqual([established["name"], established["event"]], ["EventEstablished", "EventEstablished"]);

  const refused = await b.request({ request: "RequestHoldCall", referenceId: "steal", dn: "1001", connId });
  assert.equal(refused.at(-1)?.event, "EventError");
  const notParty = await b.request({ request: "RequestHoldCall", referenceId: "steal2", dn: "1002", connId });
  assert.deepEqual([notParty.at(-1)?.event, notParty.at(-1)?.["code"]], ["EventError", "TANDEM_ERR_CALL_CONTROL_NOT_PARTY"]);

  const held = await a.request({ request: "RequestHoldCall", referenceId: "h1", dn: "1001", connId }, (m) => m.event === "EventACK");
  assert.deepEqual(held.map((m) => m.event), ["EventHeld", "EventACK"]);
  assert.deepEqual(held.map((m) => m["name"]), ["EventHeld", "EventACK"]);
  const bogus = await a.request({ request: "RequestAlternateCall", referenceId: "alt", dn: "1001", connId, heldConnId: connId });
  assert.deepEqual([bogus.at(-1)?.event, bogus.at(-1)?.["code"]], ["EventError", "TANDEM_ERR_CALL_CONTROL_UNKNOWN_CALL"]);
  const back = await a.request({ request: "RequestRetrieveCall", referenceId: "r1", dn: "1001", connId }, (m) => m.event === "EventACK");
  assert.deepEqual(back.map((m) => m.event), ["EventRetrieved", "EventACK"]);
  assert.equal(sippOk(await customer), undefined);
  assert.equal(sippOk(await phone), undefined);
  const { match: released } = await a.until((m) => m.event === "EventReleased", 3000);
  assert.equal(released["connId"], connId);
});
