/**
 * Third-party call control end to end: sipp plays the PBX trunk (customer UAC) and the agent phones (UAS);
 * Tandem's SIP stack and call model in between; requests go through `callModel.callControl` as the desktop
 * plugin sends them. The sipp scenarios assert the SIP (SDP directions, SDP relayed, INFO bodies).
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { SippResult } from "../support/sipp.js";
import { sippOk, sleep, startDesktopRig, type DesktopRig } from "./support/desktop-rig.js";

const req = (connId: string, referenceId: string, dn = "1001") => ({ dn, connId, referenceId, source: "desktop" });

/** A customer call to agent 1001, answered by the phone's scenario (and a far party's, for consultations). */
async function establishedCall(
  t: TestContext,
  scenarios: { phone: string; customer: string; far?: string; customerMs?: number },
) {
  const rig = await startDesktopRig(t, scenarios.far ? { far: ["1002"] } : {});
  const phone = rig.agents(scenarios.phone);
  const target = scenarios.far ? rig.far(scenarios.far) : undefined;
  await sleep(200);
  const customer = rig.customer(scenarios.customer, "1001", scenarios.customerMs ? { durationMs: scenarios.customerMs } : undefined);
  const connId = (await rig.h.waitFor("EventEstablished")).connId ?? "";
  return { rig, cc: rig.h.model.callControl, connId, phone, target, customer };
}

/** Every sipp peer ran its scenario to the end (the scenarios assert the SIP themselves). */
async function allSippOk(...runs: Array<Promise<SippResult> | undefined>): Promise<void> {
  for (const run of runs) if (run) assert.equal(sippOk(await run), undefined);
}

/** Events a request caused, as `Name@dn:orig|consult` relative to the original call. */
function tagged(rig: DesktopRig, referenceId: string, connId: string): string[] {
  return rig.h.events.filter((e) => e.referenceId === referenceId).map((e) => `${e.name}@${e.dn}:${e.connId === connId ? "orig" : "consult"}`);
}

/** Every agent left the calls: nothing stays Busy (domain.md §5, pain point 1). */
function noAgentBusy(rig: DesktopRig): void {
  assert.ok(rig.h.dns.agents().every((a) => a.calls.length === 0));
}

test("hold / retrieve: the customer gets a=sendonly then a=sendrecv, the agent a=inactive then a=sendrecv; events carry the referenceId", { timeout: 180_000 }, async (t) => {
  const rig = await startDesktopRig(t);
  const agent = rig.agents("desktop-agent-hold.xml");
  await sleep(200);
  const customer = rig.customer("desktop-customer-hold.xml", "1001", { durationMs: 200 });
  const established = await rig.h.waitFor("EventEstablished");
  const connId = established.connId ?? "";
  const cc = rig.h.model.callControl;
  const started = performance.now();
  assert.deepEqual(await cc.holdCall(req(connId, "h1")), { connId });
  const holdMs = performance.now() - started;
  await assert.rejects(cc.holdCall(req(connId, "h2")), { code: "TANDEM_ERR_CALL_CONTROL_BAD_STATE" });
  await cc.retrieveCall(req(connId, "r1"));
  await allSippOk(customer, agent);
  await sleep(50);
  assert.deepEqual(rig.byRef("h1"), ["EventHeld@1001"]);
  assert.deepEqual(rig.byRef("r1"), ["EventRetrieved@1001"]);
  const held = rig.h.events.find((e) => e.referenceId === "h1");
  assert.equal(held?.source, "desktop");
  assert.equal(held?.connId, connId);
  assert.deepEqual(rig.h.trace(connId), ["EventRinging@1001", "EventEstablished@1001", "EventHeld@1001", "EventRetrieved@1001", "EventReleased@1001"]);
  assert.equal(rig.h.model.get(connId)?.releasedBy, "customer");
  t.diagnostic(`hold (two re-INVITEs) took ${holdMs.toFixed(1)} ms`);
});

test("a customer re-INVITE while held is answered with the held SDP and not relayed to the agent's phone", { timeout: 180_000 }, async (t) => {
  const { rig, connId, cc, phone: agent, customer } = await establishedCall(t, {
    phone: "desktop-agent-hold.xml",
    customer: "desktop-customer-hold-reinvite.xml",
    customerMs: 200,
  });
  await cc.holdCall(req(connId, "h1"));
  await sleep(400);
  await cc.retrieveCall(req(connId, "r1"));
  await allSippOk(customer, agent);
  assert.equal(rig.h.model.get(connId)?.releasedBy, "customer");
});

