/**
 * One SIPREC session on its own (the embedded engine's room with two RTP test parties as the call's sides, the
 * real SIP stack on loopback, a sipp SRS): a change of participants is sent as a re-INVITE whose metadata names
 * the new agent and keeps the customer and both labelled streams (RFC 7866 §6.1.2; the SRS scenario checks it),
 * RTP goes on flowing on both streams after it, and stop() sends the BYE; the call's parties speak to the room
 * again afterwards.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import type { MediaEngine } from "@tandem/plugin-media-engine";
import { RtpParty } from "@tandem/sdk/testing/media";
import { SiprecSession } from "../../plugins/recording/src/siprec/siprec-session.js";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startTestStack } from "../support/test-stack.js";
import { closeParties, joinWithTone, shareHearing, sleep, startEngine } from "../media-engine/engine-fixture.js";
import { sippOk } from "../desktop-calls/support/desktop-rig.js";

const SCENARIO = resolve(fileURLToPath(new URL("../fixtures/recording/srs-update.xml", import.meta.url)));
const CUSTOMER = 400;
const AGENT = 1100;

let engine: MediaEngine | undefined;
after(async () => {
  killAllSipp();
  await closeParties();
  await engine?.close();
});

test("a participant change is a re-INVITE with new metadata; RTP goes on; stop sends BYE and the sides speak to the room again", { timeout: 180_000 }, async (t) => {
  engine = await startEngine();
  const stack = await startTestStack({ served: [] });
  t.after(() => stack.stack.stop());
  const stream1 = await RtpParty.open({ codec: "PCMU" });
  const stream2 = await RtpParty.open({ codec: "PCMU" });
  t.after(() => Promise.all([stream1.close(), stream2.close()]));
  const srsPort = await freePort();
  const srs = runSipp({ scenario: SCENARIO, localPort: srsPort, calls: 1, timeoutS: 60, extraArgs: ["-key", "srs_port1", String(stream1.port), "-key", "srs_port2", String(stream2.port)] });
  await sleep(300);
  const room = await engine.createRoom();
  t.after(() => room.close());
  const customer = await joinWithTone(room, "customer", CUSTOMER);
  const agent = await joinWithTone(room, "agent", AGENT);
  const session = await SiprecSession.start(
    stack.stack.verbs,
    room,
    { customers: [customer.party], agents: [agent.party] },
    { srs: [`sip:srs@127.0.0.1:${srsPort}`], answerMs: 5000 },
    "conn-1",
    [
      { aor: "sip:5550100@tandem.invalid", name: "5550100", side: "customer" },
      { aor: "sip:1001@tandem.invalid", name: "1001", side: "agent" },
    ],
  );
  await sleep(800);
  await session.update([
    { aor: "sip:5550100@tandem.invalid", name: "5550100", side: "customer" },
    { aor: "sip:1002@tandem.invalid", name: "1002", side: "agent" },
  ]);
  const from = stream1.now() + 200;
  await sleep(1500);
  assert.ok(shareHearing(stream1, [CUSTOMER], from) >= 0.9, "stream 1 still carries the customer alone");
  assert.ok(shareHearing(stream2, [AGENT], from) >= 0.9, "stream 2 still carries the agent alone");
  assert.ok(shareHearing(customer.rtp, [AGENT], from) >= 0.9, "the customer hears the agent meanwhile");
  await session.stop();
  assert.equal(sippOk(await srs), undefined, "the SRS saw the update and the BYE");
  assert.deepEqual([...room.parties()].sort(), ["agent", "customer"], "the recorder parties left");
  const after = customer.rtp.now() + 200;
  await sleep(800);
  assert.ok(shareHearing(agent.rtp, [CUSTOMER], after) >= 0.9, "the agent hears the customer again as a plain room party");
});
