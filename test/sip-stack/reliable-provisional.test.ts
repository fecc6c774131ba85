/**
 * reliable-provisional.ts (RFC 3262 §3) on a real sip.js core fed by our parser, with fake timers: the reliable
 * 18x carries Require: 100rel and RSeq, is sent again at T1, 2·T1 … until a PRACK with the right RAck, one at a
 * time, and the INVITE is given up after 64·T1 without a PRACK.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Timers, type IncomingInviteRequest } from "sip.js/lib/core/index.js";
import { ReliableProvisionals, reliabilityOf, type SendProvisional } from "../../core/src/sip/extensions/reliable-provisional.js";
import { type Harness, headerOf, makeHarness, parseOurs, withLength } from "../sip-parser/core-harness.js";
import { advance, type TimeTravel } from "../support/fake-time.js";

const SDP = ["v=0", "o=ms 1 1 IN IP4 10.0.0.3", "s=-", "c=IN IP4 10.0.0.3", "t=0 0", "m=audio 40000 RTP/AVP 0", ""].join("\r\n");

function inviteWith(extra: string[]): string {
  return withLength(
    [
      "INVITE sip:5000@10.0.0.1:5060;transport=tcp SIP/2.0",
      "Via: SIP/2.0/TCP 10.0.0.9:5060;branch=z9hG4bK-rel-invite",
      "Max-Forwards: 70",
      "From: <sip:5551234@10.0.0.9>;tag=caller-tag",
      "To: <sip:5000@10.0.0.1>",
      "Call-ID: rel-call",
      "CSeq: 7 INVITE",
      "Contact: <sip:5551234@10.0.0.9:5060;transport=tcp>",
      ...extra,
      "Content-Type: application/sdp",
    ],
    SDP,
  );
}

let prackCseq = 8;
function prackFor(provisional: string, rack: string): string {
  const cseq = prackCseq++;
  return withLength([
    "PRACK sip:5000@10.0.0.1:5060;transport=tcp SIP/2.0",
    `Via: SIP/2.0/TCP 10.0.0.9:5060;branch=z9hG4bK-rel-prack-${cseq}`,
    "Max-Forwards: 70",
    "From: <sip:5551234@10.0.0.9>;tag=caller-tag",
    `To: ${headerOf(provisional, "To")}`,
    "Call-ID: rel-call",
    `CSeq: ${cseq} PRACK`,
    `RAck: ${rack}`,
  ]);
}

interface Rig {
  h: Harness;
  uas: IncomingInviteRequest;
  reliable: ReliableProvisionals;
  gaveUp: number[];
  send(status: number, sdp: boolean): SendProvisional;
  /** Responses the core sent, by first line prefix. */
  sentLike(prefix: string): string[];
  /** Ends the INVITE and lets its transaction run out, so that no timer outlives the test. */
  close(t: TimeTravel): void;
}


function rig(extra: string[] = ["Supported: 100rel"]): Rig {
  const invites: IncomingInviteRequest[] = [];
  const h = makeHarness(parseOurs, { onInvite: (uas) => void invites.push(uas) });
  h.receive(inviteWith(extra));
  const uas = invites[0];
  assert.ok(uas);
  const mode = reliabilityOf(uas.message);
  assert.ok(mode);
  const gaveUp: number[] = [];
  const reliable = new ReliableProvisionals(mode, uas.message.cseq, () => void gaveUp.push(1));
  return {
    h,
    uas,
    reliable,
    gaveUp,
    send: (statusCode, sdp) => (extraHeaders) =>
      uas.progress({ statusCode, extraHeaders, ...(sdp ? { body: { contentDisposition: "session", contentType: "application/sdp", content: SDP } } : {}) }).session,
    sentLike: (prefix) => h.sent.filter((m) => m.startsWith(prefix)),
    close: (t) => {
      reliable.stop();
      uas.reject({ statusCode: 486 });
      advance(t, 2 * 64 * Timers.T1);
    },
  };
}

/** Runs `body` on a fresh rig and always ends its INVITE while fake time still runs (no timer outlives the test). */
function withRig(t: TimeTravel, extra: string[] | undefined, body: (r: Rig) => void): void {
  const r = rig(extra);
  try {
    body(r);
  } finally {
    r.close(t);
  }
}

const rseqOf = (text: string): number => Number(headerOf(text, "RSeq"));


