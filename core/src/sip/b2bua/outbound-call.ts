/**
 * An INVITE we originate (SDK `OutboundCall`): with our offer, or offerless (RFC 3725 flow I: the 2xx
 * offers, `onOffer` answers in the ACK). Provisional responses go to `onProgress`; `noAnswerTimeoutMs`
 * sends CANCEL (RFC 3261 §9.1, only after a provisional arrived); `noResponseTimeoutMs` gives up on a next hop
 * that sent nothing at all, well before Timer B (§17.1.1.2); failures are `SipError`s.
 */
import type { OutboundCall, OutboundInviteOptions, SipLeg, SipTransportName } from "@tandem/sdk";
import { NO_RESPONSE_REASON, SipError } from "@tandem/sdk";
import type {
  AckableIncomingResponseWithSession,
  IncomingResponse,
  OutgoingInviteRequest,
  OutgoingInviteRequestDelegate,
  OutgoingRequestMessage,
} from "sip.js/lib/core/index.js";
import { flat } from "../flat-string.js";
import type { StackPort } from "../stack-port.js";
import { uriTransport } from "../transport/next-hop.js";
import { releaseInitialTransaction } from "../dialogs/initial-transaction.js";
import { ackAndBye, settledDelegate } from "./settled-delegate.js";
import { responseFailure } from "../messages/response-failure.js";
import { responseInfo, sdpOf } from "../messages/message-info.js";
import { randomCallId, randomTag } from "../messages/random-ids.js";
import { headerLines, otherBody, sdpBody } from "../messages/sip-bodies.js";
import { SipLegImpl } from "../dialogs/sip-leg.js";
import { uacSessionTimer } from "../extensions/session-timer.js";
import { parseUri, toUriOf } from "../messages/uri-cache.js";
import { ALLOW } from "../sip-methods.js";

export interface OutboundHooks {
  onLeg(leg: SipLegImpl): void;
  onGone(leg: SipLegImpl): void;
  defaultTransport(): SipTransportName;
  /** Registers an abort run when the stack stops; returns the unregister function. */
  track?(abort: () => void): () => void;
}

export function startOutboundCall(port: StackPort, options: OutboundInviteOptions, hooks: OutboundHooks): OutboundCall {
  const callId = options.callId ?? randomCallId();
  const transport = uriTransport(options.target) ?? hooks.defaultTransport();
  let settle!: { resolve(leg: SipLeg): void; reject(error: Error): void };
  const answered = new Promise<SipLeg>((resolve, reject) => (settle = { resolve, reject }));
  answered.catch(() => undefined); // callers may never look; the rejection is still delivered to those who do
  const call = new OutboundCallState(port, options, hooks, callId, transport, settle);
  // The caller keeps the returned object for the call's life: once settled it must not keep the state alive, so
  // no closure here captures `call` itself (they share one scope), only `live`.
  let live: OutboundCallState | undefined = call;
  const untrack = hooks.track?.(() => live?.abort()) ?? (() => undefined);
  call.untrack = () => {
    untrack();
    live = undefined;
  };
  try {
    call.send();
  } catch (error) {
    call.untrack();
    settle.reject(new SipError(503, String(error), { origin: "transport", cause: error }));
  }
  return { callId, answered, cancel: (reason?: string) => live?.cancel(reason) };
}

class OutboundCallState {
  private request: OutgoingInviteRequest | undefined;
  private provisional = false;
  private cancelWanted: string | undefined;
  private done = false;
  private leg: SipLegImpl | undefined;
  private noAnswer: NodeJS.Timeout | undefined;
  private noResponse: NodeJS.Timeout | undefined;
  private readonly contactHeader: string;
  /** Set by startOutboundCall: leaves the stack's in-flight list once the call settled. */
  untrack: () => void = () => undefined;

