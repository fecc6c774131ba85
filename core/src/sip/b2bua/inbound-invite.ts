/**
 * An INVITE that reached us (SDK `InboundInvite`) on a sip.js `IncomingInviteRequest`: 18x with optional
 * SDP, 200 resolving on ACK, negative finals, and CANCEL (sip.js answers the CANCEL 200; we send the
 * 487, RFC 3261 §9.2).
 */
import type { ExtraHeaders, InboundInvite, SipLeg, SipRequestInfo, SipTransportName } from "@tandem/sdk";
import { SipError } from "@tandem/sdk";
import type { Contact, IncomingInviteRequest, IncomingPrackRequest, Session, SessionDelegate } from "sip.js/lib/core/index.js";
import type { Shard, StackPort } from "../stack-port.js";
import { sdpOf } from "../messages/message-info.js";
import { headerLines, sdpBody } from "../messages/sip-bodies.js";
import { SipLegImpl } from "../dialogs/sip-leg.js";
import { releaseInitialTransaction } from "../dialogs/initial-transaction.js";
import { ReliableProvisionals, reliabilityOf } from "../extensions/reliable-provisional.js";
import { uasSessionTimer } from "../extensions/session-timer.js";

/**
 * The early dialog's delegate while none of our 18x is reliable: a PRACK there matches nothing, so 481 (RFC 3262
 * §3), where sip.js would answer 200. One shared object; a reliable 18x or the answer replaces it.
 */
const NOTHING_TO_PRACK: SessionDelegate = Object.freeze({
  onPrack: (request: IncomingPrackRequest) => void request.reject({ statusCode: 481, reasonPhrase: "No Matching Provisional Response" }),
});

export interface InboundInit {
  uas: IncomingInviteRequest;
  request: SipRequestInfo;
  shard: Shard;
  port: StackPort;
  transport: SipTransportName;
  onLeg(leg: SipLegImpl): void;
  onGone(leg: SipLegImpl): void;
}

export class InboundInviteImpl implements InboundInvite {
  readonly request: SipRequestInfo;
  readonly dn: string | undefined;
  readonly offer: string | undefined;
  private isCancelled = false;
  private answered = false;
  private readonly cancelListeners: Array<() => void> = [];
  private readonly contact: Contact;

  /**
   * Dropped once the INVITE is answered (accepted, rejected or cancelled): nothing reads it afterwards, and the
   * call keeps its `InboundInvite` for its whole life (memory per active call).
   */
  private init: InboundInit | undefined;

  /** RFC 3262 state while unanswered: made on the first 18x (`false`: the caller knows nothing of 100rel). */
  private reliable: ReliableProvisionals | false | undefined;

  constructor(init: InboundInit) {
    this.init = init;
    this.request = init.request;
    this.dn = init.request.ruriUser;
    this.offer = sdpOf(init.uas.message);
    this.contact = init.port.contact(this.dn, init.transport); // shared per DN: a call keeps no copy
    init.uas.delegate = { onCancel: () => this.cancelledByPeer() };
  }

  get cancelled(): boolean {
    return this.isCancelled;
  }

  progress(options: { status?: 180 | 181 | 182 | 183; sdp?: string; headers?: ExtraHeaders } = {}): void {
    const init = this.init;
    if (this.answered || this.isCancelled || !init) return;
    const extraHeaders = headerLines(options.headers);
    const reliable = this.reliableProvisionals(init);
    // SDP in an 18x to an offerless INVITE is an offer; a caller that requires 100rel would answer it in its PRACK
    // (RFC 3262 §5), which we do not take: it gets the 18x without SDP, and the offer in the 200 (RFC 3261 §13.2.1).
    const sdp = reliable?.mode === "required" && this.offer === undefined ? undefined : options.sdp;
    const body = sdp ? { body: sdpBody(sdp) } : {};
    const send = (reliability: string[]): Session | undefined => {
      try {
        const statusCode = options.status ?? 180;
        return this.withContact(init, () => init.uas.progress({ statusCode, extraHeaders: [...extraHeaders, ...reliability], ...body }).session);
      } catch (error) {
        init.port.deps.logger.debug({ callId: this.request.callId, err: String(error) }, "provisional response not sent");
        return undefined;
      }
    };
    if (reliable?.wants(sdp !== undefined)) reliable.send(send, sdp !== undefined);
    else {
      const early = send([]);
      if (early && !early.delegate) early.delegate = NOTHING_TO_PRACK;
    }
  }

  /** RFC 3262: made the first time an 18x goes to a caller that knows 100rel (offerless ones: only if required). */
  private reliableProvisionals(init: InboundInit): ReliableProvisionals | undefined {
    if (this.reliable !== undefined) return this.reliable || undefined;
    const mode = reliabilityOf(init.uas.message);
    // A caller that only supports 100rel and sent no offer gets its 18x as before (unreliable, SDP and all).
    const usable = mode === "required" || (mode === "supported" && this.offer !== undefined);
    this.reliable = usable && mode ? new ReliableProvisionals(mode, init.uas.message.cseq, () => this.noPrack()) : false;
    return this.reliable || undefined;
  }

