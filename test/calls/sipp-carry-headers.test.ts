/**
 * The caller's identity and call correlation headers reach the agent's phone (calls.carryHeaders), end to end
 * over sipp: the PBX sends P-Asserted-Identity (two values), Remote-Party-ID, Privacy and Cisco-Guid; the agent's
 * sipp scenario checks each arrived as sent. From a source outside `calls.identityTrustedPeers` the asserted
 * identities are dropped (RFC 3325 §5) while Cisco-Guid still goes through.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { sleep, startSippCalls } from "./support/sipp-calls.js";

const ok = (r: { successful: number; failed: number; errors: string; stderr: string }) => {
  assert.equal(r.failed, 0, r.errors || r.stderr);
  assert.equal(r.successful, 1, r.errors || r.stderr);
};

test("from a trusted peer: P-Asserted-Identity, Remote-Party-ID, Privacy and Cisco-Guid reach the agent's INVITE", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } }, config: { identityTrustedPeers: ["127.0.0.0/8"] } });
  rig.h.ready("1001");
  const agent = rig.agents("calls-agent-identity.xml");
  await sleep(200);
  ok(await rig.customer("calls-customer-identity.xml", "5000"));
  ok(await agent);
  await sleep(50);
  assert.equal(rig.h.model.history()[0]?.outcome, "answered");
});

test("from a peer outside identityTrustedPeers: the asserted identities are dropped, Cisco-Guid is carried", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } }, config: { identityTrustedPeers: ["10.0.0.0/8"] } });
  rig.h.ready("1001");
  const agent = rig.agents("calls-agent-untrusted-identity.xml");
  await sleep(200);
  ok(await rig.customer("calls-customer-identity.xml", "5000"));
  ok(await agent);
});

test("carryHeaders is the list: an empty one carries nothing of the caller's (the trusted PAI included)", { timeout: 180_000 }, async (t) => {
  const rig = await startSippCalls(t, { queues: { sales: { agents: ["1001"] } }, config: { carryHeaders: [], identityTrustedPeers: ["127.0.0.0/8"] } });
  rig.h.ready("1001");
  // The agent scenario that requires the identity headers must now fail on its first check.
  const agent = rig.agents("calls-agent-identity.xml", { timeoutS: 5 });
  await sleep(200);
  const customer = rig.customer("calls-customer-identity.xml", "5000", { timeoutS: 5 });
  const [a] = await Promise.all([agent, customer]);
  assert.equal(a.successful, 0, "the agent's scenario found no P-Asserted-Identity");
  assert.equal(a.failed, 1, a.stderr);
});