test("hold meets glare (491 from the customer): the stack retries after the §14.1 delay and the hold completes", { timeout: 180_000 }, async (t) => {
  // The customer's INVITE brought the Call-ID, so Tandem is not its owner: §14.1 says retry after 0–2 s.
  const { rig, connId, cc, phone: agent, customer } = await establishedCall(t, {
    phone: "desktop-agent-hold.xml",
    customer: "desktop-customer-hold-491.xml",
    customerMs: 200,
  });
  const started = performance.now();
  await cc.holdCall(req(connId, "g1"));
  const holdMs = performance.now() - started;
  assert.ok(holdMs < 2600, `retried after ${holdMs} ms, RFC 3261 §14.1 asks 0–2 s of the non-owner`);
  await cc.retrieveCall(req(connId, "g2"));
  await allSippOk(customer, agent);
  assert.deepEqual(rig.byRef("g1"), ["EventHeld@1001"]);
  t.diagnostic(`hold with one 491 took ${holdMs.toFixed(0)} ms`);
});

test("release from the desktop: BYE on both legs, EventReleased with the referenceId, agent freed, record says agent", { timeout: 180_000 }, async (t) => {
  const rig = await startDesktopRig(t, { config: { afterCall: "AfterCallWork" } });
  rig.h.ready("1001");
  const agent = rig.agents("calls-agent-answer.xml");
  await sleep(200);
  const customer = rig.customer("calls-customer-wait-bye.xml", "1001");
  const connId = (await rig.h.waitFor("EventEstablished")).connId ?? "";
  const cc = rig.h.model.callControl;
  await assert.rejects(cc.releaseCall(req(connId, "x", "1002")), { code: "TANDEM_ERR_CALL_CONTROL_NOT_PARTY" });
  await cc.releaseCall(req(connId, "rel1"));
  await allSippOk(customer, agent);
  assert.deepEqual(rig.byRef("rel1"), ["EventReleased@1001"]);
  const record = rig.h.model.get(connId);
  assert.equal(record?.releasedBy, "agent");
  assert.deepEqual(record?.legs.map((l) => [l.role, l.endedBy]), [
    ["customer", "local"],
    ["agent", "local"],
  ]);
  assert.equal(rig.h.dns.agent("1001")?.calls.length, 0);
  assert.equal(rig.h.dns.agent("1001")?.workMode, "AfterCallWork");
  assert.equal(rig.h.model.active().length, 0);
  await assert.rejects(cc.releaseCall(req(connId, "again")), { code: "TANDEM_ERR_CALL_CONTROL_UNKNOWN_CALL" });
});

test("single-step transfer to agent 2: customer re-INVITEd with agent 2's SDP, bridged to agent 2, agent 1 released", { timeout: 180_000 }, async (t) => {
  const rig = await startDesktopRig(t);
  const agents = rig.agents("desktop-agent-answer.xml", { calls: 2 });
  await sleep(200);
  const customer = rig.customer("desktop-customer-transfer.xml", "1001", { durationMs: 300 });
  const connId = (await rig.h.waitFor("EventEstablished")).connId ?? "";
  const cc = rig.h.model.callControl;
  await cc.singleStepTransfer({ ...req(connId, "t1"), destination: "1002", userData: { reason: "billing" } });
  await rig.waitRef("EventEstablished", "t1");
  assert.equal(rig.h.dns.agent("1001")?.calls.length, 0, "agent 1 freed");
  assert.deepEqual(rig.h.dns.agent("1002")?.calls, [connId]);
  assert.equal(sippOk(await customer), undefined);
  assert.equal(sippOk(await agents, 2), undefined);
  await sleep(50);
  assert.deepEqual(rig.byRef("t1"), ["EventRinging@1002", "EventPartyChanged@1001", "EventReleased@1001", "EventEstablished@1002"]);
  assert.equal(rig.h.trace(connId).at(-1), "EventReleased@1002");
  const record = rig.h.model.get(connId);
  assert.equal(record?.agentDn, "1002");
  assert.equal(record?.releasedBy, "customer");
  assert.deepEqual(record?.userData, { reason: "billing" });
  assert.deepEqual(record?.legs.map((l) => [l.role, l.dn ?? null, l.endedBy]), [
    ["customer", null, "remote"],
    ["agent", "1001", "transferred"],
    ["agent", "1002", "local"],
  ]);
  assert.equal(rig.h.dns.agent("1002")?.calls.length, 0);
});

