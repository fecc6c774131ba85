/**
 * initial-transaction.ts: a sip.js SessionDialog lets go of its initial INVITE transaction once that has
 * terminated (RFC 6026 Timers M and L), and still behaves as before: retransmitted 2xx are re-ACKed until Timer M
 * (RFC 3261 §13.2.2.4), a late ACK is matched by CSeq (§13.3.1.4), a missing ACK still ends the call, BYE comes
 * from dialog state. A real sip.js core fed by our parser, fake timers, and a real garbage collection to show
 * that the transaction is gone.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  InviteClientTransaction,
  InviteServerTransaction,
  Timers,
  TransactionState,
  URI,
  type IncomingInviteRequest,
  type OutgoingInviteRequest,
  type Session,
  type SessionDelegate,
} from "sip.js/lib/core/index.js";
import { releaseInitialTransaction } from "../../core/src/sip/dialogs/initial-transaction.js";
import { type Harness, headerOf, makeHarness, parseOurs, withLength } from "../sip-parser/core-harness.js";
import { collected } from "../support/collected.js";

const SDP = ["v=0", "o=agent 1 1 IN IP4 10.0.0.2", "s=-", "c=IN IP4 10.0.0.2", "t=0 0", "m=audio 40000 RTP/AVP 0", ""].join("\r\n");
const SDP_BODY = { contentDisposition: "session", contentType: "application/sdp", content: SDP };

const heldTransaction = (session: Session): unknown => Reflect.get(session, "initialTransaction");

function okFor(invite: string): string {
  return withLength(
    [
      "SIP/2.0 200 OK",
      `Via: ${headerOf(invite, "Via")}`,
      `From: ${headerOf(invite, "From")}`,
      `To: ${headerOf(invite, "To")};tag=agent-tag-1`,
      `Call-ID: ${headerOf(invite, "Call-ID")}`,
      `CSeq: ${headerOf(invite, "CSeq")}`,
      "Contact: <sip:10001@10.0.0.2:5060;transport=tcp>",
      "Content-Type: application/sdp",
    ],
    SDP,
  );
}

/** Sends our INVITE, answers it with a 200, ACKs it; only the session and a weak reference stay in scope. */
function placeCall(h: Harness): { session: Session; transaction: WeakRef<object>; invite: string } {
  let session: Session | undefined;
  const message = h.core.makeOutgoingRequestMessage(
    "INVITE",
    new URI("sip", "10001", "10.0.0.2", 5060, { transport: "tcp" }),
    new URI("sip", "5000", "10.0.0.1"),
    new URI("sip", "10001", "10.0.0.2"),
    { callId: "initial-uac-call", fromTag: "our-tag" },
    ["Contact: <sip:5000@10.0.0.1:5060;transport=tcp>"],
    SDP_BODY,
  );
  const request: OutgoingInviteRequest = h.core.invite(message, {
    onAccept: (response) => {
      session = response.session;
      response.ack();
      releaseInitialTransaction(response.session, request);
    },
  });
  const invite = h.sent[0] ?? "";
  h.receive(okFor(invite));
  if (!session) throw new Error("not accepted");
  assert.ok(heldTransaction(session) instanceof InviteClientTransaction);
  return { session, transaction: new WeakRef(heldTransaction(session) as object), invite };
}

const INVITE_IN = withLength(
  [
    "INVITE sip:5000@10.0.0.1:5060;transport=tcp SIP/2.0",
    "Via: SIP/2.0/TCP 10.0.0.9:5060;branch=z9hG4bK-initial-uas-1",
    "Max-Forwards: 70",
    'From: "Customer" <sip:5551234@10.0.0.9>;tag=customer-tag',
    "To: <sip:5000@10.0.0.1>",
    "Call-ID: initial-uas-call",
    "CSeq: 7 INVITE",
    "Contact: <sip:5551234@10.0.0.9:5060;transport=tcp>",
    "Content-Type: application/sdp",
  ],
  SDP,
);

function ackIn(ok: string, cseq: number): string {
  return withLength([
    "ACK sip:tandem@10.0.0.1:5060;transport=tcp SIP/2.0",
    `Via: SIP/2.0/TCP 10.0.0.9:5060;branch=z9hG4bK-initial-uas-ack-${cseq}`,
    "Max-Forwards: 70",
    'From: "Customer" <sip:5551234@10.0.0.9>;tag=customer-tag',
    `To: ${headerOf(ok, "To")}`,
    "Call-ID: initial-uas-call",
    `CSeq: ${cseq} ACK`,
  ]);
}

/** Receives INVITE_IN and answers it with a 200; the session keeps `events` posted of ACKs and ACK time-outs. */
function answerCall(
  h: Harness,
  uasBox: IncomingInviteRequest[],
  events: string[],
  release = true,
): { session: Session; ok: string; transaction: WeakRef<object> } {
  h.receive(INVITE_IN);
  const uas = uasBox.pop();
  assert.ok(uas);
  const session = uas.accept({ statusCode: 200, body: SDP_BODY }).session;
  const delegate: SessionDelegate = {
    onAck: (ack) => void events.push(`ack ${ack.message.cseq}`),
    onAckTimeout: () => void events.push("ack timeout"),
  };
  session.delegate = delegate;
  if (release) releaseInitialTransaction(session, uas);
  assert.ok(heldTransaction(session) instanceof InviteServerTransaction);
  return { session, ok: h.sent[h.sent.length - 1] ?? "", transaction: new WeakRef(heldTransaction(session) as object) };
}

