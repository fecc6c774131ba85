/**
 * invite-release.ts: a received INVITE loses its parsed headers only once sip.js's INVITE server transaction has
 * terminated (Timer L, RFC 6026 §8.7); the SDK's request view still reads them. A real sip.js core, fed by our
 * parser, with fake timers.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Timers, type IncomingInviteRequest } from "sip.js/lib/core/index.js";
import { releaseHeadersWhenTerminated } from "../../core/src/sip/messages/invite-release.js";
import { requestInfo } from "../../core/src/sip/messages/message-info.js";
import { headerOf, makeHarness, parseOurs, withLength } from "../sip-parser/core-harness.js";

const SDP = ["v=0", "o=agent 1 1 IN IP4 10.0.0.2", "s=-", "c=IN IP4 10.0.0.2", "t=0 0", "m=audio 40000 RTP/AVP 0", ""].join("\r\n");

describe("releasing a received INVITE's parsed headers when its transaction ends", { timeout: 300_000 }, () => {
  it("keeps a received INVITE's parsed headers until Timer L, then drops them; request.header() still reads them", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const invites: IncomingInviteRequest[] = [];
    const h = makeHarness(parseOurs, {
      onInvite: (uas) => {
        invites.push(uas);
        releaseHeadersWhenTerminated(uas);
      },
    });
    const invite = withLength(
      [
        "INVITE sip:5000@10.0.0.1:5060;transport=tcp SIP/2.0",
        "Via: SIP/2.0/TCP 10.0.0.9:5060;branch=z9hG4bK-release-uas-1",
        "Max-Forwards: 70",
        "From: \"Customer\" <sip:5551234@10.0.0.9>;tag=customer-tag",
        "To: <sip:5000@10.0.0.1>",
        "Call-ID: release-uas-call",
        "CSeq: 7 INVITE",
        "Contact: <sip:5551234@10.0.0.9:5060;transport=tcp>",
        "X-Customer-Id: 4711",
        "Content-Type: application/sdp",
      ],
      SDP,
    );
    h.receive(invite);
    const uas = invites[0];
    assert.ok(uas);
    const info = requestInfo(uas.message, { transport: "tcp", address: "10.0.0.9", port: 5060 });
    const session = uas.accept({ statusCode: 200, body: { contentDisposition: "session", contentType: "application/sdp", content: SDP } }).session;
    const ok = h.sent[h.sent.length - 1] ?? "";
    assert.match(ok, /^SIP\/2\.0 200 OK/);
    const ack = withLength([
      `ACK sip:tandem@10.0.0.1:5060;transport=tcp SIP/2.0`,
      "Via: SIP/2.0/TCP 10.0.0.9:5060;branch=z9hG4bK-release-uas-ack",
      "Max-Forwards: 70",
      "From: \"Customer\" <sip:5551234@10.0.0.9>;tag=customer-tag",
      `To: ${headerOf(ok, "To")}`,
      "Call-ID: release-uas-call",
      "CSeq: 7 ACK",
    ]);
    h.receive(ack);

    // Within 64·T1 a retransmitted INVITE is absorbed (RFC 6026 §7.1) and the parsed headers are all there.
    t.mock.timers.tick(Timers.TIMER_L / 2);
    h.receive(invite);
    assert.equal(invites.length, 1);
    assert.equal(uas.message.getHeader("X-Customer-Id"), "4711");

    // Timer L: the server transaction ends, its copy of the INVITE loses the parsed headers…
    t.mock.timers.tick(Timers.TIMER_L);
    assert.equal(uas.message.getHeader("X-Customer-Id"), undefined);
    assert.equal(uas.message.ruri, undefined);
    assert.equal(uas.message.cseq, 7);
    // …the SDK view still reads them (parsed again from the text)…
    assert.equal(info.header("X-Customer-Id"), "4711");
    assert.equal(info.header("i"), "release-uas-call");
    assert.deepEqual(info.headers("Via"), ["SIP/2.0/TCP 10.0.0.9:5060;branch=z9hG4bK-release-uas-1"]);
    // …a late ACK copy is still matched by CSeq (RFC 3261 §13.3.1.4) without error, and BYE comes from dialog state.
    assert.doesNotThrow(() => h.receive(ack));
    const before = h.sent.length;
    session.bye();
    const bye = h.sent[before] ?? "";
    assert.match(bye, /^BYE sip:5551234@10\.0\.0\.9:5060;transport=tcp SIP\/2\.0\r\n/);
    assert.equal(headerOf(bye, "Call-ID"), "release-uas-call");
    assert.match(headerOf(bye, "To"), /;tag=customer-tag/);
  });
});
