/**
 * RequestReleaseCall when the far end has vanished (sipp's customer acknowledges the answer and exits, so the
 * BYE towards it is never answered): the call is released locally at once — the request resolves, EventReleased
 * carries its referenceId, the agent is free and its phone gets its BYE — while the customer's BYE transaction
 * runs out in the background (RFC 3261 §17.1.2.2, Timer F = 64·T1, 32 s by default).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { sippOk, sleep, startDesktopRig } from "./support/desktop-rig.js";

test("release with the customer gone: answered at once, EventReleased, agent freed and its phone BYEd; the dead BYE does not hold anything", { timeout: 180_000 }, async (t) => {
  const rig = await startDesktopRig(t, { config: { afterCall: "Ready" } });
  rig.h.ready("1001");
  const phone = rig.agents("calls-agent-answer.xml");
  await sleep(200);
  const customer = await rig.customer("calls-customer-vanish.xml", "1001");
  assert.equal(sippOk(customer), undefined, "the customer got its answer and left");
  const connId = (await rig.h.waitFor("EventEstablished")).connId ?? "";
  const started = performance.now();
  const result = await rig.h.model.callControl.releaseCall({ dn: "1001", connId, referenceId: "rel-gone", source: "desktop" });
  const releaseMs = performance.now() - started;
  assert.deepEqual(result, { connId });
  // Well under the 32 s a waited-for BYE to nobody would take; generous for a loaded machine.
  assert.ok(releaseMs < 3000, `RequestReleaseCall took ${releaseMs.toFixed(0)} ms`);
  assert.deepEqual(rig.byRef("rel-gone"), ["EventReleased@1001"]);
  assert.equal(rig.h.dns.agent("1001")?.state, "Ready");
  assert.equal(rig.h.dns.agent("1001")?.calls.length, 0);
  assert.equal(rig.h.model.active().length, 0);
  assert.equal(sippOk(await phone), undefined, "the agent's phone got its BYE");
  const record = rig.h.model.get(connId);
  assert.equal(record?.outcome, "answered");
  assert.equal(record?.releasedBy, "agent");
  // The agent can take the next call straight away.
  const next = rig.agents("calls-agent-answer.xml");
  await sleep(200);
  assert.equal(sippOk(await rig.customer("calls-customer-bye.xml", "1001")), undefined);
  assert.equal(sippOk(await next), undefined);
  t.diagnostic(`RequestReleaseCall with the far end gone answered in ${releaseMs.toFixed(1)} ms`);
});
