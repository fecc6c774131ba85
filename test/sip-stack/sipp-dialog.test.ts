/**
 * In-dialog behaviour sip.js does not give by itself, against sipp callers: UPDATE without SDP (session
 * refresh, RFC 4028 §10) and with SDP (RFC 3311, answered through `onOffer`), a re-INVITE answered
 * through `onOffer`, Session-Expires echoed (RFC 4028 §9); and CANCEL → 200 + 487 (RFC 3261 §9.2).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startTestStack, testSdp, type TestStack } from "../support/test-stack.js";

describe("in-dialog requests and CANCEL", { timeout: 300_000 }, () => {
  let t: TestStack;
  const offers: string[] = [];
  let cancels = 0;
  before(async () => {
    t = await startTestStack();
    t.stack.verbs.onInvite(async (invite) => {
      if (invite.dn === "1002") {
        invite.progress();
        invite.onCancel(() => cancels++);
        return true; // never answered: the caller cancels
      }
      const leg = await invite.accept({ sdp: testSdp() });
      leg.onOffer(async (offer, kind) => {
        offers.push(`${kind}:${offer ? "sdp" : "none"}`);
        return testSdp(40000, kind === "update" ? "recvonly" : "sendrecv");
      });
      return true;
    });
  });
  after(async () => {
    killAllSipp();
    await t.stack.stop();
  });

  for (const transport of ["u1", "t1"] as const) {
    it(`answers UPDATE and re-INVITE in the dialog over ${transport === "u1" ? "UDP" : "TCP"}`, async () => {
      offers.length = 0;
      const r = await runSipp({ scenario: "uac-update.xml", remote: `127.0.0.1:${t.port}`, localPort: await freePort(), transport, service: "1001", calls: 3, rate: 5, timeoutS: 20 });
      assert.equal(r.failed, 0, r.errors);
      assert.equal(r.successful, 3, r.errors);
      assert.deepEqual(offers, ["update:sdp", "reinvite:sdp", "update:sdp", "reinvite:sdp", "update:sdp", "reinvite:sdp"]);
    });

    it(`answers CANCEL with 200 and the INVITE with 487 over ${transport === "u1" ? "UDP" : "TCP"}`, async () => {
      cancels = 0;
      const r = await runSipp({ scenario: "uac-cancel.xml", remote: `127.0.0.1:${t.port}`, localPort: await freePort(), transport, service: "1002", calls: 5, rate: 10, timeoutS: 20 });
      assert.equal(r.failed, 0, r.errors);
      assert.equal(r.successful, 5, r.errors);
      assert.equal(cancels, 5);
    });
  }
});
