/**
 * One confirmed dialog with a peer (SDK `SipLeg`) on top of a sip.js `Session`: BYE, INFO, the peer's
 * re-INVITEs (answered through `onOffer`, leg-requests.ts), re-INVITEs we send (leg-reinvite.ts),
 * RFC 4028 timers (leg-session-timer.ts), who hears its end (leg-end-listeners.ts).
 */
import { randomUUID } from "node:crypto";
import { flat } from "../flat-string.js";
import type {
  ExtraHeaders,
  LegEndReason,
  OfferHandler,
  OfferlessExchange,
  ReinviteOptions,
  SipLeg,
  SipReplyInput,
  SipRequestInfo,
  SipResponseInfo,
  SipTransportName,
  Unsubscribe,
} from "@tandem/sdk";
import { SipError, withDirection } from "@tandem/sdk";
import type { IncomingInfoRequest, IncomingRequestMessage, Session } from "sip.js/lib/core/index.js";
import { SipStackErrors } from "../errors.js";
import type { StackPort } from "../stack-port.js";
import { sendReinvite } from "./leg-reinvite.js";
import { LegDelegate } from "./leg-delegate.js";
import { tellEnded, withEndListener, withoutEndListener, type EndListeners } from "./leg-end-listeners.js";
import { replyInfo, type InfoHandler } from "./leg-requests.js";
import { legSessionTimer } from "./leg-session-timer.js";
import { responseInfo, sdpOf } from "../messages/message-info.js";
import { headerLines } from "../messages/sip-bodies.js";
import { SdpOrigin } from "../sdp/sdp-origin.js";
import { uasSessionTimer, type SessionTimer, type SessionTimerSpec } from "../extensions/session-timer.js";

export interface LegInit {
  session: Session;
  direction: "inbound" | "outbound";
  transport: SipTransportName;
  localSdp: string | undefined;
  remoteSdp: string | undefined;
  /** Our Contact header line for requests/responses in this dialog. */
  contactHeader: string;
  /** True when we chose the Call-ID (we sent the INVITE): RFC 3261 §14.1 glare delays differ. */
  ownsCallId: boolean;
  sessionTimer: SessionTimerSpec | undefined;
  port: StackPort;
  onGone(leg: SipLegImpl): void;
}

/**
 * What a bridge hangs on one of our legs (bridge.ts) in place of `onOffer`/`onInfo`/`onEnded` closures: the
 * leg's offers and INFO go to it, and it hears the leg's end. A bridge lives as long as its call.
 */
export interface LegPeer {
  offer(offer: string | undefined, kind: "reinvite" | "update"): Promise<string>;
  info(request: SipRequestInfo): Promise<SipReplyInput>;
  legEnded(reason: LegEndReason): void;
}

export class SipLegImpl implements SipLeg {
  readonly id = flat(randomUUID()); // one flat string, not Node's ~0.35 KB concatenation tree (flat-string.ts)
  readonly direction: "inbound" | "outbound";
  readonly transport: SipTransportName;
  localSdp: string | undefined;
  remoteSdp: string | undefined;
  /** Set by a bridge of two of our legs: the peer's offerless re-INVITE is relayed to this one (offerless-relay.ts). */
  relayPeer: SipLegImpl | undefined;
  /** Set while we wait for the ACK that answers the offer in our 2xx to an offerless re-INVITE. */
  ackSdpWaiter: ((sdp: string | undefined) => void) | undefined;
  /** Set while an accepted inbound INVITE waits for its ACK. */
  ackWaiter: { resolve(): void; reject(error: Error): void } | undefined;
  /** Set by crash recovery (dialog-recovery.ts): the peer's re-INVITE may have moved the remote target (§12.2.2). */
  targetRefreshed: ((leg: SipLeg) => void) | undefined;
  /** Our Contact header line for requests/responses in this dialog. */
  readonly contactHeader: string;
  /** True when we chose the Call-ID (we sent the INVITE): RFC 3261 §14.1 glare delays differ. */
  readonly ownsCallId: boolean;
  readonly port: StackPort;
  private ended: LegEndReason | undefined;
  private offerHandler: OfferHandler | LegPeer | undefined;
  private infoHandler: InfoHandler | LegPeer | undefined;
  // Allocated on first use, like `queue`, `timer` and `sdpOrigin`: a leg lives as long as its call, and
  // most legs never send a re-INVITE or a second SDP (memory per active call).
  /** One listener as is (the usual case: the bridge), a Set from the second on (leg-end-listeners.ts). */
  private endListeners: EndListeners;
  private queue: Promise<unknown> | undefined;
  /** RFC 4028, only when Session-Expires was negotiated (leg-session-timer.ts). */
  private timer: SessionTimer | undefined;
  private sdpOrigin: SdpOrigin | undefined;
  private readonly onGone: (leg: SipLegImpl) => void;

