/**
 * Queue treatment as early media, end to end over real sockets: sipp plays the PBX trunk (customer), a media
 * server and the agent phone. The customer hears the media server in a 183 while queued; when the agent
 * answers, its 200 repeats that answer and a re-INVITE moves its media to the agent (RFC 3261 §13.2.1,
 * RFC 3264 §8); the media server gets its BYE. The media server is the media-server plugin with a sipp RFC 4240
 * announcement service behind it.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { startTreatment } from "@tandem/sdk";
import mediaServer from "@tandem/plugin-media-server";
import { withDefaults } from "../../plugins/media-server/src/manifest.js";
import { freePort } from "../support/free-port.js";
import { runSipp, type SippResult } from "../support/sipp.js";
import { sleep, startSippCalls, type SippCallsRig } from "./support/sipp-calls.js";
import { registerOnHarness } from "./support/plugin-on-harness.js";

const ok = (r: SippResult, n = 1): void => {
  assert.equal(r.failed, 0, r.errors || r.stderr);
  assert.equal(r.successful, n, r.errors || r.stderr);
};

/** A rig whose queued calls get a treatment from the media-server plugin and a sipp media server; the agent is logged in, not Ready. */
async function treatmentRig(t: TestContext): Promise<{ rig: SippCallsRig; ms: Promise<SippResult>; agent: (scenario: string) => Promise<SippResult> }> {
  const msPort = await freePort();
  const rig = await startSippCalls(t, {
    queues: { sales: { agents: ["1001"] } },
    extraDns: [{ number: "ms1", type: "VoipService", options: { "service-type": "media-server", contact: `sip:127.0.0.1:${msPort}` } }],
  });
  await registerOnHarness(t, rig.h, rig.sip, mediaServer, withDefaults({ treatments: { default: { play: "http://media.example/music/hold.wav" } } }));
  rig.h.dns.requestAgentState({ dn: "1001", request: "Login", source: "desktop" });
  // The media server answers with o=mediaserver 4242 7 and m=audio 6990 (-mp): what the customer checks.
  const ms = runSipp({ scenario: "media-server-uas.xml", localPort: msPort, calls: 1, timeoutS: 20, extraArgs: ["-mp", "6990"] });
  // The agent answers with m=audio 7990 (-mp), which the customer's re-INVITE must carry.
  const agent = (scenario: string): Promise<SippResult> =>
    runSipp({ scenario, localPort: rig.pbxPort, calls: 1, timeoutS: 20, extraArgs: ["-mp", "7990"] });
  await sleep(200);
  return { rig, ms, agent };
}

test("queued caller hears the media server (183), the agent answers: 200 repeats it, re-INVITE moves the media", { timeout: 180_000 }, async (t) => {
  const { rig, ms, agent } = await treatmentRig(t);
  const agentDone = agent("calls-agent-answer.xml");
  const customer = rig.customer("calls-customer-early-media.xml", "5000", { durationMs: 300, extraArgs: ["-set", "answer_port", "40000"] });
  const applied = await rig.h.waitFor("EventTreatmentApplied");
  assert.equal(applied.dn, "5000");
  assert.equal(applied.data.server, "ms1");
  assert.equal(applied.data.media, "http://media.example/music/hold.wav");
  rig.h.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
  ok(await customer);
  // calls-agent-answer.xml fails on any re-INVITE: the customer kept its port, so the agent is not disturbed.
  ok(await agentDone);
  ok(await ms);
  await sleep(50);
  assert.deepEqual(rig.h.trace(applied.connId ?? ""), [
    "EventRouteRequest@5000",
    "EventQueued@5000",
    "EventTreatmentApplied@5000",
    "EventRouteUsed@5000",
    "EventRinging@1001",
    "EventTreatmentEnd@5000",
    "EventEstablished@1001",
    "EventReleased@1001",
  ]);
  const end = rig.h.events.find((e) => e.name === "EventTreatmentEnd");
  assert.equal(end?.data.cause, "answered");
  const [record] = rig.h.model.history();
  assert.equal(record?.outcome, "answered");
  assert.equal(rig.h.dns.agent("1001")?.state, "Ready");
});

