/**
 * A leg's per-call objects were slimmed (sip-leg.ts, leg-delegate.ts, bridge.ts): the session delegate is a small
 * class, end listeners and the re-INVITE queue are allocated lazily, and a bridge hangs one object per direction on
 * our legs instead of closures. These prove the leg still answers what the peer sends in the dialog (re-INVITE,
 * INFO, ACK, BYE) and a bridge still relays offers, INFO and BYE, and lets go on unbridge. Fake sip.js sessions.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LegEndReason, SipLeg } from "@tandem/sdk";
import type { Session } from "sip.js/lib/core/index.js";
import { createBridge } from "../../core/src/sip/b2bua/bridge.js";
import { SipLegImpl } from "../../core/src/sip/dialogs/sip-leg.js";
import type { StackPort } from "../../core/src/sip/stack-port.js";

const sdp = (user: string, port: number) =>
  ["v=0", `o=${user} 10 10 IN IP4 10.0.0.2`, "s=-", "c=IN IP4 10.0.0.2", "t=0 0", `m=audio ${port} RTP/AVP 0`, ""].join("\r\n");

type Headers = Record<string, string>;

function message(body: string | undefined, contentType = "application/sdp", extra: Headers = {}) {
  const headers: Headers = { ...(body ? { "content-type": contentType } : {}), ...extra };
  return {
    body,
    headers: {},
    method: "INFO",
    callId: "call-1",
    cseq: 2,
    viaBranch: "z9hG4bK-test",
    ruri: undefined,
    from: undefined,
    to: undefined,
    statusCode: 200,
    reasonPhrase: "OK",
    getHeader: (name: string) => headers[name.toLowerCase()],
    getHeaders: (name: string) => (headers[name.toLowerCase()] ? [headers[name.toLowerCase()] as string] : []),
  };
}

/** A server transaction's answer side, recording what we replied. */
function uas(body?: string, contentType?: string) {
  const replies: { status: number; body: string | undefined }[] = [];
  const record = (o?: object) => {
    const options = o as { statusCode: number; body?: { content: string } };
    replies.push({ status: options.statusCode, body: options.body?.content });
  };
  return { message: message(body, contentType), replies, accept: record, reject: record };
}

interface Delegate {
  onAck(request: { message: unknown }): void;
  onBye(request: { accept(): void }): void;
  onInfo(request: ReturnType<typeof uas>): void;
  onInvite(request: ReturnType<typeof uas>): void;
}

class FakeSession {
  delegate: Delegate | undefined;
  readonly callId: string;
  readonly localURI = { toString: () => "sip:tandem@10.0.0.1" };
  readonly remoteURI = { toString: () => "sip:peer@10.0.0.2" };
  byes = 0;
  readonly invites: (string | undefined)[] = [];
  readonly infos: string[] = [];

  constructor(
    name: string,
    private readonly answer: string,
  ) {
    this.callId = `call-${name}`;
  }

  bye(): object {
    this.byes++;
    return {};
  }

  invite(delegate: { onAccept(response: object): void }, options: { body?: { content: string } }): object {
    this.invites.push(options.body?.content);
    queueMicrotask(() => delegate.onAccept({ message: message(this.answer), ack: () => ({ message: {} }) }));
    return {};
  }

  info(delegate: { onAccept(response: object): void }, options: { body: { content: string } }): object {
    this.infos.push(options.body.content);
    queueMicrotask(() => delegate.onAccept({ message: message("done", "text/plain") }));
    return {};
  }
}

const noop = () => undefined;
const logger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop };
const port = { deps: { logger }, sourceOf: () => undefined } as unknown as StackPort;