test("make call (RFC 3725 flow I): the phone rings first with no SDP, the destination gets its offer, the answer goes back in the ACK", { timeout: 180_000 }, async (t) => {
  const rig = await startDesktopRig(t, { far: ["5557777"] });
  rig.h.ready("1001");
  const phone = rig.agents("desktop-phone-offerless.xml");
  const far = rig.far("desktop-far-answer.xml", { durationMs: 300 });
  await sleep(200);
  const started = performance.now();
  const { connId } = await rig.h.model.callControl.makeCall({ dn: "1001", destination: "5557777", referenceId: "m1", userData: { campaign: "x" } });
  await rig.waitRef("EventEstablished", "m1");
  const setupMs = performance.now() - started;
  await allSippOk(far, phone);
  await sleep(50);
  assert.deepEqual(rig.byRef("m1"), ["EventDialing@1001", "EventNetworkReached@1001", "EventEstablished@1001"]);
  assert.deepEqual(rig.h.trace(connId), ["EventDialing@1001", "EventNetworkReached@1001", "EventEstablished@1001", "EventReleased@1001"]);
  const dialing = rig.h.events.find((e) => e.name === "EventDialing");
  assert.equal(dialing?.data.callType, "Outbound");
  assert.deepEqual(dialing?.data.userData, { campaign: "x" });
  const record = rig.h.model.get(connId);
  assert.equal(record?.outcome, "answered");
  assert.equal(record?.releasedBy, "customer");
  assert.deepEqual(record?.legs.map((l) => [l.role, l.dn ?? null, l.status ?? null]), [
    ["agent", "1001", 200],
    ["destination", "5557777", 200],
  ]);
  assert.equal(rig.h.dns.agent("1001")?.state, "Ready");
  t.diagnostic(`make-call set-up (phone answer + destination answer) ${setupMs.toFixed(0)} ms`);
});

test("user data and DTMF: attach/update travel in events and the record; digits go as INFO dtmf-relay", { timeout: 180_000 }, async (t) => {
  const { rig, connId, cc, phone: agent, customer } = await establishedCall(t, {
    phone: "calls-agent-answer.xml",
    customer: "desktop-customer-dtmf.xml",
  });
  await cc.attachUserData({ ...req(connId, "u1"), userData: { account: "42" } });
  await assert.rejects(cc.attachUserData({ ...req(connId, "u2"), userData: { account: "43" } }), {
    code: "TANDEM_ERR_CALL_CONTROL_USER_DATA_EXISTS",
  });
  await cc.updateUserData({ ...req(connId, "u3"), userData: { account: "43", vip: true } });
  await assert.rejects(cc.sendDtmf({ ...req(connId, "d0"), digits: "12x" }), { code: "TANDEM_ERR_CALL_CONTROL_BAD_DIGITS" });
  await cc.sendDtmf({ ...req(connId, "d1"), digits: "1#" });
  await cc.releaseCall(req(connId, "end"));
  await allSippOk(customer, agent);
  assert.deepEqual(rig.byRef("u1"), ["EventAttachedDataChanged@1001"]);
  assert.deepEqual(rig.byRef("u2"), []);
  assert.deepEqual(rig.byRef("d1"), ["EventDTMFSent@1001"]);
  const released = rig.h.events.find((e) => e.referenceId === "end");
  assert.deepEqual(released?.data.userData, { account: "43", vip: true });
  assert.deepEqual(rig.h.model.get(connId)?.userData, { account: "43", vip: true });
});

test("consultative transfer: customer held, agent consults agent 2 on the same phone, complete bridges customer ↔ agent 2", { timeout: 180_000 }, async (t) => {
  const { rig, connId, cc, phone, target, customer } = await establishedCall(t, {
    phone: "desktop-agent-consult.xml",
    far: "desktop-far-target.xml",
    customer: "desktop-customer-consult.xml",
    customerMs: 300,
  });
  const consult = await cc.initiateTransfer({ ...req(connId, "c1"), destination: "1002" });
  assert.notEqual(consult.connId, connId);
  await rig.h.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  await assert.rejects(cc.completeTransfer({ ...req(consult.connId, "bad"), heldConnId: "ffffffffffffffff" }), {
    code: "TANDEM_ERR_CALL_CONTROL_BAD_STATE",
  });
  await cc.completeTransfer({ ...req(consult.connId, "c2"), heldConnId: connId });
  await allSippOk(customer, phone, target);
  await sleep(50);
  assert.deepEqual(
    tagged(rig, "c1", connId),
    ["EventHeld@1001:orig", "EventDialing@1001:consult", "EventRinging@1002:consult", "EventEstablished@1001:consult", "EventEstablished@1002:consult"],
  );
  assert.deepEqual(
    tagged(rig, "c2", connId),
    ["EventReleased@1001:consult", "EventReleased@1001:orig", "EventPartyChanged@1002:orig"],
  );
  const record = rig.h.model.get(connId);
  assert.equal(record?.agentDn, "1002");
  assert.deepEqual(record?.legs.map((l) => [l.role, l.dn ?? null, l.endedBy]), [
    ["customer", null, "remote"],
    ["agent", "1001", "transferred"],
    ["agent", "1002", "local"],
  ]);
  noAgentBusy(rig);
});