  /** RFC 3262 §3: no PRACK for 64·T1 — the INVITE is rejected with a 5xx, and it ends for us as a CANCEL would. */
  private noPrack(): void {
    const init = this.init;
    if (this.answered || this.isCancelled || !init) return;
    init.port.deps.logger.info({ callId: this.request.callId }, "no PRACK for a reliable provisional response; rejecting the INVITE");
    this.endUnanswered(init, 504, "Reliable Response Time-out");
  }

  accept(options: { sdp: string; headers?: ExtraHeaders }): Promise<SipLeg> {
    if (this.isCancelled) return Promise.reject(new SipError(487, "Request Terminated", { origin: "remote" }));
    if (this.answered) return Promise.reject(new SipError(500, "Already answered", { origin: "remote" }));
    const init = this.init;
    if (!init) return Promise.reject(new SipError(500, "Already answered", { origin: "remote" }));
    this.answered = true;
    this.init = undefined;
    this.dropReliability();
    init.uas.delegate = undefined; // sip.js keeps the request for the dialog's life; a CANCEL now changes nothing
    this.cancelListeners.length = 0; // a CANCEL after the answer changes nothing (RFC 3261 §9.2): kept for the call's life otherwise
    const message = init.uas.message;
    const timer = uasSessionTimer(message.getHeader("session-expires"), message.getHeader("supported"));
    const extra = [...headerLines(options.headers), ...(timer?.headers ?? [])];
    let session: Session;
    try {
      session = this.withContact(init, () => init.uas.accept({ statusCode: 200, extraHeaders: extra, body: sdpBody(options.sdp) })).session;
    } catch (error) {
      this.uncount(init);
      return Promise.reject(new SipError(500, String(error), { origin: "remote", cause: error }));
    }
    releaseInitialTransaction(session, init.uas);
    init.port.deps.admission?.answered(this.request.callId);
    const leg = new SipLegImpl(session, {
      session,
      direction: "inbound",
      transport: init.transport,
      localSdp: options.sdp,
      remoteSdp: this.offer,
      contactHeader: `Contact: ${this.contact.toString()}`,
      ownsCallId: false,
      sessionTimer: timer?.spec,
      port: init.port,
      onGone: init.onGone,
    });
    init.onLeg(leg);
    return new Promise<SipLeg>((resolve, reject) => {
      leg.ackWaiter = { resolve: () => resolve(leg), reject };
    });
  }

  reject(status: number, options: { reason?: string; headers?: ExtraHeaders } = {}): void {
    const init = this.init;
    if (this.answered || this.isCancelled || !init) return;
    this.answered = true;
    this.init = undefined;
    this.dropReliability();
    this.uncount(init);
    const statusCode = status >= 300 && status <= 699 ? status : 500;
    try {
      init.uas.reject({ statusCode, ...(options.reason ? { reasonPhrase: options.reason } : {}), extraHeaders: headerLines(options.headers) });
    } catch (error) {
      init.port.deps.logger.debug({ callId: this.request.callId, err: String(error) }, "reject not sent");
    }
  }

  onCancel(listener: () => void): void {
    if (this.isCancelled) queueMicrotask(listener);
    else this.cancelListeners.push(listener);
  }

  private cancelledByPeer(): void {
    const init = this.init;
    if (this.answered || this.isCancelled || !init) return;
    this.endUnanswered(init, 487);
  }

  /** The caller is gone before any answer (CANCEL, or no PRACK): the final response, then the cancel listeners. */
  private endUnanswered(init: InboundInit, statusCode: number, reasonPhrase?: string): void {
    this.isCancelled = true;
    this.init = undefined;
    this.dropReliability();
    this.uncount(init);
    try {
      init.uas.reject({ statusCode, ...(reasonPhrase ? { reasonPhrase } : {}) });
    } catch (error) {
      init.port.deps.logger.debug({ callId: this.request.callId, err: String(error) }, `${statusCode} not sent`);
    }
    for (const listener of this.cancelListeners) {
      try {
        listener();
      } catch (error) {
        init.port.deps.logger.warn({ callId: this.request.callId, err: String(error) }, "onCancel listener threw");
      }
    }
  }

  /** The INVITE ended without a leg: admission control stops counting the call (an answered one: its leg's end). */
  private uncount(init: InboundInit): void {
    init.port.deps.admission?.release(this.request.callId);
  }

  /** A final response went: no 18x is sent again or waits (RFC 3262 §3). */
  private dropReliability(): void {
    if (this.reliable) this.reliable.stop();
    this.reliable = undefined;
  }

  /** sip.js writes `config.contact` into 1xx/2xx; set the DN's own Contact just for this call (synchronous). */
  private withContact<T>(init: InboundInit, fn: () => T): T {
    const config = init.shard.config;
    const previous = config.contact;
    config.contact = this.contact;
    try {
      return fn();
    } finally {
      config.contact = previous;
    }
  }
}
