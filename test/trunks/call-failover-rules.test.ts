/**
 * The call model's failover rules against fake SIP verbs: `selectTrunk` answering null means no trunk (503, no
 * fallback), every failed INVITE before a provisional is reported through `reportTrunkFailure`, whose verdict
 * decides the retry, except that 486/487/600/603 are never retried; without handlers G's default stays.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { reportTrunkFailure, routeCall, selectTrunk, type TrunkFailureReport } from "@tandem/sdk";
import { FakeSip } from "../calls/support/fake-sip.js";
import { createCallsHarness, settle } from "../calls/support/calls-harness.js";

const TRUNKS = [
  { number: "T1", type: "Trunk" as const, options: { contact: "sip:10.0.0.1:5060" } },
  { number: "T2", type: "Trunk" as const, options: { contact: "sip:10.0.0.2:5060" } },
];
const DNS = [{ number: "5000", type: "RoutingPoint" as const }, { number: "1001", type: "Extension" as const }, ...TRUNKS];

/** A harness with a strategy that always offers 1001, and a selector walking T1, T2 while honouring `exclude`. */
function setup(t: Parameters<typeof createCallsHarness>[0], options: { select?: boolean; dns?: typeof DNS } = {}) {
  const sip = new FakeSip();
  const h = createCallsHarness(t, { sip, dns: options.dns ?? DNS });
  let routed = 0;
  h.hooks.tap(routeCall, () => (routed++, { kind: "agent", dn: "1001" }));
  const selections: string[][] = [];
  if (options.select !== false) {
    h.hooks.tap(selectTrunk, (r) => {
      selections.push([...r.exclude]);
      const trunk = ["T1", "T2"].find((n) => !r.exclude.includes(n));
      return trunk ? { trunk, target: `sip:${r.destination}@${trunk}.example` } : null;
    });
  }
  const reports: TrunkFailureReport[] = [];
  h.ready("1001");
  return { sip, h, selections, reports, routed: () => routed };
}

const legs = (h: ReturnType<typeof createCallsHarness>) => h.model.history()[0]?.legs.map((l) => [l.role, l.status]);

test("selectTrunk answering null: 503 to the caller at once, no INVITE, no fallback, the strategy not asked again", { timeout: 180_000 }, async (t) => {
  const { sip, h, routed } = setup(t, { select: false });
  h.hooks.tap(selectTrunk, () => null);
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(sip.outbound.length, 0, "no INVITE to the first Trunk DN the plugin ruled out");
  assert.equal(invite.rejected, 503);
  assert.equal(routed(), 1);
  const record = h.model.history()[0];
  assert.equal(record?.outcome, "rejected");
  assert.equal(record?.rejectStatus, 503);
  const released = h.events.find((e) => e.name === "EventReleased" && e.dn === "1001");
  assert.equal(released?.data["cause"], "no-trunk");
  assert.equal(h.dns.agent("1001")?.state, "Ready", "the reserved agent is freed");
});

test("503 before any provisional: reported, retried on the next trunk with exclude, answered", { timeout: 180_000 }, async (t) => {
  const { sip, h, selections, reports } = setup(t);
  h.hooks.tap(reportTrunkFailure, (r) => (reports.push(r), null));
  await sip.offer({ dn: "5000" });
  await settle();
  sip.outbound[0]?.fail(503);
  await settle();
  assert.deepEqual(selections, [[], ["T1"]]);
  assert.deepEqual(reports.map((r) => [r.trunk, r.status, r.origin, r.target]), [["T1", 503, "remote", "sip:1001@T1.example"]]);
  sip.outbound[1]?.answer();
  await settle();
  assert.equal(h.model.active()[0]?.state, "Established");
  assert.deepEqual(legs(h), [["customer", 200], ["agent", 503], ["agent", 200]]);
});

test("486, 487, 600, 603 are reported but never retried, whatever the handler answers", { timeout: 180_000 }, async (t) => {
  for (const status of [486, 600, 603]) {
    const { sip, h, reports } = setup(t);
    h.hooks.tap(reportTrunkFailure, (r) => (reports.push(r), { retry: true }));
    await sip.offer({ dn: "5000" });
    await settle();
    sip.outbound[0]?.fail(status);
    await settle();
    assert.equal(reports.length, 1, String(status));
    assert.equal(sip.outbound.filter((o) => o.options.target.includes("T2")).length, 0, `${status} went to T2`);
    await h.close();
  }
  // 487 is our own CANCEL: the caller hung up while the INVITE was out, so nothing is retried.
  const { sip, h } = setup(t);
  h.hooks.tap(reportTrunkFailure, () => ({ retry: true }));
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  invite.cancel();
  await settle();
  assert.equal(sip.outbound.length, 1);
  assert.equal(h.model.history()[0]?.outcome, "abandoned");
});

