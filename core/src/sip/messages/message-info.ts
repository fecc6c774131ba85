/**
 * Read-only views of sip.js messages for plugins (SDK `SipRequestInfo` / `SipResponseInfo`), so plugin
 * code never holds sip.js objects.
 */
import type { NameAddr, SipRequestInfo, SipResponseInfo, SipSource } from "@tandem/sdk";
import type { IncomingRequestMessage, IncomingResponseMessage, NameAddrHeader } from "sip.js/lib/core/index.js";
import { flat } from "../flat-string.js";
import { readableHeaders } from "./invite-release.js";

/** RFC 3261 §7.3.3 compact forms, plus the RFC 4028 / RFC 6665 ones. */
const COMPACT: Record<string, string> = {
  i: "call-id",
  m: "contact",
  e: "content-encoding",
  l: "content-length",
  c: "content-type",
  f: "from",
  s: "subject",
  k: "supported",
  t: "to",
  v: "via",
  o: "event",
  u: "allow-events",
  r: "refer-to",
  b: "referred-by",
  x: "session-expires",
};

function fullName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
}

type AnyIncoming = IncomingRequestMessage | IncomingResponseMessage;

function headerOf(message: AnyIncoming, name: string): string | undefined {
  return message.getHeader(fullName(name));
}

function headersOf(message: AnyIncoming, name: string): string[] {
  return message.getHeaders(fullName(name));
}

export function nameAddr(header: NameAddrHeader | undefined): NameAddr {
  if (!header) return { uri: "", host: "" };
  const tag = header.getParam("tag");
  const displayName = header.displayName;
  return {
    // flat(): sip.js builds URI text by concatenation (a tree of 32-byte nodes); an INVITE's view is kept
    // for its call's life (`call.invite.request`).
    uri: flat(header.uri.toString()),
    host: header.uri.host,
    ...(header.uri.user ? { user: header.uri.user } : {}),
    ...(displayName ? { displayName } : {}),
    ...(tag ? { tag } : {}),
  };
}

export function contentTypeOf(message: AnyIncoming): string | undefined {
  return headerOf(message, "content-type");
}

export function requestInfo(message: IncomingRequestMessage, source: SipSource): SipRequestInfo {
  const ruri = message.ruri;
  const contentType = contentTypeOf(message);
  return {
    method: message.method,
    ruri: ruri ? flat(ruri.toString()) : "",
    ...(ruri?.user ? { ruriUser: ruri.user } : {}),
    callId: message.callId,
    cseq: message.cseq,
    from: nameAddr(message.from),
    to: nameAddr(message.to),
    body: message.body ?? "",
    ...(contentType ? { contentType } : {}),
    source,
    // Late reads go through readableHeaders(): sip.js's copy of an INVITE loses its parsed headers (invite-release.ts).
    header: (name) => headerOf(readableHeaders(message), name),
    headers: (name) => headersOf(readableHeaders(message), name),
  };
}

export function responseInfo(message: IncomingResponseMessage): SipResponseInfo {
  const contentType = message.headers ? contentTypeOf(message) : undefined;
  return {
    status: message.statusCode ?? 0,
    reason: message.reasonPhrase ?? "",
    body: message.body ?? "",
    ...(contentType ? { contentType } : {}),
    header: (name) => (message.headers ? headerOf(message, name) : undefined),
    headers: (name) => (message.headers ? headersOf(message, name) : []),
  };
}

/** An SDP body if the message carries one (offer/answer bodies are application/sdp, RFC 3264). */
export function sdpOf(message: AnyIncoming): string | undefined {
  const body = message.body;
  if (!body) return undefined;
  const type = contentTypeOf(message);
  if (type && !type.toLowerCase().startsWith("application/sdp")) return undefined;
  return body;
}

/** Seconds from a Retry-After header (RFC 3261 §20.33), if any. */
export function retryAfterOf(message: IncomingResponseMessage): number | undefined {
  const raw = message.headers ? headerOf(message, "retry-after") : undefined;
  if (!raw) return undefined;
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