  constructor(
    private readonly port: StackPort,
    private readonly options: OutboundInviteOptions,
    private readonly hooks: OutboundHooks,
    private readonly callId: string,
    private readonly transport: SipTransportName,
    private readonly settle: { resolve(leg: SipLeg): void; reject(error: Error): void },
  ) {
    const fromUser = options.from ? parseUri(options.from).user : undefined;
    // Kept by the leg and by sip.js's INVITE for the dialog's life: one flat string, not a concatenation tree.
    // Feature tags are Contact header parameters, outside the angle brackets (RFC 3840 §9).
    const tags = (options.featureTags ?? []).map((tag) => `;${tag}`).join("");
    this.contactHeader = flat(`Contact: <${port.contactUri(fromUser, transport).toString()}>${tags}`);
  }

  send(): void {
    const { options, port } = this;
    const shard = port.shardFor(this.callId);
    const ruri = parseUri(options.target);
    const from = options.from ? parseUri(options.from) : port.contactUri(undefined, this.transport);
    const to = options.to ? parseUri(options.to) : toUriOf(options.target);
    const message: OutgoingRequestMessage = shard.core.makeOutgoingRequestMessage(
      "INVITE",
      ruri,
      from,
      to,
      { callId: this.callId, fromTag: randomTag(), ...(options.fromDisplayName ? { fromDisplayName: options.fromDisplayName } : {}) },
      [this.contactHeader, ALLOW_HEADER, ...headerLines(options.headers)],
      options.body ? otherBody(options.body) : options.sdp !== undefined ? sdpBody(options.sdp) : undefined,
    );
    this.request = shard.core.invite(message, new InviteDelegate(this));
    if (options.noAnswerTimeoutMs && options.noAnswerTimeoutMs > 0) {
      this.noAnswer = setTimeout(() => this.noAnswerTimeout(), options.noAnswerTimeoutMs);
    }
    if (options.noResponseTimeoutMs && options.noResponseTimeoutMs > 0) {
      this.noResponse = setTimeout(() => this.noResponseTimeout(), options.noResponseTimeoutMs);
    }
  }

  cancel(reason?: string): void {
    if (this.done) return;
    this.sendCancel(reason);
  }

  /**
   * CANCEL now, or once a provisional response arrives (RFC 3261 §9.1). Also after we gave up on the call (no-answer
   * time-out before any 1xx): the far end must still be told, or it rings on.
   */
  private sendCancel(reason?: string): void {
    if (!this.provisional) {
      // RFC 3261 §9.1: no CANCEL before a provisional response; send it when one arrives.
      this.cancelWanted = reason ?? "";
      return;
    }
    try {
      this.request?.cancel(reason);
    } catch (error) {
      this.port.deps.logger.debug({ callId: this.callId, err: String(error) }, "CANCEL not sent");
    }
  }

  /** Internal (InviteDelegate): a 1xx arrived. */
  gotProvisional(): void {
    if (this.provisional) return;
    this.provisional = true;
    if (this.noResponse) clearTimeout(this.noResponse);
    this.noResponse = undefined;
    if (this.cancelWanted !== undefined) this.sendCancel(this.cancelWanted || undefined);
  }

  private noAnswerTimeout(): void {
    if (this.done) return;
    this.sendCancel("no answer");
    this.finish();
    this.settle.reject(new SipError(408, "No Answer", { origin: "timeout" }));
  }

  /** Nothing came back at all: the INVITE's next hop is taken for dead (the transaction runs on until Timer B). */
  private noResponseTimeout(): void {
    this.noResponse = undefined;
    if (this.done || this.provisional) return;
    this.sendCancel("no response");
    this.finish();
    this.settle.reject(new SipError(408, NO_RESPONSE_REASON, { origin: "timeout" }));
  }

  /** Internal (InviteDelegate): a 1xx above 100 goes to the caller's `onProgress`. */
  progressed(response: IncomingResponse): void {
    this.gotProvisional();
    if ((response.message.statusCode ?? 0) > 100) this.options.onProgress?.(responseInfo(response.message));
  }