test("the handler's verdict decides: { retry: false } on 503 ends the delivery, { retry: true } on 500 fails over", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t);
  h.hooks.tap(reportTrunkFailure, (r) => ({ retry: r.status === 500 }));
  await sip.offer({ dn: "5000" });
  await settle();
  sip.outbound[0]?.fail(503);
  await settle();
  assert.equal(sip.outbound.length, 2, "the strategy offers the agent again (a new delivery), not a failover");
  assert.deepEqual(sip.outbound.map((o) => o.options.target), ["sip:1001@T1.example", "sip:1001@T1.example"]);
  sip.outbound[1]?.fail(500);
  await settle();
  assert.equal(sip.outbound[2]?.options.target, "sip:1001@T2.example");
});

test("no report after a provisional response: the trunk is alive, a 503 or ring-no-answer is the far end's", { timeout: 180_000 }, async (t) => {
  const { sip, h, reports } = setup(t);
  h.hooks.tap(reportTrunkFailure, (r) => (reports.push(r), { retry: true }));
  await sip.offer({ dn: "5000" });
  await settle();
  sip.outbound[0]?.options.onProgress?.({ status: 180, reason: "Ringing", body: "", header: () => undefined, headers: () => [] });
  sip.outbound[0]?.fail(503);
  await settle();
  assert.equal(reports.length, 0);
  assert.equal(sip.outbound[1]?.options.target, "sip:1001@T1.example", "a new delivery starts from the first trunk");
});

test("every trunk fails: 503 to the caller with the failed legs in the record", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t);
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  sip.outbound[0]?.fail(503);
  await settle();
  sip.outbound[1]?.fail(408);
  await settle();
  assert.equal(sip.outbound.length, 2);
  assert.equal(invite.rejected, 503);
  assert.deepEqual(legs(h), [["customer", 503], ["agent", 503], ["agent", 408]]);
  assert.equal(h.model.history()[0]?.rejectStatus, 503);
});

test("a selector that ignores exclude is stopped: the same target twice is no trunk left", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t, { select: false });
  h.hooks.tap(selectTrunk, (r) => ({ trunk: "T1", target: `sip:${r.destination}@T1.example` }));
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  sip.outbound[0]?.fail(503);
  await settle();
  assert.equal(sip.outbound.length, 1);
  assert.equal(invite.rejected, 503);
});

test("without any handler: contact then contact-backup (the default); when both fail the strategy sees the last failure", { timeout: 180_000 }, async (t) => {
  const dns = [DNS[0]!, DNS[1]!, { number: "cucm", type: "Trunk" as const, options: { contact: "sip:10.0.0.5", "contact-backup": ["sip:10.0.0.6"] } }];
  const { sip, h, routed } = setup(t, { select: false, dns: dns as typeof DNS });
  await sip.offer({ dn: "5000" });
  await settle();
  sip.outbound[0]?.fail(503);
  await settle();
  sip.outbound[1]?.fail(503);
  await settle();
  assert.deepEqual(sip.outbound.slice(0, 2).map((o) => o.options.target), ["sip:1001@10.0.0.5", "sip:1001@10.0.0.6"]);
  assert.equal(routed(), 2, "no selector ruled anything out: the strategy is asked again");
  assert.equal(sip.outbound[2]?.options.target, "sip:1001@10.0.0.5", "a new delivery starts again from the contact");
  assert.equal(h.model.active().length, 1);
});

test("no trunk configured at all: 503 to the caller at once", { timeout: 180_000 }, async (t) => {
  const { sip, h } = setup(t, { select: false, dns: DNS.slice(0, 2) });
  const invite = await sip.offer({ dn: "5000" });
  await settle();
  assert.equal(sip.outbound.length, 0);
  assert.equal(invite.rejected, 503);
  assert.equal(h.model.history()[0]?.rejectStatus, 503);
  const error = h.events.find((e) => e.name === "EventError");
  assert.equal(error?.data["code"], "TANDEM_ERR_CALLS_NO_TRUNK", "the core tells desktops why, as the plugin would");
  assert.equal(error?.connId, h.model.history()[0]?.connId);
});