function leg(name: string, localSdp: string, answer = sdp(`${name}-peer`, 50000)) {
  const session = new FakeSession(name, answer);
  const gone: SipLegImpl[] = [];
  const impl = new SipLegImpl(session as unknown as Session, {
    session: session as unknown as Session,
    direction: "inbound",
    transport: "tcp",
    localSdp,
    remoteSdp: sdp(`${name}-peer`, 40000),
    contactHeader: "Contact: <sip:5000@10.0.0.1>",
    ownsCallId: false,
    sessionTimer: undefined,
    port,
    onGone: (l) => gone.push(l),
  });
  const delegate = session.delegate;
  assert.ok(delegate, "the leg set its session delegate");
  return { impl, session, delegate, gone };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("a leg answers the peer through its session delegate", { timeout: 300_000 }, () => {
  it("re-INVITE with our SDP (same origin and version when unchanged), or the onOffer handler's answer", async () => {
    const { impl, delegate } = leg("a", sdp("tandem", 30000));
    const first = uas(sdp("a-peer", 41000));
    delegate.onInvite(first);
    await settle();
    assert.deepEqual(first.replies, [{ status: 200, body: sdp("tandem", 30000) }]);
    assert.equal(impl.remoteSdp, sdp("a-peer", 41000));

    impl.onOffer(async () => sdp("elsewhere", 31000));
    const second = uas(sdp("a-peer", 42000));
    delegate.onInvite(second);
    await settle();
    // A changed description keeps the leg's o= line with the version one up (RFC 3264 §8).
    assert.equal(second.replies[0]?.status, 200);
    assert.match(second.replies[0]?.body ?? "", /^o=tandem 10 11 IN IP4 10\.0\.0\.2$/m);
    assert.match(second.replies[0]?.body ?? "", /^m=audio 31000 /m);
  });

  it("INFO through the onInfo handler (200 without one), ACK sets the peer's SDP, BYE ends the leg", async () => {
    const { impl, delegate, gone } = leg("a", sdp("tandem", 30000));
    const plain = uas("hello", "text/plain");
    delegate.onInfo(plain);
    await settle();
    assert.deepEqual(plain.replies, [{ status: 200, body: undefined }]);
    impl.onInfo((request) => ({ status: 202, body: `got ${request.body}` }));
    const handled = uas("dtmf", "application/dtmf-relay");
    delegate.onInfo(handled);
    await settle();
    assert.deepEqual(handled.replies, [{ status: 202, body: "got dtmf" }]);

    let acked = false;
    impl.ackWaiter = { resolve: () => (acked = true), reject: noop };
    delegate.onAck({ message: message(sdp("a-peer", 43000)) });
    assert.equal(acked, true);
    assert.equal(impl.remoteSdp, sdp("a-peer", 43000));

    const ended: LegEndReason[] = [];
    impl.onEnded((reason) => ended.push(reason));
    const unsubscribed: LegEndReason[] = [];
    impl.onEnded((reason) => unsubscribed.push(reason))();
    let byeAccepted = false;
    delegate.onBye({ accept: () => (byeAccepted = true) });
    assert.equal(byeAccepted, true);
    assert.equal(impl.state, "terminated");
    assert.deepEqual(ended, [{ by: "remote" }]);
    assert.deepEqual(unsubscribed, []);
    assert.deepEqual(gone, [impl]);
    // A listener after the end still hears it (in a microtask).
    const late: LegEndReason[] = [];
    impl.onEnded((reason) => late.push(reason));
    await settle();
    assert.deepEqual(late, [{ by: "remote" }]);
  });

  it("end listeners: each told once in order, one removed by an earlier one is not told, the bridge among them", async () => {
    const { impl, delegate } = leg("a", sdp("tandem", 30000));
    const told: string[] = [];
    const b = leg("b", sdp("tandem-b", 1));
    const bridge = createBridge(impl, b.impl);
    const first = (): void => {
      told.push("first");
      offThird();
    };
    impl.onEnded(first);
    impl.onEnded(first); // the same listener twice is one listener
    const offThird = impl.onEnded(() => told.push("third"));
    impl.onEnded(() => told.push("fourth"));
    delegate.onBye({ accept: noop });
    assert.deepEqual(told, ["first", "fourth"]);
    assert.deepEqual(await bridge.ended, { by: "a", reason: { by: "remote" } });
    assert.equal(b.session.byes, 1);
  });

  it("queued re-INVITEs we send go out one after the other", async () => {
    const { impl, session } = leg("a", sdp("tandem", 30000));
    const [one, two] = await Promise.all([impl.reinvite({ sdp: sdp("x", 1000) }), impl.reinvite({ sdp: sdp("x", 2000) })]);
    assert.equal(one.sdp, sdp("a-peer", 50000));
    assert.equal(two.sdp, sdp("a-peer", 50000));
    assert.equal(session.invites.length, 2);
    assert.match(session.invites[0] ?? "", /^o=tandem 10 11 /m);
    assert.match(session.invites[1] ?? "", /^o=tandem 10 12 /m);
  });
});

describe("a bridge of two legs", { timeout: 300_000 }, () => {
  it("relays an offer as a re-INVITE and INFO to the other leg, and a BYE ends the other leg", async () => {
    const a = leg("a", sdp("tandem-a", 30000));
    const b = leg("b", sdp("tandem-b", 32000), sdp("agent", 45000));
    const bridge = createBridge(a.impl, b.impl);
    const offer = uas(sdp("customer", 41000));
    a.delegate.onInvite(offer);
    await settle();
    await settle();
    // The customer's new media goes to the agent under b's own origin; the agent's answer comes back under a's.
    assert.equal(b.session.invites.length, 1);
    assert.match(b.session.invites[0] ?? "", /^o=tandem-b 10 11 /m);
    assert.match(b.session.invites[0] ?? "", /^m=audio 41000 /m);
    assert.equal(offer.replies[0]?.status, 200);
    assert.match(offer.replies[0]?.body ?? "", /^o=tandem-a 10 11 /m);
    assert.match(offer.replies[0]?.body ?? "", /^m=audio 45000 /m);

    const info = uas("signal=5", "application/dtmf-relay");
    b.delegate.onInfo(info);
    await settle();
    await settle();
    assert.deepEqual(a.session.infos, ["signal=5"]);
    assert.equal(info.replies[0]?.status, 200);

    assert.throws(() => createBridge(a.impl, leg("c", sdp("c", 1)).impl), /already in a bridge/);
    a.delegate.onBye({ accept: noop });
    assert.deepEqual(await bridge.ended, { by: "a", reason: { by: "remote" } });
    assert.equal(b.session.byes, 1);
    assert.equal(b.impl.state, "terminated");
  });

  it("unbridge: each leg answers offers with its own SDP and INFO with 200 again, and a BYE is not relayed", async () => {
    const a = leg("a", sdp("tandem-a", 30000));
    const b = leg("b", sdp("tandem-b", 32000));
    const bridge = createBridge(a.impl, b.impl);
    bridge.unbridge();
    assert.deepEqual(await bridge.ended, { by: "unbridge" });
    const offer = uas(sdp("customer", 41000));
    a.delegate.onInvite(offer);
    const info = uas("x", "text/plain");
    a.delegate.onInfo(info);
    await settle();
    assert.equal(b.session.invites.length, 0);
    assert.equal(b.session.infos.length, 0);
    assert.deepEqual(offer.replies, [{ status: 200, body: sdp("tandem-a", 30000) }]);
    assert.deepEqual(info.replies, [{ status: 200, body: undefined }]);
    a.delegate.onBye({ accept: noop });
    assert.equal(b.session.byes, 0);
    // The legs can be bridged again.
    const again = createBridge(b.impl, leg("c", sdp("c", 1)).impl, { propagateBye: false });
    again.unbridge();
  });

  it("works with a SipLeg that is not ours (closures through the public API), and with a leg already ended", async () => {
    const a = leg("a", sdp("tandem-a", 30000));
    const handlers: { offer?: (o: string | undefined, k: "reinvite" | "update") => Promise<string>; ended?: (r: LegEndReason) => void } = {};
    const reinvites: (string | undefined)[] = [];
    let byes = 0;
    const other = {
      id: "other",
      state: "confirmed",
      localSdp: sdp("other", 1),
      remoteSdp: sdp("other-peer", 2),
      onOffer: (h: typeof handlers.offer) => (handlers.offer = h),
      onInfo: noop,
      onEnded: (l: (r: LegEndReason) => void) => {
        handlers.ended = l;
        return () => (handlers.ended = undefined);
      },
      reinvite: async (o: { sdp?: string }) => {
        reinvites.push(o.sdp);
        return { sdp: sdp("other-answer", 3) };
      },
      bye: async () => {
        byes++;
      },
    } as unknown as SipLeg;
    const bridge = createBridge(other, a.impl);
    // Its offer becomes a re-INVITE on our leg; the answer there comes back.
    assert.equal(await handlers.offer?.(sdp("x", 9), "reinvite"), sdp("a-peer", 50000));
    assert.match(a.session.invites[0] ?? "", /^o=tandem-a 10 11 /m);
    handlers.ended?.({ by: "remote" });
    assert.deepEqual(await bridge.ended, { by: "a", reason: { by: "remote" } });
    assert.equal(a.session.byes, 1);
    assert.equal(handlers.ended, undefined, "the bridge removed its end listener");
    assert.deepEqual(reinvites, []);
    // After the bridge, the other leg's offers get its own SDP.
    assert.equal(await handlers.offer?.(sdp("x", 9), "reinvite"), sdp("other", 1));

    const ended = leg("d", sdp("d", 1));
    ended.delegate.onBye({ accept: noop });
    const late = createBridge(ended.impl, leg("e", sdp("e", 1)).impl);
    assert.equal((await late.ended).by, "a");
    assert.equal(byes, 0);
  });
});
