/**
 * 10 % packet loss over UDP (sipp -lost 10), both directions: the reliability layer's RFC 3261 §17
 * retransmissions must carry every call to completion, and no retransmission may be answered 481/500.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SipError } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startTestStack, testSdp, type TestStack } from "../support/test-stack.js";

for (const udpThread of [false, true]) describe(`UDP with 10 % loss, sockets ${udpThread ? "in their own thread" : "in the SIP thread"}`, { timeout: 300_000 }, () => {
  let t: TestStack;
  before(async () => {
    t = await startTestStack({ udpThread });
    t.stack.verbs.onInvite(async (invite) => {
      await invite.accept({ sdp: testSdp() });
      return true;
    });
  });
  after(async () => {
    killAllSipp();
    await t.stack.stop();
  });

  it("sipp UAC → Tandem: 100 % complete, no 481/500", async () => {
    const result = await runSipp({
      scenario: "uac-call.xml",
      remote: `127.0.0.1:${t.port}`,
      localPort: await freePort(),
      service: "1001",
      calls: 40,
      rate: 20,
      lost: 10,
      timeoutS: 50,
    });
    assert.equal(result.failed, 0, result.errors);
    assert.equal(result.successful, 40, result.errors);
    assert.doesNotMatch(result.errors, /SIP\/2\.0 (481|500)/);
  });

  it("Tandem UAC → sipp UAS: 100 % complete, no 481/500", async () => {
    const uasPort = await freePort();
    const calls = 30;
    const retransmittedBefore = t.stack.stats().retransmissions;
    const uas = runSipp({ scenario: "uas-answer-lossy.xml", localPort: uasPort, calls, lost: 10, timeoutS: 55 });
    await new Promise((r) => setTimeout(r, 300));
    const outcomes = await Promise.all(
      Array.from({ length: calls }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 50));
        const call = t.stack.verbs.invite({ target: `sip:uas@127.0.0.1:${uasPort}`, from: "sip:1001@127.0.0.1", sdp: testSdp() });
        const leg = await call.answered;
        await new Promise((r) => setTimeout(r, 200));
        await leg.bye();
        return "ok";
      }).map((p) => p.catch((e: unknown) => (e instanceof SipError ? `SIP ${e.status} ${e.origin}` : String(e)))),
    );
    const result = await uas;
    assert.deepEqual(outcomes.filter((o) => o !== "ok"), []);
    assert.equal(result.failed, 0, result.errors);
    assert.equal(result.successful, calls, result.errors);
    // The loss was real: our layer had to retransmit (INVITEs sipp dropped, BYEs, re-ACKs).
    assert.ok(t.stack.stats().retransmissions > retransmittedBefore, "no retransmission happened: the run proved nothing");
  });
});
