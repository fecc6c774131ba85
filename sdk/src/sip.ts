/**
 * SIP verbs for plugins: calls, legs, bridges, subscriptions and plain requests, with no sockets in
 * sight. The core's stack (`core/src/sip/`) implements them on sip.js with its own transports, UDP
 * reliability layer and fast parser. Shapes follow the domain (drachtio-srf's `createB2BUA`,
 * `dialog.modify('hold')`) rather than the wire.
 */
import type { Unsubscribe } from "./events.js";

/** Transport names as in `sip.listen[].transport`. */
export type SipTransportName = "udp" | "tcp" | "tls";

/** A name-addr (`"Alice" <sip:1001@pbx>;tag=x`) taken apart. */
export interface NameAddr {
  /** The URI as text, without the angle brackets. */
  readonly uri: string;
  readonly user?: string;
  readonly host: string;
  readonly displayName?: string;
  readonly tag?: string;
}

/** Where a message came from. */
export interface SipSource {
  readonly transport: SipTransportName;
  readonly address: string;
  readonly port: number;
}

/** Read access to a received request. */
export interface SipRequestInfo {
  readonly method: string;
  readonly ruri: string;
  /** User part of the Request-URI (the dialled DN), if any. */
  readonly ruriUser?: string;
  readonly callId: string;
  readonly cseq: number;
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly body: string;
  readonly contentType?: string;
  readonly source: SipSource;
  /** First value of a header (case-insensitive, compact forms accepted). */
  header(name: string): string | undefined;
  /** All values of a header, one entry per header line. */
  headers(name: string): string[];
}

/** Read access to a received response. */
export interface SipResponseInfo {
  readonly status: number;
  readonly reason: string;
  readonly body: string;
  readonly contentType?: string;
  header(name: string): string | undefined;
  headers(name: string): string[];
}

/** Extra headers to put on a message; the stack owns Via, From/To tags, Call-ID, CSeq and Content-Length. */
export type ExtraHeaders = Record<string, string>;

/** An answer a plugin gives to an in-dialog request (INFO, NOTIFY …). */
export interface SipReplyInput {
  status: number;
  reason?: string;
  headers?: ExtraHeaders;
  body?: string;
  contentType?: string;
}

/** Why a leg ended. */
export interface LegEndReason {
  /** `local`: we sent BYE/CANCEL; `remote`: the peer did; others are failures we detected. */
  readonly by: "local" | "remote" | "timeout" | "transport" | "session-timer" | "ack-timeout";
  readonly status?: number;
}

/**
 * What an {@link OfferHandler} is given for an offerless re-INVITE: the offer it returns goes in our 2xx and the
 * peer's answer comes in its ACK (RFC 3261 §14.1, §13.2.1; RFC 3264 §4).
 */
export interface OfferlessExchange {
  /** `listener` gets the peer's answer from the ACK; it is not called when the ACK carries no SDP or never comes. */
  onAnswer(listener: (answer: string) => void): void;
}

/**
 * Handler for an SDP offer the peer sends inside a dialog (re-INVITE or UPDATE); returns the answer. For an
 * offerless re-INVITE (`offer` undefined) it returns our offer instead, and `exchange` carries the answer to it.
 */
export type OfferHandler = (offer: string | undefined, kind: "reinvite" | "update", exchange?: OfferlessExchange) => Promise<string>;

/**
 * A body other than a plain SDP offer: e.g. SIPREC's `multipart/mixed` of the SDP and the recording metadata
 * (RFC 7866 §8, RFC 5621 §3). The SDP part is the caller's to version (RFC 3264 §8).
 */
export interface SipMessageBody {
  /** Full Content-Type, parameters included (`multipart/mixed;boundary=…`). */
  readonly contentType: string;
  readonly content: string;
}

/** Options of a re-INVITE we send. */
export interface ReinviteOptions {
  /** Our offer. Omit for an offerless re-INVITE (RFC 3725): the peer offers in its 2xx and `onOffer` answers in the ACK. */
  sdp?: string;
  /** Sent instead of `sdp` as the request's body; `sdp` (when given) is the offer it carries, kept as the leg's local SDP. */
  body?: SipMessageBody;
  /** Answers the peer's offer when `sdp` was omitted. */
  onOffer?: (offer: string) => Promise<string>;
  headers?: ExtraHeaders;
}

