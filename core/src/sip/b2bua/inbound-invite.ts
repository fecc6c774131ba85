/**
 * An INVITE that reached us (SDK `InboundInvite`) on a sip.js `IncomingInviteRequest`: 18x with optional
 * SDP, 200 resolving on ACK, negative finals, and CANCEL (sip.js answers the CANCEL 200; we send the
 * 487, RFC 3261 §9.2).
 */
import type { ExtraHeaders, InboundInvite, SipLeg, SipRequestInfo, SipTransportName } from "@tandem/sdk";
import { SipError } from "@tandem/sdk";
import type { IncomingInviteRequest, Session } from "sip.js/lib/core/index.js";
import type { Shard } from "../stack/shard.js";
import { makeContact } from "../stack/shard.js";
import type { StackPort } from "../stack/stack-port.js";
import { sdpOf } from "./message-info.js";
import { headerLines, sdpBody } from "./sip-bodies.js";
import { SipLegImpl } from "./sip-leg.js";
import { releaseInitialTransaction } from "./initial-transaction.js";
import { uasSessionTimer } from "./session-timer.js";

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
  private readonly contact: ReturnType<typeof makeContact>;

  /**
   * Dropped once the INVITE is answered (accepted, rejected or cancelled): nothing reads it afterwards, and the
   * call keeps its `InboundInvite` for its whole life (memory per active call).
   */
  private init: InboundInit | undefined;

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
    this.withContact(init, () =>
      init.uas.progress({
        statusCode: options.status ?? 180,
        extraHeaders: headerLines(options.headers),
        ...(options.sdp ? { body: sdpBody(options.sdp) } : {}),
      }),
    );
  }

  accept(options: { sdp: string; headers?: ExtraHeaders }): Promise<SipLeg> {
    if (this.isCancelled) return Promise.reject(new SipError(487, "Request Terminated", { origin: "remote" }));
    if (this.answered) return Promise.reject(new SipError(500, "Already answered", { origin: "remote" }));
    const init = this.init;
    if (!init) return Promise.reject(new SipError(500, "Already answered", { origin: "remote" }));
    this.answered = true;
    this.init = undefined;
    init.uas.delegate = undefined; // sip.js keeps the request for the dialog's life; a CANCEL now changes nothing
    this.cancelListeners.length = 0; // a CANCEL after the answer changes nothing (RFC 3261 §9.2): kept for the call's life otherwise
    const message = init.uas.message;
    const timer = uasSessionTimer(message.getHeader("session-expires"), message.getHeader("supported"));
    const extra = [...headerLines(options.headers), ...(timer?.headers ?? [])];
    let session: Session;
    try {
      session = this.withContact(init, () => init.uas.accept({ statusCode: 200, extraHeaders: extra, body: sdpBody(options.sdp) })).session;
    } catch (error) {
      return Promise.reject(new SipError(500, String(error), { origin: "remote", cause: error }));
    }
    releaseInitialTransaction(session, init.uas);
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
    this.isCancelled = true;
    this.init = undefined;
    try {
      init.uas.reject({ statusCode: 487 });
    } catch (error) {
      init.port.deps.logger.debug({ callId: this.request.callId, err: String(error) }, "487 not sent");
    }
    for (const listener of this.cancelListeners) {
      try {
        listener();
      } catch (error) {
        init.port.deps.logger.warn({ callId: this.request.callId, err: String(error) }, "onCancel listener threw");
      }
    }
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
