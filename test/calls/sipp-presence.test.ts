/**
 * "Agent becomes Ready (presence NOTIFY) → call delivered", end to end: sipp plays CUCM twice —
 * the presence notifier for the agent's DN and the agent's phone on the trunk — and a customer call waits in
 * queue until the presence plugin turns the NOTIFY into Login + Ready and the routing plugin delivers it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { DnInput } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startTestStack } from "../support/test-stack.js";
import presencePlugin from "../../plugins/presence/src/index.js";
import routingPlugin from "../../plugins/routing/src/index.js";
import { createCallsHarness } from "./support/calls-harness.js";
import { registerPlugins } from "./support/plugin-rig.js";
import { sleep } from "./support/sipp-calls.js";

test("queued call delivered when presence makes the agent Ready (routing + presence plugins, real stack)", { timeout: 180_000 }, async (t) => {
  const pbxPort = await freePort();
  const notifierPort = await freePort();
  const dns: DnInput[] = [
    { number: "5000", type: "RoutingPoint", options: { queues: ["sales"] } },
    { number: "1001", type: "Extension", options: { presence: true } },
    { number: "cucm-trunk", type: "Trunk", options: { contact: `sip:127.0.0.1:${pbxPort}` } },
    { number: "cucm", type: "VoipService", options: { contact: `sip:127.0.0.1:${notifierPort}`, "service-type": "softswitch" } },
  ];
  const stack = await startTestStack({ served: dns.map((d) => d.number) });
  const h = createCallsHarness(undefined, { sip: stack.stack.verbs, dns, plugins: [routingPlugin.manifest, presencePlugin.manifest] });
  const plugins = await registerPlugins(h, stack.stack.verbs, [
    { id: "routing", plugin: routingPlugin as never, config: { queues: { sales: { agents: ["1001"] } } } },
    { id: "presence", plugin: presencePlugin as never, config: {} },
  ]);
  t.after(async () => {
    killAllSipp();
    await plugins.close();
    await h.close();
    await stack.stack.stop();
  });
  const phone = runSipp({ scenario: "calls-agent-answer.xml", localPort: pbxPort, calls: 1, timeoutS: 20 });
  const notifier = runSipp({ scenario: "presence-open.xml", localPort: notifierPort, calls: 1, timeoutS: 20 });
  await sleep(200);
  const customer = runSipp({
    scenario: "calls-customer-bye.xml",
    remote: `127.0.0.1:${stack.port}`,
    localPort: await freePort(),
    service: "5000",
    calls: 1,
    timeoutS: 20,
  });
  const queued = await h.waitFor("EventQueued");
  assert.equal(h.dns.agent("1001")?.state, "LoggedOut");
  await plugins.ready();
  const ready = await h.waitFor("EventAgentReady", (e) => e.dn === "1001");
  assert.equal(ready.source, "presence");
  const customerResult = await customer;
  assert.equal(customerResult.successful, 1, customerResult.errors || customerResult.stderr);
  const phoneResult = await phone;
  assert.equal(phoneResult.successful, 1, phoneResult.errors || phoneResult.stderr);
  await sleep(50);
  const names = h.events.filter((e) => e.connId === queued.connId || e.dn === "1001").map((e) => `${e.name}@${e.dn}`);
  assert.deepEqual(names, [
    "EventRouteRequest@5000",
    "EventQueued@5000",
    "EventAgentLogin@1001",
    "EventAgentReady@1001",
    "EventRouteUsed@5000",
    "EventRinging@1001",
    "EventEstablished@1001",
    "EventReleased@1001",
  ]);
  assert.equal(h.model.get(queued.connId ?? "")?.outcome, "answered");
  assert.equal(h.dns.agent("1001")?.state, "Ready");
  // The notifier scenario ends with an unsubscribe the plugin does not send at close: `after` kills it.
  void notifier;
});
