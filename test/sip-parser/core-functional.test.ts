/**
 * Our parsed messages driven through a real sip.js 0.21.2 `UserAgentCore` (recording transport): the core's
 * traffic and delegate calls must be exactly what sip.js's own parser path gives, and sip.js's Grammar must not
 * run at all on our path (counted by wrapping `Grammar.parse`).
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { URI } from "sip.js/lib/core/index.js";
import { parseSipMessage } from "../../core/src/sip/parser/parse-message.js";
import { SDP_ANSWER, SDP_OFFER, PIDF_OPEN } from "../fixtures/sip/corpus.js";
import { headerOf, makeHarness, tagOf, withLength, withSeededRandom, type Harness, type Message, type ParseFn } from "./core-harness.js";
import { countGrammarCalls, sipJsParse } from "./sipjs-reference.js";

const oursParse: ParseFn = (text) => {
  const outcome = parseSipMessage(Buffer.from(text, "utf8"));
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.reason}`);
  return outcome.message;
};
const sipJsParseStrict: ParseFn = (text) => {
  const message = sipJsParse(text);
  if (!message) throw new Error("sip.js rejected");
  return message as Message;
};

interface Trace {
  sent: string[];
  events: string[];
  grammarCalls: number;
}

/** Runs a scenario with one parser; Grammar.parse is counted over the incoming path only. */
function run(parse: ParseFn, scenario: (h: Harness, receive: (text: string) => void) => void): Trace {
  let grammarCalls = 0;
  const trace = withSeededRandom(7, () => {
    const h = makeHarness(parse);
    const receive = (text: string): void => {
      grammarCalls += countGrammarCalls(() => h.receive(text)).calls;
    };
    scenario(h, receive);
    return { sent: h.sent, events: h.events };
  });
  return { ...trace, grammarCalls };
}

function bothPaths(scenario: (h: Harness, receive: (text: string) => void) => void): { ours: Trace; theirs: Trace } {
  return { theirs: run(sipJsParseStrict, scenario), ours: run(oursParse, scenario) };
}

const INVITE_IN = withLength(
  [
    "INVITE sip:4001@10.0.0.1:5060 SIP/2.0",
    "Via: SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bKuas1",
    "Record-Route: <sip:10.0.0.3:5060;transport=tcp;lr>, <sip:10.0.0.4;lr>",
    'From: "Alice" <sip:1001@10.0.0.2>;tag=alice1',
    "To: <sip:4001@10.0.0.1>",
    "Call-ID: uas-call-1@10.0.0.2",
    "CSeq: 101 INVITE",
    "Max-Forwards: 70",
    "Contact: <sip:1001@10.0.0.2:5060;transport=tcp>",
    "Content-Type: application/sdp",
  ],
  SDP_OFFER,
);

function inDialog(method: string, cseq: number, toTag: string, extra: string[] = [], body = ""): string {
  return withLength(
    [
      `${method} sip:tandem@10.0.0.1:5060;transport=tcp SIP/2.0`,
      `Via: SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bKuas-${method}-${cseq}`,
      'From: "Alice" <sip:1001@10.0.0.2>;tag=alice1',
      `To: <sip:4001@10.0.0.1>;tag=${toTag}`,
      "Call-ID: uas-call-1@10.0.0.2",
      `CSeq: ${method === "ACK" ? 101 : cseq} ${method}`,
      "Max-Forwards: 70",
      ...extra,
    ],
    body,
  );
}

function uasScenario(h: Harness, receive: (text: string) => void): void {
  h.core.delegate.onInvite = (uas) => {
    h.events.push("onInvite");
    uas.trying();
    uas.progress({ statusCode: 180 });
    const { session } = uas.accept({ statusCode: 200, body: { contentDisposition: "session", contentType: "application/sdp", content: SDP_ANSWER } });
    h.events.push(`session ${session.id} ${session.signalingState}`);
    session.delegate = {
      onAck: (ack) => void h.events.push(`onAck ${ack.message.cseq}`),
      onInvite: (reinvite) => {
        h.events.push(`onInvite(re) ${reinvite.message.getHeader("contact")}`);
        reinvite.accept({ statusCode: 200, body: { contentDisposition: "session", contentType: "application/sdp", content: SDP_ANSWER } });
      },
      onBye: (bye) => {
        h.events.push("onBye");
        bye.accept();
      },
    };
  };
  receive(INVITE_IN);
  const toTag = tagOf(headerOf(h.sent.at(-1) ?? "", "To"));
  receive(inDialog("ACK", 101, toTag));
  receive(inDialog("INVITE", 102, toTag, ["Contact: <sip:1001@10.0.0.9:5070;transport=tcp>", "Content-Type: application/sdp"], SDP_OFFER.replace("a=ptime:20", "a=sendonly")));
  receive(inDialog("ACK", 102, toTag).replace("CSeq: 101 ACK", "CSeq: 102 ACK"));
  receive(inDialog("BYE", 103, toTag));
  h.events.push(`dialogs ${h.core.dialogs.size}`);
}