function uasHarness(): { h: Harness; invites: IncomingInviteRequest[] } {
  const invites: IncomingInviteRequest[] = [];
  return { h: makeHarness(parseOurs, { onInvite: (uas) => void invites.push(uas) }), invites };
}

describe("a dialog lets go of its initial INVITE transaction once that has terminated", { timeout: 300_000 }, () => {
  it("our INVITE: re-ACKs a retransmitted 2xx until Timer M, then holds a terminated stand-in; BYE still right", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = makeHarness(parseOurs);
    const { session, transaction, invite } = placeCall(h);
    const firstAck = h.sent[1] ?? "";
    assert.match(firstAck, /^ACK /);

    t.mock.timers.tick(Timers.TIMER_M / 2);
    h.receive(okFor(invite));
    assert.equal(h.sent[2], firstAck, "the same ACK again (RFC 3261 §13.2.2.4)");
    assert.equal(heldTransaction(session), transaction.deref(), "kept while Timer M runs");

    t.mock.timers.tick(Timers.TIMER_M);
    const held = heldTransaction(session) as InviteClientTransaction;
    assert.notEqual(held, transaction.deref());
    assert.ok(held instanceof InviteClientTransaction);
    assert.equal(held.state, TransactionState.Terminated);
    assert.equal(held.request.cseq, 1);
    assert.equal(await collected(transaction), true, "the real transaction is garbage");

    session.bye();
    const bye = h.sent[h.sent.length - 1] ?? "";
    assert.match(bye, /^BYE sip:10001@10\.0\.0\.2:5060;transport=tcp SIP\/2\.0\r\n/);
    assert.equal(headerOf(bye, "Call-ID"), "initial-uac-call");
    assert.match(headerOf(bye, "From"), /;tag=our-tag/);
    assert.match(headerOf(bye, "To"), /;tag=agent-tag-1/);
    assert.equal(headerOf(bye, "CSeq"), "2 BYE");
  });

  it("a received INVITE, ACKed: after Timer L a repeated ACK is dropped, BYE is allowed and right", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { h, invites } = uasHarness();
    const events: string[] = [];
    const { session, ok, transaction } = answerCall(h, invites, events);
    h.receive(ackIn(ok, 7));
    assert.deepEqual(events, ["ack 7"]);

    t.mock.timers.tick(Timers.TIMER_L);
    const held = heldTransaction(session) as InviteServerTransaction;
    assert.ok(held instanceof InviteServerTransaction);
    assert.equal(held.state, TransactionState.Terminated);
    assert.equal(await collected(transaction), true, "the real transaction is garbage");

    h.receive(ackIn(ok, 7));
    assert.deepEqual(events, ["ack 7"], "a repeated ACK reaches nobody");
    const before = h.sent.length;
    session.bye();
    const bye = h.sent[before] ?? "";
    assert.match(bye, /^BYE sip:5551234@10\.0\.0\.9:5060;transport=tcp SIP\/2\.0\r\n/);
    assert.match(headerOf(bye, "To"), /;tag=customer-tag/);
  });

  it("a received INVITE never ACKed: the ACK time-out still fires, then a late ACK is matched by CSeq only", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { h, invites } = uasHarness();
    const events: string[] = [];
    const { session, ok, transaction } = answerCall(h, invites, events);

    t.mock.timers.tick(Timers.TIMER_L);
    assert.deepEqual(events, ["ack timeout"], "RFC 3261 §13.3.1.4: read from the real transaction before it goes");
    assert.notEqual(heldTransaction(session), transaction.deref());
    assert.equal(await collected(transaction), true);

    h.receive(ackIn(ok, 8));
    assert.deepEqual(events, ["ack timeout"], "an ACK with another CSeq is not ours");
    h.receive(ackIn(ok, 7));
    assert.deepEqual(events, ["ack timeout", "ack 7"], "the stand-in's CSeq matches the INVITE's");
  });

  it("replaces nothing when the dialog does not hold the given INVITE's transaction", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const first = uasHarness();
    const { session } = answerCall(first.h, first.invites, [], false);
    const other = uasHarness();
    other.h.receive(INVITE_IN);
    const stranger = other.invites.pop();
    assert.ok(stranger);
    const mine = heldTransaction(session);
    releaseInitialTransaction(session, stranger);
    stranger.reject({ statusCode: 486 });
    t.mock.timers.tick(Timers.TIMER_H + Timers.TIMER_I);
    assert.ok(mine instanceof InviteServerTransaction);
    assert.equal(heldTransaction(session), mine, "still the dialog's own, real transaction");
  });
});
