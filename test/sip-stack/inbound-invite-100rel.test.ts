/**
 * InboundInviteImpl with 100rel (RFC 3262 §3) on a real sip.js core fed by our parser, with fake timers: which
 * 18x go reliably, the 504 and the cancel listeners when no PRACK comes within 64·T1, and no more copies once
 * the INVITE is answered. The end-to-end flow with a PRACKing customer is in test/calls/sipp-treatment.test.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Timers, URI, type IncomingInviteRequest } from "sip.js/lib/core/index.js";
import { InboundInviteImpl, type InboundInit } from "../../core/src/sip/b2bua/inbound-invite.js";
import { requestInfo } from "../../core/src/sip/messages/message-info.js";
import { makeContact } from "../../core/src/sip/stack/shard.js";
import { type Harness, headerOf, makeHarness, parseOurs, withLength } from "../sip-parser/core-harness.js";
import { advance, type TimeTravel } from "../support/fake-time.js";

const SDP = ["v=0", "o=caller 1 1 IN IP4 10.0.0.9", "s=-", "c=IN IP4 10.0.0.9", "t=0 0", "m=audio 40000 RTP/AVP 0", ""].join("\r\n");
const ANSWER = SDP.replace("o=caller", "o=ms");

function invite(extra: string[], withOffer = true): string {
  const lines = [
    "INVITE sip:5000@10.0.0.1:5060;transport=tcp SIP/2.0",
    "Via: SIP/2.0/TCP 10.0.0.9:5060;branch=z9hG4bK-in100rel",
    "Max-Forwards: 70",
    "From: <sip:5551234@10.0.0.9>;tag=caller-tag",
    "To: <sip:5000@10.0.0.1>",
    "Call-ID: in100rel-call",
    "CSeq: 3 INVITE",
    "Contact: <sip:5551234@10.0.0.9:5060;transport=tcp>",
    ...extra,
  ];
  return withOffer ? withLength([...lines, "Content-Type: application/sdp"], SDP) : withLength(lines);
}



/** An InboundInviteImpl on the harness's core, with just the port and shard parts it uses. */
function receive(text: string): { h: Harness; invite: InboundInviteImpl; cancels: number[]; sent: (prefix: string) => string[] } {
  const uases: IncomingInviteRequest[] = [];
  const h = makeHarness(parseOurs, { onInvite: (uas) => void uases.push(uas) });
  h.receive(text);
  const uas = uases[0];
  assert.ok(uas);
  const quiet = { debug() {}, info() {}, warn() {} };
  const contact = makeContact(new URI("sip", "5000", "10.0.0.1", 5060, { transport: "tcp" }));
  const init = {
    uas,
    request: requestInfo(uas.message, { transport: "tcp", address: "10.0.0.9", port: 5060 }),
    shard: { config: h.config },
    port: { contact: () => contact, deps: { logger: quiet } },
    transport: "tcp",
    onLeg: () => undefined,
    onGone: () => undefined,
  } as unknown as InboundInit;
  const invite = new InboundInviteImpl(init);
  const cancels: number[] = [];
  invite.onCancel(() => void cancels.push(1));
  return { h, invite, cancels, sent: (prefix) => h.sent.filter((m) => m.startsWith(prefix)) };
}

/** Runs `body` on a received INVITE and always ends it while fake time still runs (no timer outlives the test). */
function withInvite(t: TimeTravel, text: string, body: (r: ReturnType<typeof receive>) => void): void {
  const r = receive(text);
  try {
    body(r);
  } finally {
    r.invite.reject(486);
    advance(t, 2 * 64 * Timers.T1);
  }
}

describe("InboundInvite and 100rel (RFC 3262 §3)", { timeout: 300_000 }, () => {
  it("Require: 100rel and no PRACK: every 18x reliable, then 504 after 64·T1 and the cancel listeners run", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    withInvite(t, invite(["Require: 100rel"]), (r) => {
      r.invite.progress();
      const ringing = r.sent("SIP/2.0 180")[0] ?? "";
      assert.equal(headerOf(ringing, "Require"), "100rel");
      assert.match(headerOf(ringing, "RSeq"), /^\d+$/);
      advance(t, 64 * Timers.T1);
      assert.equal(r.sent("SIP/2.0 180").length, 7);
      const final = r.sent("SIP/2.0 504")[0] ?? "";
      assert.match(final, /^SIP\/2\.0 504 Reliable Response Time-out\r\n/);
      assert.deepEqual(r.cancels, [1]);
      assert.equal(r.invite.cancelled, true);
    });
  });

  it("Supported: 100rel: the 180 goes unreliably, the 183 with SDP reliably; the 200 stops its copies", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    withInvite(t, invite(["Supported: timer, 100rel"]), (r) => {
      r.invite.progress();
      assert.throws(() => headerOf(r.sent("SIP/2.0 180")[0] ?? "", "RSeq"));
      r.invite.progress({ status: 183, sdp: ANSWER });
      assert.match(headerOf(r.sent("SIP/2.0 183")[0] ?? "", "RSeq"), /^\d+$/);
      t.mock.timers.tick(Timers.T1);
      assert.equal(r.sent("SIP/2.0 183").length, 2);
      const leg = r.invite.accept({ sdp: ANSWER });
      leg.catch(() => undefined);
      advance(t, 64 * Timers.T1);
      assert.equal(r.sent("SIP/2.0 183").length, 2, "no copy after the 200");
      assert.deepEqual(r.cancels, []);
    });
  });

  it("an offerless INVITE that only supports 100rel gets its 183 as before (its SDP would be an offer)", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    withInvite(t, invite(["Supported: 100rel"], false), (r) => {
      r.invite.progress({ status: 183, sdp: ANSWER });
      assert.throws(() => headerOf(r.sent("SIP/2.0 183")[0] ?? "", "RSeq"));
      assert.equal(r.sent("SIP/2.0 183").length, 1);
    });
  });

  it("an offerless INVITE that requires 100rel gets its 183 reliably but without SDP (it would be an offer)", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    withInvite(t, invite(["Require: 100rel"], false), (r) => {
      r.invite.progress({ status: 183, sdp: ANSWER });
      const progress = r.sent("SIP/2.0 183")[0] ?? "";
      assert.match(headerOf(progress, "RSeq"), /^\d+$/);
      assert.match(progress, /Content-Length: 0\r\n/);
    });
  });

  it("a PRACK for an unreliable 18x matches nothing: 481, where sip.js alone would say 200", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    withInvite(t, invite([]), (r) => {
      r.invite.progress();
      const ringing = r.sent("SIP/2.0 180")[0] ?? "";
      assert.throws(() => headerOf(ringing, "RSeq"));
      r.h.receive(
        withLength([
          "PRACK sip:5000@10.0.0.1:5060;transport=tcp SIP/2.0",
          "Via: SIP/2.0/TCP 10.0.0.9:5060;branch=z9hG4bK-in100rel-prack",
          "Max-Forwards: 70",
          "From: <sip:5551234@10.0.0.9>;tag=caller-tag",
          `To: ${headerOf(ringing, "To")}`,
          "Call-ID: in100rel-call",
          "CSeq: 4 PRACK",
          "RAck: 1 3 INVITE",
        ]),
      );
      assert.match(r.sent("SIP/2.0 481")[0] ?? "", /CSeq: 4 PRACK/);
      assert.equal(r.sent("SIP/2.0 200").length, 0);
    });
  });
});