function subscribeScenario(h: Harness, receive: (text: string) => void): void {
  const target = new URI("sip", "1001", "10.0.0.2", 5060);
  const request = h.core.makeOutgoingRequestMessage("SUBSCRIBE", target, h.config.aor, target, {}, [
    "Event: presence",
    "Expires: 3600",
    "Contact: <sip:tandem@10.0.0.1:5060;transport=tcp>",
  ]);
  h.core.subscribe(request, {
    onAccept: (response) => void h.events.push(`onAccept ${response.message.statusCode} expires=${response.message.getHeader("expires")}`),
    onNotify: ({ request: notify, subscription }) => {
      h.events.push(`onNotify ${notify.message.parseHeader("subscription-state").state} ${notify.message.body.length}`);
      notify.accept();
      if (subscription) {
        subscription.delegate = {
          onNotify: (next) => {
            const state = next.message.parseHeader("subscription-state") as { state: string; reason?: string };
            h.events.push(`subscription.onNotify ${state.state} ${state.reason ?? ""}`);
            next.accept();
          },
        };
      }
    },
  });
  const sub = h.sent.at(-1) ?? "";
  const common = [
    `Call-ID: ${headerOf(sub, "Call-ID")}`,
    "Max-Forwards: 70",
  ];
  const fromTag = tagOf(headerOf(sub, "From"));
  receive(withLength([
    "SIP/2.0 200 OK",
    `Via: ${headerOf(sub, "Via")}`,
    `From: ${headerOf(sub, "From")}`,
    `To: ${headerOf(sub, "To")};tag=cucm9`,
    `CSeq: ${headerOf(sub, "CSeq")}`,
    ...common,
    "Expires: 3600",
    "Contact: <sip:1001@10.0.0.2:5060;transport=tcp>",
  ]));
  const notify = (cseq: number, state: string): string =>
    withLength(
      [
        "NOTIFY sip:tandem@10.0.0.1:5060;transport=tcp SIP/2.0",
        `Via: SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bKn${cseq}`,
        "From: <sip:1001@10.0.0.2>;tag=cucm9",
        `To: <sip:tandem@10.0.0.1>;tag=${fromTag}`,
        `CSeq: ${cseq} NOTIFY`,
        ...common,
        "Event: presence",
        `Subscription-State: ${state}`,
        "Contact: <sip:1001@10.0.0.2:5060;transport=tcp>",
        "Content-Type: application/pidf+xml",
      ],
      PIDF_OPEN,
    );
  receive(notify(1, "active;expires=3600"));
  receive(notify(2, "active;expires=3000"));
  receive(notify(3, "terminated;reason=noresource"));
}

function uacScenario(h: Harness, receive: (text: string) => void): void {
  const target = new URI("sip", "2001", "10.0.0.2", 5060);
  const request = h.core.makeOutgoingRequestMessage("INVITE", target, h.config.aor, target, {}, ["Contact: <sip:tandem@10.0.0.1:5060;transport=tcp>"], {
    contentDisposition: "session",
    contentType: "application/sdp",
    content: SDP_OFFER,
  });
  h.core.invite(request, {
    onProgress: (response) => void h.events.push(`onProgress ${response.message.statusCode}`),
    onAccept: (response) => {
      h.events.push(`onAccept ${response.message.statusCode} ${response.session.id}`);
      response.ack();
    },
  });
  const inv = h.sent.at(-1) ?? "";
  const response = (status: string, extra: string[], body = ""): string =>
    withLength(
      [
        `SIP/2.0 ${status}`,
        `Via: ${headerOf(inv, "Via")}`,
        "Record-Route: <sip:10.0.0.3:5060;transport=tcp;lr>",
        "Record-Route: <sip:10.0.0.4;lr>, <sip:[2001:db8::5]:5080;lr>",
        `From: ${headerOf(inv, "From")}`,
        `To: ${headerOf(inv, "To")};tag=uas77`,
        `Call-ID: ${headerOf(inv, "Call-ID")}`,
        `CSeq: ${headerOf(inv, "CSeq")}`,
        "Contact: <sip:2001@10.0.0.2:5060;transport=tcp>",
        ...extra,
      ],
      body,
    );
  receive(response("180 Ringing", []));
  receive(response("200 OK", ["Content-Type: application/sdp"], SDP_ANSWER));
  receive(response("200 OK", ["Content-Type: application/sdp"], SDP_ANSWER));
}

