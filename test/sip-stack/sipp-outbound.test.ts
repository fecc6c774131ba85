/**
 * Outbound legs against sipp callees: an offerless INVITE whose 2xx offer is answered in the ACK
 * (RFC 3725 flow I), and `noAnswerTimeoutMs` cancelling a ringing call (RFC 3261 §9.1) with the
 * `answered` promise rejected as a 408 timeout.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SipError } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { runSipp } from "../support/sipp.js";
import { suiteTestStack } from "../support/suite-stack.js";
import { startTestStack, testSdp } from "../support/test-stack.js";

describe("outbound legs", { timeout: 300_000 }, () => {
  const t = suiteTestStack();

  it("answers the 2xx offer of an offerless INVITE in the ACK", async () => {
    const port = await freePort();
    const uas = runSipp({ scenario: "uas-delayed-offer.xml", localPort: port, calls: 1, timeoutS: 15 });
    await new Promise((r) => setTimeout(r, 300));
    let offered: string | undefined;
    const call = t.stack.verbs.invite({
      target: `sip:2001@127.0.0.1:${port}`,
      onOffer: async (offer) => {
        offered = offer;
        return testSdp(41000);
      },
    });
    const leg = await call.answered;
    assert.match(offered ?? "", /m=audio/);
    assert.equal(leg.remoteSdp, offered);
    assert.equal(leg.localSdp, testSdp(41000));
    await new Promise((r) => setTimeout(r, 200));
    await leg.bye();
    const r = await uas;
    assert.equal(r.failed, 0, r.errors);
    assert.equal(r.successful, 1, r.errors);
  });

  it("cancels a ringing call after noAnswerTimeoutMs", async () => {
    const port = await freePort();
    const uas = runSipp({ scenario: "uas-noanswer.xml", localPort: port, calls: 1, timeoutS: 15 });
    await new Promise((r) => setTimeout(r, 300));
    const progress: number[] = [];
    const call = t.stack.verbs.invite({
      target: `sip:2001@127.0.0.1:${port}`,
      sdp: testSdp(),
      noAnswerTimeoutMs: 800,
      onProgress: (response) => progress.push(response.status),
    });
    const error = await call.answered.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof SipError);
    assert.equal(error.status, 408);
    assert.equal(error.origin, "timeout");
    assert.deepEqual(progress, [180]);
    const r = await uas;
    assert.equal(r.failed, 0, r.errors);
    assert.equal(r.successful, 1, r.errors);
  });

  it("still CANCELs when the first provisional arrives only after noAnswerTimeoutMs (RFC 3261 §9.1)", async () => {
    const port = await freePort();
    // Over TCP (no INVITE retransmissions during sipp's pause): 180 after 1,200 ms, then it waits for our CANCEL.
    const uas = runSipp({ scenario: "media-server-uas-ring.xml", localPort: port, transport: "t1", calls: 1, timeoutS: 15, extraArgs: ["-d", "1200"] });
    await new Promise((r) => setTimeout(r, 300));
    const call = t.stack.verbs.invite({ target: `sip:annc@127.0.0.1:${port};transport=tcp;play=x`, sdp: testSdp(), noAnswerTimeoutMs: 500 });
    const error = await call.answered.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof SipError);
    assert.equal(error.status, 408);
    const r = await uas;
    assert.equal(r.failed, 0, r.errors);
    assert.equal(r.successful, 1, r.errors);
  });

  it("fails fast with 503 (origin transport) when a TCP target refuses the connection", async () => {
    const port = await freePort(); // nothing listens there
    const started = Date.now();
    const call = t.stack.verbs.invite({ target: `sip:2001@127.0.0.1:${port};transport=tcp`, sdp: testSdp() });
    const error = await call.answered.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof SipError, String(error));
    assert.equal(error.status, 503);
    assert.equal(error.origin, "transport");
    assert.ok(Date.now() - started < 5000);
  });

  it("retries a re-INVITE answered 491 after the RFC 3261 §14.1 delay", async () => {
    const port = await freePort();
    const uas = runSipp({ scenario: "uas-glare.xml", localPort: port, calls: 1, timeoutS: 20 });
    await new Promise((r) => setTimeout(r, 300));
    const leg = await t.stack.verbs.invite({ target: `sip:2001@127.0.0.1:${port}`, sdp: testSdp() }).answered;
    const started = Date.now();
    await leg.hold();
    const waited = Date.now() - started;
    assert.ok(waited >= 2100 && waited < 6000, `retried after ${waited} ms`);
    assert.match(leg.localSdp ?? "", /a=sendonly/);
    await leg.bye();
    const r = await uas;
    assert.equal(r.failed, 0, r.errors);
    assert.equal(r.successful, 1, r.errors);
  });

  it("sends out-of-dialog requests and resolves with the final response", async () => {
    const port = await freePort();
    const uas = runSipp({ scenario: "uas-options.xml", localPort: port, calls: 1, timeoutS: 10 });
    await new Promise((r) => setTimeout(r, 300));
    const response = await t.stack.verbs.request({ method: "OPTIONS", target: `sip:127.0.0.1:${port}` });
    assert.equal(response.status, 200);
    assert.match(response.header("allow") ?? "", /INVITE/);
    const r = await uas;
    assert.equal(r.successful, 1, r.errors);
  });

  it("rejects a request nobody answers with 408 (origin timeout) after 64·T1, retransmitting meanwhile", async () => {
    const fast = await startTestStack({ timers: { t1: 50, t2: 400, t4: 500 } });
    try {
      const silent = await freePort(); // nothing listens on this UDP port
      const started = Date.now();
      const error = await fast.stack.verbs.request({ method: "OPTIONS", target: `sip:127.0.0.1:${silent}` }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const elapsed = Date.now() - started;
      assert.ok(error instanceof SipError, String(error));
      assert.equal(error.status, 408);
      assert.equal(error.origin, "timeout");
      assert.ok(elapsed >= 3000 && elapsed < 6000, `Timer F after ${elapsed} ms`);
      assert.ok(fast.stack.stats().retransmissions >= 5, "Timer E retransmissions (RFC 3261 §17.1.2.2)");
    } finally {
      await fast.stack.stop();
    }
  });
});