  /** Internal (InviteDelegate): a 2xx arrived (the first, a retransmission or a forked one). */
  async accepted(response: AckableIncomingResponseWithSession): Promise<void> {
    if (this.done || this.leg) {
      // Late or forked 2xx after we gave up or already have a leg: confirm and end it (RFC 3261 §13.2.2.4).
      if (!this.leg || response.session.id !== this.leg.session.id) ackAndBye(response);
      return;
    }
    const peerSdp = sdpOf(response.message);
    let localSdp = this.options.sdp;
    if (localSdp === undefined) {
      try {
        localSdp = peerSdp && this.options.onOffer ? await this.options.onOffer(peerSdp) : undefined;
      } catch (error) {
        this.port.deps.logger.warn({ callId: this.callId, err: String(error) }, "onOffer failed; ending the call");
      }
      if (!localSdp) {
        ackAndBye(response);
        this.finish();
        this.settle.reject(new SipError(488, "Not Acceptable Here", { origin: "remote" }));
        return;
      }
    }
    if (this.options.sdp === undefined) response.ack({ body: sdpBody(localSdp) });
    else response.ack();
    if (this.request) releaseInitialTransaction(response.session, this.request);
    this.leg = new SipLegImpl(response.session, {
      session: response.session,
      direction: "outbound",
      transport: this.transport,
      localSdp,
      remoteSdp: peerSdp,
      contactHeader: this.contactHeader,
      ownsCallId: true,
      sessionTimer: uacSessionTimer(response.message.getHeader("session-expires")),
      port: this.port,
      onGone: this.hooks.onGone,
    });
    this.hooks.onLeg(this.leg);
    this.finish();
    this.settle.resolve(this.leg);
  }

  /** The stack stops before the call settled: it fails as a transport failure would (sip.js is disposed). */
  abort(): void {
    if (this.done) return;
    this.finish();
    this.settle.reject(new SipError(503, "SIP stack stopped", { origin: "transport" }));
  }

  /** Internal (InviteDelegate): a final non-2xx. */
  failed(response: IncomingResponse): void {
    if (this.done) return;
    this.finish();
    this.settle.reject(responseFailure(response));
  }

  private finish(): void {
    this.done = true;
    this.untrack();
    if (this.noAnswer) clearTimeout(this.noAnswer);
    this.noAnswer = undefined;
    if (this.noResponse) clearTimeout(this.noResponse);
    this.noResponse = undefined;
    // sip.js keeps the INVITE transaction, and through it this delegate, for the dialog's life: from now on it
    // only needs to send a CANCEL still owed and to end a 2xx from another fork or one after we gave up
    // (RFC 3261 §9.1, §13.2.2.4), not this state.
    if (this.request) {
      const owed = this.provisional ? undefined : this.cancelWanted;
      this.request.delegate = settledDelegate(this.request, this.leg?.session.id, owed, this.port, this.callId);
    }
    this.request = undefined;
  }
}

// What we send in Allow is what the stack serves (RFC 3261 §20.5): one list for requests and answers alike.
const ALLOW_HEADER = `Allow: ${ALLOW}`;

/**
 * sip.js keeps an INVITE's delegate for the dialog's life (through its client transaction): prototype methods
 * and one back-reference cost less than five closures per call.
 */
class InviteDelegate implements OutgoingInviteRequestDelegate {
  constructor(private readonly call: OutboundCallState) {}

  onTrying(): void {
    this.call.gotProvisional();
  }

  onProgress(response: IncomingResponse): void {
    this.call.progressed(response);
  }

  onAccept(response: AckableIncomingResponseWithSession): void {
    void this.call.accepted(response);
  }

  onReject(response: IncomingResponse): void {
    this.call.failed(response);
  }

  onRedirect(response: IncomingResponse): void {
    this.call.failed(response);
  }
}
