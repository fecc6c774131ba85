/**
 * Out-of-dialog requests (SDK `request`): OPTIONS pings, MESSAGE, INFO to a media server. Any final
 * response resolves; no answer in 64·T1 is 408 (origin `timeout`), a transport failure 503 (`transport`).
 */
import type { RequestOptions, SipResponseInfo, SipTransportName } from "@tandem/sdk";
import { SipError } from "@tandem/sdk";
import type { IncomingResponse } from "sip.js/lib/core/index.js";
import { SipStackErrors } from "../errors.js";
import type { StackPort } from "../stack-port.js";
import { uriTransport } from "../transport/next-hop.js";
import type { Inflight } from "../inflight.js";
import { responseFailure } from "../messages/response-failure.js";
import { responseInfo } from "../messages/message-info.js";
import { randomCallId, randomTag } from "../messages/random-ids.js";
import { headerLines } from "../messages/sip-bodies.js";
import { parseUri, toUriOf } from "../messages/uri-cache.js";

/** Methods with their own verbs or no meaning outside a transaction we own. */
const NOT_PLAIN = new Set(["INVITE", "ACK", "CANCEL", "BYE", "SUBSCRIBE", "PRACK", "UPDATE"]);

export function sendPlainRequest(
  port: StackPort,
  options: RequestOptions,
  fallback: SipTransportName,
  inflight?: Inflight,
): Promise<SipResponseInfo> {
  const method = options.method.toUpperCase();
  if (NOT_PLAIN.has(method) || !/^[A-Z]+$/.test(method)) {
    return Promise.reject(SipStackErrors.badTarget(options.method, "use the dedicated verb for this method"));
  }
  return new Promise((resolveOuter, rejectOuter) => {
    const untrack = inflight?.track(() => reject(new SipError(503, "SIP stack stopped", { origin: "transport" }))) ?? (() => undefined);
    const resolve = (info: SipResponseInfo): void => {
      untrack();
      resolveOuter(info);
    };
    const reject = (error: Error): void => {
      untrack();
      rejectOuter(error);
    };
    const callId = randomCallId();
    const transport = uriTransport(options.target) ?? fallback;
    const shard = port.shardFor(callId);
    const from = options.from ? parseUri(options.from) : port.contactUri(undefined, transport);
    const to = options.to ? parseUri(options.to) : toUriOf(options.target);
    const extra = [`Contact: <${port.contactUri(from.user, transport).toString()}>`, ...headerLines(options.headers)];
    const body = options.body
      ? { contentDisposition: "render", contentType: options.contentType ?? "text/plain", content: options.body }
      : undefined;
    const message = shard.core.makeOutgoingRequestMessage(method, parseUri(options.target), from, to, { callId, fromTag: randomTag() }, extra, body);
    const final = (response: IncomingResponse): void => {
      if (!response.message.callId) reject(responseFailure(response));
      else resolve(responseInfo(response.message));
    };
    try {
      shard.core.request(message, { onAccept: final, onReject: final, onRedirect: final });
    } catch (error) {
      reject(new SipError(503, String(error), { origin: "transport", cause: error }));
    }
  });
}