describe("reliable provisional responses (RFC 3262 §3)", { timeout: 300_000 }, () => {
  it("tells what the caller asked for from Require and Supported", () => {
    const message = (extra: string[]) => parseOurs(inviteWith(extra)) as Parameters<typeof reliabilityOf>[0];
    assert.equal(reliabilityOf(message(["Require: 100rel"])), "required");
    assert.equal(reliabilityOf(message(["Supported: timer, 100REL", "Require: timer"])), "supported");
    assert.equal(reliabilityOf(message(["Supported: timer", "Supported: 100rel"])), "supported");
    assert.equal(reliabilityOf(message(["Supported: timer, 100relx"])), undefined);
    assert.equal(reliabilityOf(message([])), undefined);
  });

  it("sends the 183 with Require and RSeq again at T1, 2·T1, 4·T1 until the matching PRACK, which gets 200", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    withRig(t, undefined, (r) => {
      assert.equal(r.reliable.wants(true), true);
      assert.equal(r.reliable.wants(false), false, "Supported only: an 18x without SDP goes unreliably");
      r.reliable.send(r.send(183, true), true);
      const first = r.sentLike("SIP/2.0 183")[0] ?? "";
      assert.equal(headerOf(first, "Require"), "100rel");
      const rseq = rseqOf(first);
      assert.ok(rseq >= 1 && rseq <= 0x7fffffff);

      t.mock.timers.tick(Timers.T1 - 1);
      assert.equal(r.sentLike("SIP/2.0 183").length, 1);
      t.mock.timers.tick(1);
      t.mock.timers.tick(2 * Timers.T1);
      t.mock.timers.tick(4 * Timers.T1);
      const copies = r.sentLike("SIP/2.0 183");
      assert.equal(copies.length, 4);
      for (const copy of copies) assert.equal(copy, first, "the same response, same RSeq");

      r.h.receive(prackFor(first, `${rseq + 1} 7 INVITE`));
      assert.match(r.sentLike("SIP/2.0 481").at(-1) ?? "", /CSeq: \d+ PRACK/, "a PRACK for another RSeq is 481");
      r.h.receive(prackFor(first, `${rseq} 7 INVITE`));
      assert.match(r.sentLike("SIP/2.0 200").at(-1) ?? "", /CSeq: \d+ PRACK/);
      advance(t, 64 * Timers.T1);
      assert.equal(r.sentLike("SIP/2.0 183").length, 4, "nothing again once acknowledged");
      assert.deepEqual(r.gaveUp, []);
    });
  });

  it("gives the INVITE up at 64·T1 when no PRACK comes, after six retransmissions", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    withRig(t, ["Require: 100rel"], (r) => {
      r.reliable.send(r.send(180, false), false);
      advance(t, 64 * Timers.T1 - 1);
      assert.equal(r.sentLike("SIP/2.0 180").length, 7, "at 0, .5, 1.5, 3.5, 7.5, 15.5 and 31.5 s with T1 = 0.5 s");
      assert.deepEqual(r.gaveUp, []);
      t.mock.timers.tick(1);
      assert.deepEqual(r.gaveUp, [1]);
      advance(t, 64 * Timers.T1);
      assert.equal(r.sentLike("SIP/2.0 180").length, 7);
    });
  });

  it("holds a second reliable 18x until the first is acknowledged, then sends it with the next RSeq", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    withRig(t, ["Require: 100rel"], (r) => {
      assert.equal(r.reliable.wants(false), true, "Require: every 18x goes reliably");
      r.reliable.send(r.send(180, false), false);
      r.reliable.send(r.send(183, true), true);
      r.reliable.send(r.send(180, false), false); // does not push out the waiting early answer
      assert.equal(r.sentLike("SIP/2.0 183").length, 0);
      const first = r.sentLike("SIP/2.0 180")[0] ?? "";
      r.h.receive(prackFor(first, `${rseqOf(first)} 7 INVITE`));
      const second = r.sentLike("SIP/2.0 183")[0] ?? "";
      assert.equal(rseqOf(second), rseqOf(first) + 1);
      assert.equal(r.sentLike("SIP/2.0 180").length, 1);
      r.h.receive(prackFor(first, `${rseqOf(first)} 7 INVITE`));
      assert.match(r.sentLike("SIP/2.0 481").at(-1) ?? "", /PRACK/, "an acknowledged RSeq is not acknowledged twice");
    });
  });

  it("sends nothing again after stop() (the final response went)", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    withRig(t, undefined, (r) => {
      r.reliable.send(r.send(183, true), true);
      r.reliable.stop();
      advance(t, 64 * Timers.T1);
      assert.equal(r.sentLike("SIP/2.0 183").length, 1);
      assert.deepEqual(r.gaveUp, []);
    });
  });
});
