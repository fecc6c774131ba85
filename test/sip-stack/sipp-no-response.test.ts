/**
 * `noResponseTimeoutMs` on an INVITE we send, against sipp: a next hop that sends nothing at all (not even 100
 * Trying) makes `answered` reject early with 408, origin `timeout`, reason `No Response` — long before Timer B
 * (64·T1, RFC 3261 §17.1.1.2) — and when it then rings after all, the CANCEL we owe goes out (§9.1) and the
 * INVITE ends with 487.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NO_RESPONSE_REASON, SipError } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { runSipp } from "../support/sipp.js";
import { suiteTestStack } from "../support/suite-stack.js";
import { testSdp } from "../support/test-stack.js";

describe("INVITE with no response", { timeout: 300_000 }, () => {
  const t = suiteTestStack();

  it("rejects after noResponseTimeoutMs, then CANCELs once the late 180 arrives", async () => {
    const port = await freePort();
    const uas = runSipp({ scenario: "uas-silent-then-ring.xml", localPort: port, calls: 1, timeoutS: 15 });
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    const call = t.stack.verbs.invite({ target: `sip:2001@127.0.0.1:${port}`, sdp: testSdp(), noResponseTimeoutMs: 500, noAnswerTimeoutMs: 10_000 });
    const error = await call.answered.then(
      () => undefined,
      (e: unknown) => e,
    );
    const ms = performance.now() - started;
    assert.ok(error instanceof SipError);
    assert.deepEqual([error.status, error.origin, error.reason], [408, "timeout", NO_RESPONSE_REASON]);
    assert.ok(ms < 1400, `gave up after ${ms.toFixed(0)} ms, before the callee's first response`);
    const r = await uas;
    assert.equal(r.failed, 0, r.errors);
    assert.equal(r.successful, 1, r.errors || r.stderr);
  });

  it("a provisional response in time keeps the INVITE going: the ring time-out decides", async () => {
    const port = await freePort();
    const uas = runSipp({ scenario: "uas-noanswer.xml", localPort: port, calls: 1, timeoutS: 15 });
    await new Promise((r) => setTimeout(r, 300));
    const call = t.stack.verbs.invite({ target: `sip:2001@127.0.0.1:${port}`, sdp: testSdp(), noResponseTimeoutMs: 300, noAnswerTimeoutMs: 900 });
    const error = await call.answered.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof SipError);
    assert.deepEqual([error.status, error.origin, error.reason], [408, "timeout", "No Answer"]);
    const r = await uas;
    assert.equal(r.failed, 0, r.errors);
  });
});
