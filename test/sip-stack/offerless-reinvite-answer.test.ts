/**
 * An offerless re-INVITE from the peer to a leg whose `onOffer` makes the offer (RFC 3261 §14.1, §13.2.1; RFC 3264
 * §4): our 2xx carries the handler's offer and the peer's answer, which comes in the ACK, reaches the handler
 * through its OfferlessExchange. A sipp caller sends the re-INVITE with no body, checks the 200 carries our offer
 * (s=uas-offer) and answers in its ACK (s=uac-answer).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OfferlessExchange } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startTestStack, type TestStack } from "../support/test-stack.js";
import { until } from "../support/until.js";

const OUR_OFFER = ["v=0", "o=tandem 7 1 IN IP4 127.0.0.1", "s=uas-offer", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 40100 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=sendrecv", ""].join("\r\n");

describe("offerless re-INVITE answered by an onOffer handler", { timeout: 300_000 }, () => {
  let t: TestStack;
  const answers: string[] = [];
  const offers: Array<{ offer: string | undefined; exchange: OfferlessExchange | undefined }> = [];
  before(async () => {
    t = await startTestStack();
    t.stack.verbs.onInvite(async (inbound) => {
      const leg = await inbound.accept({ sdp: OUR_OFFER.replace("s=uas-offer", "s=first-answer") });
      leg.onOffer(async (offer, _kind, exchange) => {
        offers.push({ offer, exchange });
        exchange?.onAnswer((answer) => answers.push(answer));
        return OUR_OFFER;
      });
      return true;
    });
  });
  after(async () => {
    killAllSipp();
    await t.stack.stop();
  });

  for (const transport of ["u1", "t1"] as const) {
    it(`the ACK's answer reaches the handler over ${transport === "u1" ? "UDP" : "TCP"}`, async () => {
      answers.length = 0;
      offers.length = 0;
      const calls = 3;
      const uac = await runSipp({ scenario: "b2b-uac-offerless.xml", remote: `127.0.0.1:${t.port}`, localPort: await freePort(), transport, service: "1001", calls, rate: 5, timeoutS: 30 });
      assert.equal(uac.failed, 0, uac.errors);
      assert.equal(uac.successful, calls, uac.errors);
      await until(() => answers.length === calls, 2000);
      assert.equal(offers.length, calls);
      assert.ok(offers.every((o) => o.offer === undefined && o.exchange !== undefined), "an offerless re-INVITE comes with an exchange");
      assert.ok(answers.every((a) => /s=uac-answer/.test(a)), `answers: ${answers.join("\n---\n")}`);
    });
  }
});
