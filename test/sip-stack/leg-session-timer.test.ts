/**
 * A leg's RFC 4028 session timer end to end on a fake sip.js Session: our refresh re-INVITE at SE/2 (§7.4, §9), the
 * 2xx's interval for the next one, a failed refresh and a peer refresh that never comes (§10) ending the leg with
 * BYE, and a timer started by a refresh.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LegEndReason } from "@tandem/sdk";
import type { Session } from "sip.js/lib/core/index.js";
import { SipLegImpl } from "../../core/src/sip/dialogs/sip-leg.js";
import type { StackPort } from "../../core/src/sip/stack-port.js";

const sdp = (user: string, port: number) =>
  ["v=0", `o=${user} 10 10 IN IP4 10.0.0.2`, "s=-", "c=IN IP4 10.0.0.2", "t=0 0", `m=audio ${port} RTP/AVP 0`, ""].join("\r\n");

function message(body: string | undefined, extra: Record<string, string> = {}, status = 200) {
  const headers: Record<string, string> = { ...(body ? { "content-type": "application/sdp" } : {}), ...extra };
  return {
    body, headers: {}, method: "INVITE", callId: "call-1", cseq: 2, viaBranch: "z9hG4bK-test",
    statusCode: status, reasonPhrase: status === 200 ? "OK" : "Nope",
    getHeader: (name: string) => headers[name.toLowerCase()],
    getHeaders: (name: string) => (headers[name.toLowerCase()] ? [headers[name.toLowerCase()] as string] : []),
  };
}

interface InviteDelegate {
  onAccept(response: object): void;
  onReject(response: object): void;
}

/** The parts of a sip.js Session a leg's session timer uses: re-INVITE (answered on the next microtask) and BYE. */
class FakeSession {
  delegate: unknown;
  readonly callId = "call-x";
  readonly localURI = { toString: () => "sip:tandem@10.0.0.1" };
  readonly remoteURI = { toString: () => "sip:peer@10.0.0.2" };
  byes = 0;
  fail = false;
  readonly invites: { body: string | undefined; headers: string[] }[] = [];
  bye(): object { this.byes++; return {}; }
  invite(delegate: InviteDelegate, options: { body?: { content: string }; extraHeaders: string[] }): object {
    this.invites.push({ body: options.body?.content, headers: options.extraHeaders });
    queueMicrotask(() => this.fail
      ? delegate.onReject({ message: message(undefined, {}, 500) })
      : delegate.onAccept({ message: message(sdp("peer", 5), { "session-expires": "300;refresher=uac" }), ack: () => ({ message: {} }) }));
    return {};
  }
}

const noop = () => undefined;
const logs: string[] = [];
const logger = { trace: noop, debug: (_o: object, m: string) => logs.push(m), info: (_o: object, m: string) => logs.push(m), warn: noop, error: noop, fatal: noop };
const port = { deps: { logger }, sourceOf: () => undefined } as unknown as StackPort;

function leg(spec: { expires: number; refresher: "us" | "peer" } | undefined) {
  const session = new FakeSession();
  const gone: SipLegImpl[] = [];
  const impl = new SipLegImpl(session as unknown as Session, {
    session: session as unknown as Session, direction: "inbound", transport: "tcp",
    localSdp: sdp("tandem", 1), remoteSdp: sdp("peer", 2), contactHeader: "Contact: <sip:x@10.0.0.1>",
    ownsCallId: false, sessionTimer: spec, port, onGone: (l) => gone.push(l),
  });
  const ended: LegEndReason[] = [];
  impl.onEnded((r) => ended.push(r));
  return { impl, session, gone, ended };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("leg session timer", { timeout: 300_000 }, () => {
  it("we refresh at SE/2 with Session-Expires;refresher=uac, then the 2xx's interval", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { impl, session, ended } = leg({ expires: 180, refresher: "us" });
    t.mock.timers.tick(89_999);
    assert.equal(session.invites.length, 0);
    t.mock.timers.tick(1);
    await settle();
    assert.equal(session.invites.length, 1);
    assert.deepEqual(session.invites[0]?.headers.slice(1), ["Supported: timer", "Session-Expires: 180;refresher=uac"]);
    t.mock.timers.tick(149_999);
    await settle();
    assert.equal(session.invites.length, 1);
    t.mock.timers.tick(1);
    await settle();
    assert.equal(session.invites.length, 2);
    assert.deepEqual(session.invites[1]?.headers.slice(1), ["Supported: timer", "Session-Expires: 300;refresher=uac"]);
    assert.deepEqual(ended, []);
    impl.end({ by: "local" });
    t.mock.timers.tick(1_000_000);
    await settle();
    assert.equal(session.invites.length, 2);
  });

  it("a failed refresh ends the leg by session-timer with one BYE", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { impl, session, ended, gone } = leg({ expires: 180, refresher: "us" });
    session.fail = true;
    t.mock.timers.tick(90_000);
    for (let i = 0; i < 5; i++) await settle();
    assert.deepEqual(ended, [{ by: "session-timer" }]);
    assert.equal(session.byes, 1);
    assert.deepEqual(gone, [impl]);
    assert.equal(impl.state, "terminated");
  });

  it("peer refresher: expiry at SE - min(32, SE/3) ends by session-timer; a refresh re-arms", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { impl, session, ended } = leg({ expires: 90, refresher: "peer" });
    t.mock.timers.tick(59_999);
    const headers = impl.sessionTimerHeaders(message(undefined, { "session-expires": "120", supported: "timer" }) as never);
    assert.deepEqual(headers, ["Session-Expires: 120;refresher=uac", "Require: timer"]);
    t.mock.timers.tick(87_999); // 120 - min(32, 40)
    await settle();
    assert.deepEqual(ended, []);
    t.mock.timers.tick(1);
    await settle();
    assert.deepEqual(ended, [{ by: "session-timer" }]);
    assert.equal(session.byes, 1);
    assert.equal(session.invites.length, 0);
  });

  it("no timer at first: a refresh with Session-Expires starts one; without, nothing", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { impl, session, ended } = leg(undefined);
    assert.deepEqual(impl.sessionTimerHeaders(message(undefined) as never), []);
    t.mock.timers.tick(10_000_000);
    assert.deepEqual(ended, []);
    assert.deepEqual(impl.sessionTimerHeaders(message(undefined, { "session-expires": "100;refresher=uas" }) as never), ["Session-Expires: 100;refresher=uas"]);
    t.mock.timers.tick(50_000);
    await settle();
    assert.equal(session.invites.length, 1);
    assert.deepEqual(session.invites[0]?.headers.slice(1), ["Supported: timer", "Session-Expires: 100;refresher=uac"]);
    impl.end({ by: "local" });
  });

});
