/**
 * What an outbound INVITE keeps once its call settled (outbound-call.ts): sip.js holds the INVITE transaction,
 * and so its delegate, for the whole dialog, so the delegate is swapped for one that only still ends a 2xx that
 * arrives after we gave up (RFC 3261 §13.2.2.4) — proven against sipp — and the call's own state is let go.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SipError, type OutboundCall, type SipVerbs } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { runSipp } from "../support/sipp.js";
import { collected } from "../support/collected.js";
import { suiteTestStack } from "../support/suite-stack.js";


const CUSTOMER_SDP = ["v=0", "o=customer 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 40000 RTP/AVP 0", ""].join("\r\n");

/** Starts a call whose `onProgress` callback is reachable only through the call's state; returns a WeakRef to it. */
function callWithTrackedOptions(verbs: SipVerbs, target: string): { call: OutboundCall; progressRef: WeakRef<object> } {
  const onProgress = (): void => undefined;
  const call = verbs.invite({ target, sdp: CUSTOMER_SDP, headers: { "X-Tandem-ConnID": "0123456789abcdef" }, onProgress });
  return { call, progressRef: new WeakRef(onProgress) };
}

describe("an outbound INVITE once its call settled", { timeout: 300_000 }, () => {
  const t = suiteTestStack();

  it("ACKs and BYEs a 2xx that crosses our CANCEL after noAnswerTimeoutMs", async () => {
    const port = await freePort();
    const uas = runSipp({ scenario: "uas-cancel-then-200.xml", localPort: port, calls: 1, timeoutS: 15 });
    await new Promise((r) => setTimeout(r, 300));
    const call = t.stack.verbs.invite({ target: `sip:2001@127.0.0.1:${port}`, sdp: CUSTOMER_SDP, noAnswerTimeoutMs: 500 });
    const error = await call.answered.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof SipError);
    assert.equal(error.status, 408);
    const r = await uas; // it waits for our ACK and BYE
    assert.equal(r.failed, 0, r.errors);
    assert.equal(r.successful, 1, r.errors);
  });

  it("lets go of the call's options while the dialog lives", async () => {
    const port = await freePort();
    const uas = runSipp({ scenario: "calls-agent-answer.xml", localPort: port, calls: 1, timeoutS: 15 });
    await new Promise((r) => setTimeout(r, 300));
    const { call, progressRef } = callWithTrackedOptions(t.stack.verbs, `sip:2001@127.0.0.1:${port}`);
    const leg = await call.answered;
    assert.equal(leg.state, "confirmed");
    assert.equal(await collected(progressRef), true, "the settled call's options are still reachable");
    await leg.bye();
    const r = await uas;
    assert.equal(r.failed, 0, r.errors);
    assert.equal(r.successful, 1, r.errors);
  });
});
