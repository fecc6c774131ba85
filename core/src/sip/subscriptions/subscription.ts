/**
 * Subscriber side of RFC 6665 (SDK `SipSubscription`) on sip.js's SUBSCRIBE client and subscription
 * dialog. Quirks handled here: the Event header must be exactly the package name (sip.js matches the
 * first NOTIFY by the raw header); the first NOTIFY may precede the 2xx (§4.1.2.4); a NOTIFY with
 * `Subscription-State: terminated` ends the subscription without sip.js calling `onTerminated`, so we
 * read the header ourselves (§4.1.3); NOTIFYs are always answered 200.
 */
import { randomUUID } from "node:crypto";
import type { NotifyInfo, SipSubscription, SubscribeOptions, SubscriptionEnd, Unsubscribe } from "@tandem/sdk";
import { SipError } from "@tandem/sdk";
import type { IncomingNotifyRequest, IncomingResponse, Subscription } from "sip.js/lib/core/index.js";
import type { StackPort } from "../stack-port.js";
import { uriTransport } from "../transport/next-hop.js";
import type { Inflight } from "../inflight.js";
import { responseFailure } from "../messages/response-failure.js";
import { contentTypeOf, requestInfo } from "../messages/message-info.js";
import { randomCallId, randomTag } from "../messages/random-ids.js";
import { headerLines } from "../messages/sip-bodies.js";
import { parseUri, toUriOf } from "../messages/uri-cache.js";

type State = "init" | "pending" | "active" | "terminated";

export class SubscriptionImpl implements SipSubscription {
  readonly id = randomUUID();
  readonly callId = randomCallId();
  readonly target: string;
  readonly accepted: Promise<{ expires: number }>;
  state: State = "init";
  expiresAt: number | undefined;
  private dialog: Subscription | undefined;
  private readonly notifyListeners = new Set<(n: NotifyInfo) => void>();
  private readonly endListeners = new Set<(e: SubscriptionEnd) => void>();
  private settle!: { resolve(v: { expires: number }): void; reject(e: Error): void };
  private readonly event: string;
  private readonly baseHeaders: string[];

  private untrack: () => void = () => undefined;

  constructor(
    private readonly port: StackPort,
    private readonly options: SubscribeOptions,
    fallback: "udp" | "tcp" | "tls",
    inflight?: Inflight,
  ) {
    this.target = options.target;
    // sip.js keys the first NOTIFY by the parsed (lower-cased) event, the subscriber by the raw header.
    this.event = options.event.trim().toLowerCase();
    this.accepted = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.accepted.catch(() => undefined);
    if (inflight) this.untrack = inflight.track(() => this.abort());
    const transport = uriTransport(options.target) ?? fallback;
    const from = options.from ? parseUri(options.from) : port.contactUri(undefined, transport);
    const contact = `Contact: <${port.contactUri(from.user, transport).toString()}>`;
    this.baseHeaders = [`Event: ${this.event}`, contact, ...(options.accept?.length ? [`Accept: ${options.accept.join(", ")}`] : [])];
    this.start(from, transport);
  }

  private start(from: ReturnType<typeof parseUri>, _transport: string): void {
    const shard = this.port.shardFor(this.callId);
    const to = this.options.to ? parseUri(this.options.to) : toUriOf(this.options.target);
    const expires = this.options.expires ?? 3600;
    const extra = [...this.baseHeaders, `Expires: ${expires}`, ...headerLines(this.options.headers)];
    const message = shard.core.makeOutgoingRequestMessage("SUBSCRIBE", parseUri(this.options.target), from, to, { callId: this.callId, fromTag: randomTag() }, extra);
    try {
      shard.core.subscribe(message, {
        onAccept: (response) => this.granted(response, expires),
        onReject: (response) => this.refused(response),
        onRedirect: (response) => this.refused(response),
        onNotify: ({ request, subscription }) => {
          if (subscription) this.attach(subscription);
          this.notified(request);
        },
        onNotifyTimeout: () => this.terminate({ by: "timeout" }),
      });
    } catch (error) {
      this.settle.reject(new SipError(503, String(error), { origin: "transport", cause: error }));
      this.terminate({ by: "transport" });
    }
  }

  refresh(expires?: number): Promise<{ expires: number }> {
    return this.resubscribe(expires ?? this.options.expires ?? 3600);
  }

  async unsubscribe(): Promise<void> {
    if (this.state === "terminated") return;
    const dialog = this.dialog;
    this.terminate({ by: "local" });
    if (dialog) await this.resubscribe(0, dialog).catch(() => undefined);
  }

  onNotify(listener: (notify: NotifyInfo) => void): Unsubscribe {
    this.notifyListeners.add(listener);
    return () => this.notifyListeners.delete(listener);
  }