/** A confirmed dialog with one peer: one side of a call. */
export interface SipLeg {
  readonly id: string;
  readonly callId: string;
  readonly direction: "inbound" | "outbound";
  readonly localUri: string;
  readonly remoteUri: string;
  readonly transport: SipTransportName;
  readonly state: "confirmed" | "terminated";
  /** Last SDP we sent and last SDP the peer sent (after offer/answer). */
  readonly localSdp: string | undefined;
  readonly remoteSdp: string | undefined;
  /** Sends BYE (no-op when already terminated). */
  bye(headers?: ExtraHeaders): Promise<void>;
  /** Sends a re-INVITE; on 491 retries after the RFC 3261 §14.1 random delay. Resolves with the peer's SDP. */
  reinvite(options: ReinviteOptions): Promise<{ sdp: string | undefined }>;
  /** Hold per RFC 3264 §8.4: re-INVITE with our last SDP set to `sendonly` (default) or `inactive`. */
  hold(mode?: "sendonly" | "inactive"): Promise<void>;
  /** Takes the leg off hold: re-INVITE with `sendrecv`. */
  unhold(): Promise<void>;
  /** Sends INFO inside the dialog (e.g. DTMF relay, MSML). */
  info(options: { contentType: string; body: string; headers?: ExtraHeaders }): Promise<SipResponseInfo>;
  /** Sets who answers the peer's re-INVITE/UPDATE offers (a bridge relays them to the other leg). */
  onOffer(handler: OfferHandler): void;
  /** Sets who answers INFO from the peer (default 200). */
  onInfo(handler: (request: SipRequestInfo) => SipReplyInput | void | Promise<SipReplyInput | void>): void;
  onEnded(listener: (reason: LegEndReason) => void): Unsubscribe;
}

/** An INVITE that reached us and is not answered yet. */
export interface InboundInvite {
  readonly request: SipRequestInfo;
  /** The dialled DN (Request-URI user). */
  readonly dn: string | undefined;
  /** The caller's SDP offer; undefined for a delayed-offer INVITE. */
  readonly offer: string | undefined;
  readonly cancelled: boolean;
  /**
   * Sends a provisional response (180 by default; 183 with `sdp` for early media). When the caller requires 100rel,
   * every one goes reliably; when it only supports 100rel, the ones with `sdp` do (RFC 3262 §3): the stack sends
   * them again until the caller's PRACK, and holds a later one until then.
   */
  progress(options?: { status?: 180 | 181 | 182 | 183; sdp?: string; headers?: ExtraHeaders }): void;
  /**
   * Sends 200 with `sdp` (our answer, or our offer for a delayed-offer INVITE) and resolves with the
   * leg once the ACK arrives. The dialog is confirmed as well when the caller's BYE comes before the ACK (a
   * lost ACK) or when no ACK comes within 64·T1 (RFC 3261 §13.3.1.4, §15): then it resolves with the leg
   * already ended, whose `onEnded` says why (`remote`, or `ack-timeout` after the stack's BYE).
   */
  accept(options: { sdp: string; headers?: ExtraHeaders }): Promise<SipLeg>;
  /** Sends a final negative response. */
  reject(status: number, options?: { reason?: string; headers?: ExtraHeaders }): void;
  /**
   * Called when the caller is gone before any answer: it CANCELled (the stack has already answered 200 and 487),
   * or it never PRACKed a reliable provisional response within 64·T1 (RFC 3262 §3; the stack has answered 504).
   */
  onCancel(listener: () => void): void;
}

/** Options of an INVITE we originate. */
export interface OutboundInviteOptions {
  /** Request-URI, e.g. `sip:1001@10.0.0.5:5060;transport=tcp`. */
  target: string;
  /** From URI (we add the tag); default the server's own URI. */
  from?: string;
  fromDisplayName?: string;
  /** To URI; default the target without URI parameters. */
  to?: string;
  /** Our offer; omit for a delayed-offer INVITE (RFC 3725 flow I): `onOffer` answers the 2xx's offer in the ACK. */
  sdp?: string;
  /** Sent instead of `sdp` as the INVITE's body (e.g. SIPREC's multipart, RFC 7866 §8); `sdp` is the offer it carries. */
  body?: SipMessageBody;
  onOffer?: (offer: string) => Promise<string>;
  headers?: ExtraHeaders;
  /**
   * Feature tags (RFC 3840 §9) added as parameters of our Contact, on this INVITE and on the dialog's later
   * requests and answers, e.g. `+sip.src` of a SIPREC client (RFC 7866 §6.1.1).
   */
  featureTags?: readonly string[];
  /** Call-ID to use (we generate a random one otherwise). */
  callId?: string;
  /** Give up (CANCEL) when no final answer comes within this many ms. */
  noAnswerTimeoutMs?: number;
  /**
   * Give up when no response at all (not even 100 Trying) comes within this many ms, long before Timer B (64·T1,
   * RFC 3261 §17.1.1.2): the next hop is down. `answered` rejects with `SipError` 408, origin `timeout`; a CANCEL
   * follows if a provisional response still arrives (§9.1), and a late 2xx is acknowledged and ended (§13.2.2.4).
   */
  noResponseTimeoutMs?: number;
  /** Provisional responses as they arrive. */
  onProgress?: (response: SipResponseInfo) => void;
}