test("the customer answers the re-INVITE from another port: the agent is re-INVITEd with it", { timeout: 180_000 }, async (t) => {
  const { rig, ms, agent } = await treatmentRig(t);
  const agentDone = agent("calls-agent-answer-reinvite.xml");
  const customer = rig.customer("calls-customer-early-media.xml", "5000", { durationMs: 300, extraArgs: ["-set", "answer_port", "40002"] });
  await rig.h.waitFor("EventTreatmentApplied");
  rig.h.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
  ok(await customer);
  ok(await agentDone);
  ok(await ms);
  assert.equal(rig.h.model.history()[0]?.outcome, "answered");
});

test("the customer refuses the re-INVITE: the call is released with a coded error, nobody left in dead air", { timeout: 180_000 }, async (t) => {
  const { rig, ms, agent } = await treatmentRig(t);
  const agentDone = agent("calls-agent-answer.xml");
  const customer = rig.customer("calls-customer-early-media-refuse.xml", "5000");
  await rig.h.waitFor("EventTreatmentApplied");
  rig.h.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
  ok(await customer);
  ok(await agentDone);
  ok(await ms);
  await sleep(50);
  const error = rig.h.events.find((e) => e.name === "EventError");
  assert.equal(error?.data.code, "TANDEM_ERR_CALLS_MEDIA_MOVE_FAILED");
  assert.equal(error?.dn, "1001");
  const [record] = rig.h.model.history();
  assert.equal(record?.outcome, "answered");
  assert.equal(record?.releasedBy, "system");
  assert.equal(rig.h.model.active().length, 0);
  assert.equal(rig.h.dns.agent("1001")?.state, "Ready");
});

test("the customer hangs up while hearing the treatment: EventAbandoned, the media server gets its BYE", { timeout: 180_000 }, async (t) => {
  const { rig, ms } = await treatmentRig(t);
  const customer = rig.customer("calls-customer-early-cancel.xml", "5000", { durationMs: 300 });
  const applied = await rig.h.waitFor("EventTreatmentApplied");
  ok(await customer);
  ok(await ms);
  await sleep(50);
  assert.deepEqual(rig.h.trace(applied.connId ?? ""), [
    "EventRouteRequest@5000",
    "EventQueued@5000",
    "EventTreatmentApplied@5000",
    "EventTreatmentEnd@5000",
    "EventAbandoned@5000",
  ]);
  assert.equal(rig.h.events.find((e) => e.name === "EventTreatmentEnd")?.data.cause, "call-ended");
});

test("a treatment that fails leaves the caller on ringback (EventTreatmentNotApplied) and the call is delivered as usual", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } } });
  rig.h.hooks.tap(startTreatment, () => Promise.reject(new Error("media server ms1 answered 503")));
  rig.h.dns.requestAgentState({ dn: "1001", request: "Login", source: "desktop" });
  const agentDone = rig.agents("calls-agent-answer.xml");
  await sleep(200);
  // calls-customer-bye.xml checks that the 200 carries the agent's own SDP (no early answer to repeat).
  const customer = rig.customer("calls-customer-bye.xml", "5000");
  const failed = await rig.h.waitFor("EventTreatmentNotApplied");
  assert.equal(failed.data.code, "TANDEM_ERR_CALLS_TREATMENT_FAILED");
  assert.match(String(failed.data.message), /503/);
  rig.h.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
  ok(await customer);
  ok(await agentDone);
  assert.equal(rig.h.model.history()[0]?.outcome, "answered");
});

test("a customer that supports 100rel gets the treatment's 183 reliably and PRACKs it (RFC 3262)", { timeout: 180_000 }, async (t) => {
  const { rig, ms, agent } = await treatmentRig(t);
  const agentDone = agent("calls-agent-answer.xml");
  const customer = rig.customer("calls-customer-early-media-100rel.xml", "5000", { durationMs: 300, extraArgs: ["-set", "answer_port", "40000"] });
  const applied = await rig.h.waitFor("EventTreatmentApplied");
  // Time for the PRACK and its 200 before the agent rings (the scenario checks that order).
  await sleep(300);
  rig.h.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
  ok(await customer);
  ok(await agentDone);
  ok(await ms);
  await sleep(50);
  assert.equal(rig.h.trace(applied.connId ?? "").at(-1), "EventReleased@1001");
  assert.equal(rig.h.model.history()[0]?.outcome, "answered");
});