  onTerminated(listener: (end: SubscriptionEnd) => void): Unsubscribe {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  private resubscribe(expires: number, dialog = this.dialog): Promise<{ expires: number }> {
    if (!dialog) return Promise.reject(new SipError(481, "No subscription dialog yet", { origin: "remote" }));
    return new Promise((resolve, reject) => {
      const done = (response: IncomingResponse): void => {
        const status = response.message.statusCode ?? 500;
        if (status >= 200 && status < 300) {
          const granted = Number(response.message.getHeader("expires") ?? expires);
          if (expires > 0) this.expiresAt = Date.now() + granted * 1000;
          resolve({ expires: granted });
          return;
        }
        const error = responseFailure(response);
        if (expires > 0) this.terminate({ by: "refresh-failed", status });
        reject(error);
      };
      try {
        dialog.subscribe({ onAccept: done, onReject: done, onRedirect: done }, { extraHeaders: [...this.baseHeaders, `Expires: ${expires}`] });
      } catch (error) {
        reject(new SipError(481, String(error), { origin: "remote", cause: error }));
      }
    });
  }

  private attach(subscription: Subscription): void {
    this.dialog = subscription;
    subscription.delegate = {
      onNotify: (request) => this.notified(request),
      onTerminated: () => this.terminate({ by: "timeout" }),
    };
  }

  private granted(response: IncomingResponse, requested: number): void {
    const granted = Number(response.message.getHeader("expires") ?? requested);
    const expires = Number.isFinite(granted) ? granted : requested;
    this.expiresAt = Date.now() + expires * 1000;
    this.settle.resolve({ expires });
  }

  /** The stack stops: a SUBSCRIBE still waiting for its answer fails as a transport failure would. */
  private abort(): void {
    this.settle.reject(new SipError(503, "SIP stack stopped", { origin: "transport" }));
    this.terminate({ by: "local" });
  }

  private refused(response: IncomingResponse): void {
    const error = responseFailure(response);
    this.settle.reject(error);
    const by = error.origin === "timeout" ? "timeout" : error.origin === "transport" ? "transport" : "refresh-failed";
    this.terminate({ by, status: error.status, ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}) });
  }

  private notified(request: IncomingNotifyRequest): void {
    const message = request.message;
    try {
      request.accept();
    } catch (error) {
      this.port.deps.logger.debug({ callId: this.callId, err: String(error) }, "NOTIFY 200 not sent");
    }
    const parsed = parseSubscriptionState(message.getHeader("subscription-state"));
    const source = this.port.sourceOf(message.viaBranch) ?? { transport: "udp" as const, address: "", port: 0 };
    const contentType = contentTypeOf(message);
    const info: NotifyInfo = {
      request: requestInfo(message, source),
      body: message.body ?? "",
      ...(contentType ? { contentType } : {}),
      ...parsed,
    };
    if (this.state !== "terminated" && parsed.state !== "terminated") this.state = parsed.state;
    if (parsed.expires !== undefined && parsed.state !== "terminated") this.expiresAt = Date.now() + parsed.expires * 1000;
    for (const listener of this.notifyListeners) safe(() => listener(info));
    if (parsed.state === "terminated") {
      this.terminate({ by: "notify", ...(parsed.reason ? { reason: parsed.reason } : {}), ...(parsed.retryAfter !== undefined ? { retryAfter: parsed.retryAfter } : {}) });
    }
  }

  private terminate(end: SubscriptionEnd): void {
    if (this.state === "terminated") return;
    this.state = "terminated";
    this.untrack();
    this.settle.reject(new SipError(end.status ?? 481, end.reason ?? end.by, { origin: end.by === "timeout" ? "timeout" : "remote" }));
    for (const listener of this.endListeners) safe(() => listener(end));
  }
}

/** `active;expires=3600`, `terminated;reason=noresource;retry-after=30` (RFC 6665 §8.2.3). */
export function parseSubscriptionState(raw: string | undefined): Pick<NotifyInfo, "state" | "expires" | "reason" | "retryAfter"> {
  const [head = "", ...params] = (raw ?? "").split(";");
  const s = head.trim().toLowerCase();
  const state: NotifyInfo["state"] = s === "pending" || s === "terminated" ? s : "active";
  const out: { state: NotifyInfo["state"]; expires?: number; reason?: string; retryAfter?: number } = { state };
  for (const p of params) {
    const [k = "", v = ""] = p.split("=").map((x) => x.trim());
    const key = k.toLowerCase();
    if (key === "expires" && /^\d+$/.test(v)) out.expires = Number(v);
    else if (key === "reason" && v) out.reason = v.toLowerCase();
    else if (key === "retry-after" && /^\d+$/.test(v)) out.retryAfter = Number(v);
  }
  return out;
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    /* a listener's fault must not break NOTIFY handling */
  }
}
