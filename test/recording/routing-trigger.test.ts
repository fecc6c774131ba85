/**
 * The routing strategy asks for a recording: user data in its decision (`RouteDecision.userData`) is merged into
 * the call before delivery — EventAttachedDataChanged on the Routing Point, then carried by EventRinging and
 * EventEstablished and kept in the call record — and the recording plugin's trigger rules read it (as they read
 * the DN and queue flags of its config). Call model on fake SIP verbs and the real registry, bus and hooks.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { routeCall } from "@tandem/sdk";
import { RECORDING_DEFAULTS } from "../../plugins/recording/src/manifest.js";
import { asksRecording, triggerOf } from "../../plugins/recording/src/recording-triggers.js";
import { FakeSip } from "../calls/support/fake-sip.js";
import { createCallsHarness, settle } from "../calls/support/calls-harness.js";

const DNS = [
  { number: "5000", type: "RoutingPoint" as const },
  { number: "1001", type: "Extension" as const },
  { number: "cucm", type: "Trunk" as const, options: { contact: "sip:127.0.0.1:5070" } },
];

test("a strategy's decision user data reaches the call's events and record, and triggers a recording", { timeout: 180_000 }, async (t) => {
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS });
  h.hooks.tap(routeCall, () => ({ kind: "agent", dn: "1001", userData: { record: true, campaign: "spring" } }));
  h.ready("1001");
  const invite = await sip.offer({ dn: "5000", ani: "5551234", sdp: "v=0 caller" });
  await settle();
  sip.outbound[0]?.answer("v=0 agent");
  await settle();
  const [call] = h.model.active();
  assert.ok(call);
  const attached = h.events.find((e) => e.name === "EventAttachedDataChanged");
  assert.equal(attached?.dn, "5000");
  assert.deepEqual(attached?.data["changed"], { record: true, campaign: "spring" });
  const established = h.events.find((e) => e.name === "EventEstablished");
  assert.deepEqual(established?.data["userData"], { record: true, campaign: "spring" });
  assert.deepEqual(h.model.get(call.connId)?.userData, { record: true, campaign: "spring" });
  const facts = { agentDn: "1001", dnis: "5000", queue: null, userData: established?.data["userData"] as Record<string, unknown> };
  assert.equal(triggerOf(RECORDING_DEFAULTS, facts), "user-data");
  assert.equal(triggerOf(RECORDING_DEFAULTS, facts, "siprec"), undefined);
  invite.leg?.remoteBye();
  await settle();
});

test("trigger rules: DN before queue before user data; record and siprec apart; what counts as asking", { timeout: 180_000 }, () => {
  const config = { ...RECORDING_DEFAULTS, dns: { "1001": { record: true } }, queues: { "8000": { siprec: true }, "8001": { record: true } } };
  const none = { agentDn: null, dnis: null, queue: null, userData: {} };
  assert.equal(triggerOf(config, { ...none, agentDn: "1001" }), "dn");
  assert.equal(triggerOf(config, { ...none, agentDn: "1001" }, "siprec"), undefined);
  assert.equal(triggerOf(config, { ...none, queue: "8000" }), undefined);
  assert.equal(triggerOf(config, { ...none, queue: "8000" }, "siprec"), "queue");
  assert.equal(triggerOf(config, { ...none, dnis: "8001" }), "queue");
  assert.equal(triggerOf(config, { ...none, userData: { siprec: "yes" } }, "siprec"), "user-data");
  assert.equal(triggerOf(config, { ...none, agentDn: "1002", userData: { record: false } }), undefined);
  for (const yes of [true, 1, "true", "TRUE", "1", "yes", "destination"]) assert.equal(asksRecording(yes), true, String(yes));
  for (const no of [false, 0, "false", "no", "", null, undefined, "disable_destination"]) assert.equal(asksRecording(no), false, String(no));
});
