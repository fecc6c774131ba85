/**
 * Event data of calls an agent places, end to end over sipp: on a make-call and on a consultation `ani` is the
 * calling party (the agent's DN) and `dnis` the called one (the destination), `otherDn` on the agent's events the
 * far party; a consultation's events follow its own state (Ringing, Established, then Released, or Rejected
 * when the target refused). And a single-step transfer's target gets the caller's identity headers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TandemEvent } from "@tandem/sdk";
import { sippOk, sleep, startDesktopRig } from "./support/desktop-rig.js";

const fields = (e: TandemEvent | undefined) => [e?.name, e?.data["ani"], e?.data["dnis"], e?.data["state"], e?.data["otherDn"] ?? null];

test("make-call: ani is the agent, dnis the destination, otherDn the destination, on every event and in the record", { timeout: 180_000 }, async (t) => {
  const rig = await startDesktopRig(t, { far: ["5557777"] });
  rig.h.ready("1001");
  const phone = rig.agents("desktop-phone-offerless.xml");
  const far = rig.far("desktop-far-answer.xml", { durationMs: 300 });
  await sleep(200);
  const { connId } = await rig.h.model.callControl.makeCall({ dn: "1001", destination: "5557777", referenceId: "m1" });
  await rig.h.waitFor("EventReleased", (e) => e.connId === connId);
  assert.equal(sippOk(await far), undefined);
  assert.equal(sippOk(await phone), undefined);
  const events = rig.h.events.filter((e) => e.connId === connId);
  assert.deepEqual(events.map(fields), [
    ["EventDialing", "1001", "5557777", "Ringing", "5557777"],
    ["EventNetworkReached", "1001", "5557777", "Ringing", "5557777"],
    ["EventEstablished", "1001", "5557777", "Established", "5557777"],
    ["EventReleased", "1001", "5557777", "Released", null],
  ]);
  const record = rig.h.model.get(connId);
  assert.deepEqual([record?.ani, record?.dnis], ["1001", "5557777"]);
});

test("consultation: ani is the consulting agent, dnis the target; its state goes Ringing → Established → Released", { timeout: 180_000 }, async (t) => {
  const rig = await startDesktopRig(t, { far: ["1002"] });
  const phone = rig.agents("desktop-agent-consult.xml");
  const target = rig.far("desktop-far-target.xml");
  await sleep(200);
  const customer = rig.customer("desktop-customer-consult.xml", "1001", { durationMs: 300 });
  const connId = (await rig.h.waitFor("EventEstablished")).connId ?? "";
  const cc = rig.h.model.callControl;
  const consult = await cc.initiateTransfer({ dn: "1001", connId, referenceId: "c1", destination: "1002" });
  await rig.h.waitFor("EventEstablished", (e) => e.connId === consult.connId && e.dn === "1002");
  await cc.completeTransfer({ dn: "1001", connId: consult.connId, heldConnId: connId, referenceId: "c2" });
  for (const run of [customer, phone, target]) assert.equal(sippOk(await run), undefined);
  const events = rig.h.events.filter((e) => e.connId === consult.connId);
  assert.deepEqual(events.map((e) => [`${e.name}@${e.dn}`, e.data["ani"], e.data["dnis"], e.data["state"]]), [
    ["EventDialing@1001", "1001", "1002", "Ringing"],
    ["EventRinging@1002", "1001", "1002", "Ringing"],
    ["EventEstablished@1001", "1001", "1002", "Established"],
    ["EventEstablished@1002", "1001", "1002", "Established"],
    ["EventReleased@1001", "1001", "1002", "Released"],
  ]);
  // The original call is still the customer's: its ANI is the caller's.
  const held = rig.h.events.find((e) => e.connId === connId && e.name === "EventHeld");
  assert.deepEqual([held?.data["ani"], held?.data["dnis"], held?.data["otherDn"]], ["5551234", "1001", "5551234"]);
});

test("consultation refused (486): the consult's EventReleased says Rejected", { timeout: 180_000 }, async (t) => {
  const rig = await startDesktopRig(t, { far: ["1002"] });
  const phone = rig.agents("desktop-agent-hold.xml");
  const target = rig.far("desktop-far-busy.xml");
  await sleep(200);
  const customer = rig.customer("desktop-customer-hold.xml", "1001", { durationMs: 300 });
  const connId = (await rig.h.waitFor("EventEstablished")).connId ?? "";
  const consult = await rig.h.model.callControl.initiateTransfer({ dn: "1001", connId, referenceId: "c1", destination: "1002" });
  await rig.h.waitFor("EventRetrieved", (e) => e.referenceId === "c1");
  for (const run of [target, customer, phone]) assert.equal(sippOk(await run), undefined);
  const released = rig.h.events.filter((e) => e.connId === consult.connId && e.name === "EventReleased");
  assert.deepEqual(released.map((e) => [e.dn, e.data["state"], e.data["cause"]]), [
    ["1001", "Rejected", "busy"],
    ["1002", "Rejected", "busy"],
  ]);
});

test("single-step transfer: the target's INVITE carries the caller's identity headers, as the first agent's did", { timeout: 180_000 }, async (t) => {
  const rig = await startDesktopRig(t, { config: { identityTrustedPeers: ["127.0.0.0/8"] } });
  // Both phones answer from the PBX's port; the scenario checks the headers on each INVITE.
  const phones = rig.agents("desktop-agent-answer-identity.xml", { calls: 2 });
  await sleep(200);
  const customer = rig.customer("desktop-customer-transfer-identity.xml", "1001", { durationMs: 300 });
  const connId = (await rig.h.waitFor("EventEstablished")).connId ?? "";
  await rig.h.model.callControl.singleStepTransfer({ dn: "1001", connId, referenceId: "t1", destination: "1002" });
  await rig.waitRef("EventEstablished", "t1");
  assert.equal(sippOk(await customer), undefined);
  assert.equal(sippOk(await phones, 2), undefined, "both INVITEs carried the identity headers");
  assert.equal(rig.h.model.get(connId)?.agentDn, "1002");
});