  constructor(readonly session: Session, init: LegInit) {
    this.direction = init.direction;
    this.transport = init.transport;
    this.localSdp = init.localSdp;
    this.remoteSdp = init.remoteSdp;
    this.contactHeader = init.contactHeader;
    this.ownsCallId = init.ownsCallId;
    this.port = init.port;
    this.onGone = init.onGone;
    session.delegate = new LegDelegate(this);
    if (init.sessionTimer) this.timer = legSessionTimer(this, init.sessionTimer);
  }

  get callId(): string {
    return this.session.callId;
  }
  get localUri(): string {
    return this.session.localURI.toString();
  }
  get remoteUri(): string {
    return this.session.remoteURI.toString();
  }
  get state(): "confirmed" | "terminated" {
    return this.ended ? "terminated" : "confirmed";
  }

  bye(headers?: ExtraHeaders): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.end({ by: "local" });
    return new Promise((resolve) => {
      try {
        this.session.bye({ onAccept: () => resolve(), onReject: () => resolve() }, { extraHeaders: headerLines(headers) });
      } catch (error) {
        this.port.deps.logger.debug({ callId: this.callId, err: String(error) }, "BYE not sent");
        resolve();
      }
    });
  }

  reinvite(options: ReinviteOptions): Promise<{ sdp: string | undefined }> {
    if (this.ended) return Promise.reject(SipStackErrors.legTerminated(this.id, "re-INVITE"));
    const run = (this.queue ?? Promise.resolve()).then(() => sendReinvite(this, options));
    const tail = run.catch(() => undefined);
    this.queue = tail;
    // Once nothing is queued behind it, let the settled chain go (no promise kept for the call's life).
    void tail.then(() => {
      if (this.queue === tail) this.queue = undefined;
    });
    return run;
  }

  async hold(mode: "sendonly" | "inactive" = "sendonly"): Promise<void> {
    await this.reinvite({ sdp: withDirection(this.localSdp, mode) });
  }

  async unhold(): Promise<void> {
    await this.reinvite({ sdp: withDirection(this.localSdp, "sendrecv") });
  }

  info(options: { contentType: string; body: string; headers?: ExtraHeaders }): Promise<SipResponseInfo> {
    if (this.ended) return Promise.reject(SipStackErrors.legTerminated(this.id, "INFO"));
    return new Promise((resolve, reject) => {
      const done = (r: { message: Parameters<typeof responseInfo>[0] }): void => resolve(responseInfo(r.message));
      try {
        this.session.info(
          { onAccept: done, onReject: done, onRedirect: done },
          { body: { contentDisposition: "render", contentType: options.contentType, content: options.body }, extraHeaders: headerLines(options.headers) },
        );
      } catch (error) {
        reject(error);
      }
    });
  }

  onOffer(handler: OfferHandler): void {
    this.offerHandler = handler;
  }

  onInfo(handler: InfoHandler): void {
    this.infoHandler = handler;
  }

  onEnded(listener: (reason: LegEndReason) => void): Unsubscribe {
    if (this.ended) {
      const reason = this.ended;
      queueMicrotask(() => listener(reason));
      return () => undefined;
    }
    this.endListeners = withEndListener(this.endListeners, listener);
    return () => {
      this.endListeners = withoutEndListener(this.endListeners, listener);
    };
  }

  /** A bridge takes over this leg's offers and INFO (bridge.ts); `relayTo` gets its offerless re-INVITEs. */
  link(peer: LegPeer, relayTo: SipLegImpl | undefined): void {
    this.offerHandler = peer;
    this.infoHandler = peer;
    this.relayPeer = relayTo;
  }

  /** `peer` hears this leg's end, like an `onEnded` listener (a leg already ended tells it in a microtask). */
  onEndedPeer(peer: LegPeer): void {
    if (this.ended) {
      const reason = this.ended;
      queueMicrotask(() => peer.legEnded(reason));
      return;
    }
    this.endListeners = withEndListener(this.endListeners, peer);
  }

  /** The bridge let go: offers are answered with our own SDP again and INFO with a plain 200. */
  unlink(peer: LegPeer): void {
    this.endListeners = withoutEndListener(this.endListeners, peer);
    this.offerHandler = undefined;
    this.infoHandler = undefined;
    this.relayPeer = undefined;
  }

  /**
   * Every SDP we send on this leg after the first goes through here: it keeps the leg's own `o=` line and
   * version sequence (RFC 3264 §8) whichever party the description came from (sdp-origin.ts).
   */
  outgoingSdp(sdp: string): string {
    // Created on the first SDP after the leg's first: until then `localSdp` is still that first one (every
    // later `localSdp` assignment follows a stamp here).
    return (this.sdpOrigin ??= new SdpOrigin(this.localSdp)).stamp(sdp);
  }

  /** Answers an offer from the peer (re-INVITE or UPDATE); without a handler we re-offer our last SDP. */
  async answerOffer(offer: string | undefined, kind: "reinvite" | "update", exchange?: OfferlessExchange): Promise<string | undefined> {
    const handler = this.offerHandler;
    if (typeof handler === "function") return handler(offer, kind, exchange);
    if (handler) return handler.offer(offer, kind);
    return this.localSdp;
  }

  /** A refresh of the session happened (RFC 4028 §10): re-arm the timer. */
  sessionRefreshed(spec?: SessionTimerSpec): void {
    if (this.ended) return; // a late 2xx to a refresh after the leg ended starts nothing again
    if (this.timer) this.timer.refreshed(spec);
    else if (spec) this.timer = legSessionTimer(this, spec);
  }

  end(reason: LegEndReason): void {
    if (this.ended) return;
    this.ended = reason;
    this.timer?.stop();
    // A BYE before the ACK means the ACK was lost, and 64·T1 without one leaves the dialog confirmed all the
    // same (RFC 3261 §13.3.1.4, §15): either way the call was answered, so hand out the (already ended) leg
    // and let its onEnded listeners — e.g. a bridge — clean up.
    if (reason.by === "remote" || reason.by === "ack-timeout") this.ackWaiter?.resolve();
    else this.ackWaiter?.reject(new SipError(408, "ACK Timeout", { origin: "timeout" }));
    this.ackWaiter = undefined;
    this.onGone(this);
    tellEnded(this.endListeners, reason, this);
    this.endListeners = undefined;
  }

  /** The ACK for our 2xx (initial or re-INVITE) arrived. */
  acked(request: IncomingRequestMessage): void {
    const sdp = sdpOf(request);
    if (sdp) this.remoteSdp = sdp;
    this.ackWaiter?.resolve();
    this.ackWaiter = undefined;
    this.ackSdpWaiter?.(sdp);
    this.ackSdpWaiter = undefined;
  }

  /**
   * RFC 3261 §13.3.1.4: no ACK for our 2xx within 64·T1 — end the session with BYE. sip.js still calls this
   * when the peer's BYE came instead of the ACK (it ends the dialog but keeps waiting for the ACK): that BYE
   * confirmed and ended the dialog (§15), so there is nothing left to end and no BYE is owed.
   */
  ackTimedOut(): void {
    if (this.ended) return;
    this.end({ by: "ack-timeout" });
    try {
      this.session.bye();
    } catch {
      /* the dialog may already be gone */
    }
  }

  /** An INFO from the peer, answered through the `onInfo` handler (leg-requests.ts). */
  infoReceived(request: IncomingInfoRequest): void {
    const handler = this.infoHandler;
    void replyInfo(this, typeof handler === "object" ? (info) => handler.info(info) : handler, request.message, request);
  }

  /**
   * Our 2xx to the peer's refresh (re-INVITE or UPDATE) echoes its Session-Expires (RFC 4028 §9) and
   * re-arms our timer with the refresher it settles on; without Session-Expires the timer just re-arms.
   */
  sessionTimerHeaders(message: IncomingRequestMessage): string[] {
    const timer = uasSessionTimer(message.getHeader("session-expires"), message.getHeader("supported"));
    this.sessionRefreshed(timer?.spec);
    return timer?.headers ?? [];
  }
}
