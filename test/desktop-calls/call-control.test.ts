/**
 * Call-control refusals and bookkeeping on the fake SIP verbs (no sockets): every refused request is a coded
 * error and leaves the call as it was. The SIP itself is proven against sipp in sipp-call-control.test.ts.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { CALL_CONTROL, DEFAULT_CALL_CONTROL } from "@tandem/sdk";
import { FakeSip } from "../calls/support/fake-sip.js";
import { createCallsHarness, settle } from "../calls/support/calls-harness.js";
import { ExtensionRegistry } from "../../core/src/plugins/extension-registry.js";
import { provideCallControl } from "../../core/src/calls/control/create-call-control.js";
import { testSdp } from "../support/test-stack.js";

const DNS = [
  { number: "1001", type: "Extension" as const },
  { number: "1002", type: "Extension" as const },
  { number: "5000", type: "RoutingPoint" as const },
  { number: "cucm", type: "Trunk" as const, options: { contact: "sip:127.0.0.1:5070" } },
];

async function establishedCall(t: TestContext) {
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS });
  await sip.offer({ dn: "1001", sdp: testSdp() });
  await settle();
  sip.outbound[0]?.answer();
  const established = await h.waitFor("EventEstablished");
  return { sip, h, connId: established.connId ?? "", cc: h.model.callControl };
}

test("refusals are coded and change nothing", { timeout: 180_000 }, async (t) => {
  const { h, connId, cc } = await establishedCall(t);
  const base = { dn: "1001", referenceId: "r", connId };
  await assert.rejects(cc.holdCall({ ...base, connId: "ffffffffffffffff" }), { code: "TANDEM_ERR_CALL_CONTROL_UNKNOWN_CALL" });
  await assert.rejects(cc.holdCall({ ...base, dn: "1002" }), { code: "TANDEM_ERR_CALL_CONTROL_NOT_PARTY" });
  await assert.rejects(cc.retrieveCall(base), { code: "TANDEM_ERR_CALL_CONTROL_BAD_STATE" });
  await assert.rejects(cc.singleStepTransfer({ ...base, destination: "1001" }), { code: "TANDEM_ERR_CALL_CONTROL_BAD_STATE" });
  await assert.rejects(cc.makeCall({ dn: "5000", referenceId: "m", destination: "1002" }), { code: "TANDEM_ERR_CALL_CONTROL_NOT_AGENT" });
  await assert.rejects(cc.makeCall({ dn: "1001", referenceId: "m", destination: "1002" }), { code: "TANDEM_ERR_CALL_CONTROL_AGENT_BUSY" });
  await assert.rejects(cc.sendDtmf({ ...base, digits: "" }), { code: "TANDEM_ERR_CALL_CONTROL_BAD_DIGITS" });
  for (const verb of ["completeTransfer", "reconnectCall", "alternateCall"] as const) {
    // `connId` is not a consultation call.
    await assert.rejects(cc[verb]({ ...base, heldConnId: connId }), { code: "TANDEM_ERR_CALL_CONTROL_UNKNOWN_CALL" });
  }
  assert.equal(h.events.filter((e) => e.referenceId !== undefined).length, 0, "no event from a refused request");
  assert.equal(h.model.active()[0]?.state, "Established");
  assert.deepEqual(h.dns.agent("1001")?.calls, [connId]);
});

test("a transfer to a busy agent is refused; one to an agent who never answers leaves the call with agent 1", { timeout: 180_000 }, async (t) => {
  const { sip, h, connId, cc } = await establishedCall(t);
  h.dns.attachCall("1002", "some-other-call");
  await assert.rejects(cc.singleStepTransfer({ dn: "1001", referenceId: "t0", connId, destination: "1002" }), {
    code: "TANDEM_ERR_CALL_CONTROL_AGENT_BUSY",
  });
  h.dns.detachCall("1002", "some-other-call");
  await cc.singleStepTransfer({ dn: "1001", referenceId: "t1", connId, destination: "1002" });
  await assert.rejects(cc.holdCall({ dn: "1001", referenceId: "h", connId }), { code: "TANDEM_ERR_CALL_CONTROL_BUSY" });
  await settle();
  sip.outbound[1]?.fail(486);
  await h.waitFor("EventPartyDeleted");
  await settle();
  assert.deepEqual(
    h.events.filter((e) => e.referenceId === "t1").map((e) => `${e.name}@${e.dn}`),
    ["EventRinging@1002", "EventReleased@1002", "EventPartyDeleted@1001"],
  );
  assert.equal(h.dns.agent("1002")?.calls.length, 0, "agent 2 freed");
  assert.deepEqual(h.dns.agent("1001")?.calls, [connId]);
  assert.equal(h.model.active()[0]?.agentDn, "1001");
  await cc.holdCall({ dn: "1001", referenceId: "h2", connId });
  assert.equal(h.events.at(-1)?.name, "EventHeld");
});

test("provideCallControl registers the model as the core provider the desktop plugin looks up", { timeout: 180_000 }, (t) => {
  const h = createCallsHarness(t, { sip: new FakeSip(), dns: DNS });
  const extensions = new ExtensionRegistry();
  provideCallControl(extensions, h.model);
  assert.equal(extensions.get(CALL_CONTROL, DEFAULT_CALL_CONTROL), h.model.callControl);
});

test("make-call: the phone busy ends the call with EventReleased on the agent, who is freed; a ringing make-call can be released", { timeout: 180_000 }, async (t) => {
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS });
  const cc = h.model.callControl;
  const first = await cc.makeCall({ dn: "1001", referenceId: "m1", destination: "5557777" });
  await settle();
  const phone = sip.outbound[0];
  assert.ok(phone, "the phone is rung");
  assert.equal(phone.options.target, "sip:1001@127.0.0.1:5070", "through the trunk, to the agent's own DN");
  assert.equal(phone.options.sdp, undefined, "RFC 3725 flow I: the phone's INVITE has no offer");
  assert.deepEqual(h.dns.agent("1001")?.calls, [first.connId]);
  phone.fail(486);
  await h.waitFor("EventReleased", (e) => e.referenceId === "m1");
  assert.deepEqual(h.events.filter((e) => e.referenceId === "m1").map((e) => e.name), ["EventDialing", "EventReleased"]);
  assert.equal(h.dns.agent("1001")?.calls.length, 0);
  assert.equal(h.model.get(first.connId)?.outcome, "rejected");

  const second = await cc.makeCall({ dn: "1001", referenceId: "m2", destination: "5557777" });
  await settle();
  await cc.releaseCall({ dn: "1001", referenceId: "rel", connId: second.connId });
  await settle();
  assert.ok(sip.outbound[1], "the second make-call rang the phone");
  assert.equal(sip.outbound[1].cancelledWith, "call ended", "the phone's INVITE was CANCELled");
  assert.deepEqual(h.events.filter((e) => e.referenceId === "rel").map((e) => `${e.name}@${e.dn}`), ["EventReleased@1001"]);
  assert.equal(h.dns.agent("1001")?.calls.length, 0);
  assert.equal(h.model.active().length, 0);
});

test("consult target hangs up: the consult is released, the phone re-pointed at the held customer, retrieve works", { timeout: 180_000 }, async (t) => {
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: DNS });
  await sip.offer({ dn: "1001", sdp: testSdp(40000) });
  await settle();
  const phone = sip.outbound[0]?.answer(testSdp(40001));
  assert.ok(phone);
  const connId = (await h.waitFor("EventEstablished")).connId ?? "";
  const cc = h.model.callControl;
  const consult = await cc.initiateTransfer({ dn: "1001", referenceId: "c1", connId, destination: "1002" });
  await settle();
  const target = sip.outbound[1]?.answer(testSdp(40002));
  assert.ok(target);
  await h.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  const before = phone.reinvites;
  target.remoteBye();
  await h.waitFor("EventReleased", (e) => e.connId === consult.connId && e.dn === "1002");
  await settle();
  assert.equal(h.events.find((e) => e.connId === consult.connId && e.name === "EventReleased")?.data.cause, "target-released");
  assert.equal(phone.reinvites, before + 1, "the phone is pointed back at the customer");
  assert.equal(h.dns.agent("1002")?.calls.length, 0, "the target's reservation is gone");
  await assert.rejects(cc.completeTransfer({ dn: "1001", referenceId: "x", connId: consult.connId, heldConnId: connId }), {
    code: "TANDEM_ERR_CALL_CONTROL_UNKNOWN_CALL",
  });
  await cc.retrieveCall({ dn: "1001", referenceId: "r1", connId });
  assert.equal(h.events.at(-1)?.name, "EventRetrieved");
});