describe("parsed messages through a real sip.js UserAgentCore", { timeout: 300_000 }, () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "setInterval"] }));
  afterEach(() => mock.timers.reset());

  it("UAS: INVITE → 100/180/200 → ACK → re-INVITE → ACK → BYE, same traffic as sip.js's parser", () => {
    const { ours, theirs } = bothPaths(uasScenario);
    assert.deepEqual(ours.events, theirs.events);
    assert.deepEqual(ours.sent, theirs.sent);
    assert.deepEqual(ours.sent.map((m) => m.split("\r\n")[0]), [
      "SIP/2.0 100 Trying",
      "SIP/2.0 180 Ringing",
      "SIP/2.0 200 OK",
      "SIP/2.0 200 OK",
      "SIP/2.0 200 OK",
    ]);
    assert.ok(ours.events.includes("onAck 101") && ours.events.includes("onBye") && ours.events.at(-1) === "dialogs 0", ours.events.join("\n"));
    assert.match(ours.sent[2] ?? "", /Record-Route: <sip:10.0.0.3:5060;transport=tcp;lr>/);
    assert.equal(ours.grammarCalls, 0);
    assert.ok(theirs.grammarCalls > 0);
  });

  it("SUBSCRIBE UAC: 200, then NOTIFYs (active, active, terminated), same as sip.js's parser", () => {
    const { ours, theirs } = bothPaths(subscribeScenario);
    assert.deepEqual(ours.events, theirs.events);
    assert.deepEqual(ours.sent, theirs.sent);
    assert.deepEqual(ours.events.slice(0, 3), ["onAccept 200 expires=3600", `onNotify active ${PIDF_OPEN.length}`, "subscription.onNotify active "]);
    assert.equal(ours.sent.filter((m) => m.startsWith("SIP/2.0 200 OK")).length, 3);
    assert.equal(ours.grammarCalls, 0);
    assert.ok(theirs.grammarCalls > 0);
  });

  it("INVITE UAC: 180, 200 → ACK along the Record-Route set, re-ACK of a retransmitted 200", () => {
    const { ours, theirs } = bothPaths(uacScenario);
    assert.deepEqual(ours.events, theirs.events);
    assert.deepEqual(ours.sent, theirs.sent);
    const acks = ours.sent.filter((m) => m.startsWith("ACK "));
    assert.equal(acks.length, 2);
    assert.match(acks[0] ?? "", /^ACK sip:2001@10.0.0.2:5060;transport=tcp SIP\/2.0/);
    // RFC 3261 §12.1.2: the UAC's route set is the Record-Route list reversed.
    assert.match(acks[0] ?? "", /Route: <sip:\[2001:db8::5\]:5080;lr>\r\nRoute: <sip:10.0.0.4;lr>\r\nRoute: <sip:10.0.0.3:5060;transport=tcp;lr>\r\n/);
    assert.equal(ours.grammarCalls, 0);
    assert.ok(theirs.grammarCalls > 0);
  });

  it("an out-of-scheme Request-URI parses and the core (application layer) answers 416 (RFC 4475 §3.3.2)", () => {
    const trace = run(oursParse, (h, receive) => {
      receive(withLength([
        "OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0",
        "To: sip:user@example.com",
        "From: sip:caller@example.net;tag=384",
        "Max-Forwards: 3",
        "Call-ID: unkscm.nasdfasser0q239nwsdfasdkl34",
        "CSeq: 3923423 OPTIONS",
        "Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234",
      ]));
    });
    assert.match(trace.sent[0] ?? "", /^SIP\/2.0 416 /);
  });
});