/** `SipError.reason` of an INVITE given up by `noResponseTimeoutMs` (nothing came back: not even 100 Trying). */
export const NO_RESPONSE_REASON = "No Response";

/** An INVITE in progress. */
export interface OutboundCall {
  readonly callId: string;
  /** The leg once answered (and ACKed); rejects with `SipError` (the peer's status, 408 timeout, 503 transport, 487 cancelled). */
  readonly answered: Promise<SipLeg>;
  /** CANCELs the INVITE if it has not been answered. */
  cancel(reason?: string): void;
}

/** A pair of legs whose offers, INFO and BYE are relayed to each other. */
export interface Bridge {
  readonly a: SipLeg;
  readonly b: SipLeg;
  /** Stops relaying without ending either leg (for transfers). */
  unbridge(): void;
  /** Resolves when the bridge ends (either leg ended or `unbridge`). */
  readonly ended: Promise<{ by: "a" | "b" | "unbridge"; reason?: LegEndReason }>;
}

/** Options of a bridge. */
export interface BridgeOptions {
  /** End the other leg (BYE) when one ends; default true. */
  propagateBye?: boolean;
}

/** Options of a SUBSCRIBE we send (RFC 6665). */
export interface SubscribeOptions {
  target: string;
  /** Event package; exactly `presence` for RFC 3856. */
  event: string;
  /** Accept header values, e.g. `["application/pidf+xml"]`. */
  accept?: readonly string[];
  /** Requested duration in seconds (RFC 3856 default 3600). */
  expires?: number;
  from?: string;
  to?: string;
  headers?: ExtraHeaders;
}

/** A NOTIFY delivered to a subscription (the stack has already answered 200). */
export interface NotifyInfo {
  readonly request: SipRequestInfo;
  readonly body: string;
  readonly contentType?: string;
  readonly state: "pending" | "active" | "terminated";
  readonly expires?: number;
  readonly reason?: string;
  readonly retryAfter?: number;
}

/** Why a subscription ended. */
export interface SubscriptionEnd {
  readonly by: "notify" | "refresh-failed" | "timeout" | "transport" | "local";
  readonly reason?: string;
  readonly retryAfter?: number;
  readonly status?: number;
}

/** A subscriber-side subscription dialog. */
export interface SipSubscription {
  readonly id: string;
  readonly callId: string;
  readonly target: string;
  readonly state: "init" | "pending" | "active" | "terminated";
  /** When the subscription expires unless refreshed (ms since epoch), after the notifier's grant. */
  readonly expiresAt: number | undefined;
  /** Resolves with the granted expiry on 2xx; rejects with `SipError` (e.g. 481, 489, 503 with `retryAfter`, 408). */
  readonly accepted: Promise<{ expires: number }>;
  /** Re-SUBSCRIBE in the dialog; rejects with `SipError` (481 means the notifier lost the dialog). */
  refresh(expires?: number): Promise<{ expires: number }>;
  /** SUBSCRIBE with Expires 0 (RFC 6665 §4.1.2.3). */
  unsubscribe(): Promise<void>;
  onNotify(listener: (notify: NotifyInfo) => void): Unsubscribe;
  onTerminated(listener: (end: SubscriptionEnd) => void): Unsubscribe;
}

/** Options of an out-of-dialog request (OPTIONS ping, MESSAGE, INFO to a media server …). */
export interface RequestOptions {
  method: string;
  target: string;
  from?: string;
  to?: string;
  headers?: ExtraHeaders;
  body?: string;
  contentType?: string;
}

/** SIP verbs a plugin context offers. */
export interface SipVerbs {
  /** The server's own URI for a user (`sip:<user>@<host>:<port>;transport=<t>`), for From and Contact. */
  localUri(user?: string, transport?: SipTransportName): string;
  /**
   * Offers inbound INVITEs to `handler`. Handlers are asked in order; the first that returns true owns the
   * call. Unclaimed INVITEs get 480.
   */
  onInvite(handler: (invite: InboundInvite) => boolean | Promise<boolean>): Unsubscribe;
  invite(options: OutboundInviteOptions): OutboundCall;
  bridge(a: SipLeg, b: SipLeg, options?: BridgeOptions): Bridge;
  subscribe(options: SubscribeOptions): SipSubscription;
  /** Sends a request outside any dialog; resolves with any final response, rejects with `SipError` on timeout or transport failure. */
  request(options: RequestOptions): Promise<SipResponseInfo>;
}