test("consult target busy: the consult is released and the original call retrieved intact", { timeout: 180_000 }, async (t) => {
  const { rig, connId, phone, target, customer } = await establishedCall(t, {
    phone: "desktop-agent-hold.xml",
    far: "desktop-far-busy.xml",
    customer: "desktop-customer-hold.xml",
    customerMs: 300,
  });
  const consult = await rig.h.model.callControl.initiateTransfer({ ...req(connId, "c1"), destination: "1002" });
  await rig.h.waitFor("EventRetrieved", (e) => e.referenceId === "c1");
  await allSippOk(target, customer, phone);
  await sleep(50);
  assert.deepEqual(
    tagged(rig, "c1", connId),
    ["EventHeld@1001:orig", "EventDialing@1001:consult", "EventRinging@1002:consult", "EventReleased@1001:consult", "EventReleased@1002:consult", "EventRetrieved@1001:orig"],
  );
  assert.equal(rig.h.events.find((e) => e.connId === consult.connId && e.name === "EventReleased")?.data.cause, "busy");
  const record = rig.h.model.get(connId);
  assert.equal(record?.agentDn, "1001");
  assert.equal(record?.releasedBy, "customer");
  noAgentBusy(rig);
});

test("reconnect after the target answered: target BYEd, the phone re-pointed at the customer, customer back to sendrecv", { timeout: 180_000 }, async (t) => {
  const { rig, connId, cc, phone, target, customer } = await establishedCall(t, {
    phone: "desktop-agent-reconnect.xml",
    far: "desktop-far-consulted.xml",
    customer: "desktop-customer-hold.xml",
    customerMs: 300,
  });
  const consult = await cc.initiateTransfer({ ...req(connId, "c1"), destination: "1002" });
  await rig.h.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  // Holding the original (already held) to retrieve the consult (already talking) makes no sense.
  await assert.rejects(cc.alternateCall({ ...req(connId, "alt"), heldConnId: consult.connId }), { code: "TANDEM_ERR_CALL_CONTROL_BAD_STATE" });
  await cc.reconnectCall({ ...req(consult.connId, "r1"), heldConnId: connId });
  await allSippOk(target, customer, phone);
  await sleep(50);
  assert.deepEqual(
    tagged(rig, "r1", connId),
    ["EventReleased@1001:consult", "EventReleased@1002:consult", "EventRetrieved@1001:orig"],
  );
  const record = rig.h.model.get(connId);
  assert.equal(record?.agentDn, "1001");
  assert.deepEqual(record?.legs.map((l) => [l.role, l.dn ?? null, l.endedBy]), [
    ["customer", null, "remote"],
    ["agent", "1001", "local"],
    ["agent", "1002", "reconnected"],
  ]);
  noAgentBusy(rig);
});

test("alternate: the consult target is held (sendonly), the phone goes back to the customer; reconnect then only drops the target", { timeout: 180_000 }, async (t) => {
  const { rig, connId, cc, phone, target, customer } = await establishedCall(t, {
    phone: "desktop-agent-reconnect.xml",
    far: "desktop-far-alternate.xml",
    customer: "desktop-customer-hold.xml",
    customerMs: 300,
  });
  const consult = await cc.initiateTransfer({ ...req(connId, "c1"), destination: "1002" });
  await rig.h.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  assert.deepEqual(await cc.alternateCall({ ...req(consult.connId, "a1"), heldConnId: connId }), { connId });
  await cc.reconnectCall({ ...req(consult.connId, "r1"), heldConnId: connId });
  await allSippOk(target, customer, phone);
  await sleep(50);
  const tag = (ref: string) => tagged(rig, ref, connId);
  assert.deepEqual(tag("a1"), ["EventHeld@1001:consult", "EventRetrieved@1001:orig"]);
  assert.deepEqual(tag("r1"), ["EventReleased@1001:consult", "EventReleased@1002:consult"]);
  assert.equal(rig.h.model.get(connId)?.agentDn, "1001");
  noAgentBusy(rig);
});
