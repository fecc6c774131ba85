/**
 * Single-valued headers with small grammars, shaped as sip.js's grammar shapes them: CSeq (§20.16), Call-ID
 * (§20.8), Content-Type (§20.15), Content-Disposition (§20.11), Event and Subscription-State (RFC 6665 §8.2),
 * numbers (Content-Length §20.14, Max-Forwards §20.22, Expires §20.19).
 */
import { TOKEN, WORD, isDigits, skipWs, spanClass } from "./chars.js";
import { flat } from "../flat-string.js";
import { SipParseErrors } from "./errors.js";
import { fail } from "./failure.js";
import { nextSemi, readParam } from "./params.js";

/** RFC 3261 §8.1.1.5: the CSeq sequence number MUST be less than 2**31. */
export const MAX_CSEQ = 2 ** 31 - 1;

export interface ParsedCSeq {
  value: number;
  method: string;
}

export function parseCSeq(value: string): ParsedCSeq {
  const end = value.length;
  let i = 0;
  while (i < end && value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) i++;
  if (i === 0) fail(SipParseErrors.cseq, "no sequence number");
  // Leading zeros are legal (RFC 4475 wsinv), so compare by value, but a huge digit run is out of range anyway.
  const number = i > 12 ? Infinity : parseInt(value.slice(0, i), 10);
  if (number > MAX_CSEQ) fail(SipParseErrors.cseq, "sequence number above 2^31-1");
  const m = skipWs(value, i, end);
  if (m === i) fail(SipParseErrors.cseq, "no space before the method");
  const methodEnd = spanClass(value, m, end, TOKEN);
  if (methodEnd === m || methodEnd !== end) fail(SipParseErrors.cseq, "bad method");
  return { value: number, method: value.slice(m) };
}

/** Call-ID = word [ "@" word ]; sip.js's parsed value is the text itself. */
export function checkCallId(value: string): void {
  const end = value.length;
  let i = spanClass(value, 0, end, WORD);
  if (i === 0) fail(SipParseErrors.headerValue, "Call-ID", "empty");
  if (i < end && value.charCodeAt(i) === 64 /* @ */) {
    const j = spanClass(value, i + 1, end, WORD);
    if (j === i + 1) fail(SipParseErrors.headerValue, "Call-ID", "empty word after @");
    i = j;
  }
  if (i !== end) fail(SipParseErrors.headerValue, "Call-ID", "bad character");
}

/** media-type = m-type SLASH m-subtype *(SEMI m-parameter); sip.js's parsed value is the text itself. */
/** Content-Type values repeat (application/sdp, …); at most this many distinct ones are shared. */
const MAX_INTERNED_TYPES = 64;
const contentTypes = new Map<string, string>();

/**
 * One shared copy per Content-Type value: sip.js keeps a dialog's offer/answer body with its content type for the
 * dialog's life (RFC 3264), and a value sliced from the message text would keep that whole message alive.
 */
export function internContentType(value: string): string {
  const known = contentTypes.get(value);
  if (known !== undefined) return known;
  if (contentTypes.size >= MAX_INTERNED_TYPES) return flat(value);
  const copy = flat(value);
  contentTypes.set(copy, copy);
  return copy;
}

export function checkContentType(value: string): void {
  const end = value.length;
  const type = spanClass(value, 0, end, TOKEN);
  let i = skipWs(value, type, end);
  if (type === 0 || i >= end || value.charCodeAt(i) !== 47) fail(SipParseErrors.headerValue, "Content-Type", "bad media type");
  i = skipWs(value, i + 1, end);
  const sub = spanClass(value, i, end, TOKEN);
  if (sub === i) fail(SipParseErrors.headerValue, "Content-Type", "bad media subtype");
  i = sub;
  let semi = nextSemi(value, i, end);
  while (semi >= 0) {
    const p = readParam(value, semi, end, "Content-Type", paramEnd);
    if (p.value === undefined) fail(SipParseErrors.headerValue, "Content-Type", "parameter without value");
    i = paramEnd.end;
    semi = nextSemi(value, i, end);
  }
  if (skipWs(value, i, end) !== end) fail(SipParseErrors.headerValue, "Content-Type", "unexpected characters");
}

const paramEnd = { end: 0 };

interface TypeAndParams {
  type: string;
  params: Record<string, string | undefined> | undefined;
  special: Record<string, string | undefined>;
}

/** token *(SEMI generic-param); `specialNames` are returned apart (sip.js keeps them out of `params`). */
function typeAndParams(value: string, where: string, specialNames: readonly string[]): TypeAndParams {
  const end = value.length;
  const typeEnd = spanClass(value, 0, end, TOKEN);
  if (typeEnd === 0) fail(SipParseErrors.headerValue, where, "missing value");
  const result: TypeAndParams = { type: value.slice(0, typeEnd), params: undefined, special: {} };
  let i = typeEnd;
  let semi = nextSemi(value, i, end);
  while (semi >= 0) {
    const p = readParam(value, semi, end, where, paramEnd);
    i = paramEnd.end;
    if (specialNames.includes(p.name) && p.value !== undefined) result.special[p.name] = p.value;
    else (result.params ??= {})[p.name] = p.value;
    semi = nextSemi(value, i, end);
  }
  if (skipWs(value, i, end) !== end) fail(SipParseErrors.headerValue, where, "unexpected characters");
  return result;
}

export interface ParsedEvent {
  event: string;
  params?: Record<string, string | undefined>;
}

/** Event (RFC 6665 §8.2.1): the package name lower-cased, as sip.js matches it. */
export function parseEvent(value: string): ParsedEvent {
  const r = typeAndParams(value, "Event", []);
  const parsed: ParsedEvent = { event: r.type.toLowerCase() };
  if (r.params) parsed.params = r.params;
  return parsed;
}

export interface ParsedContentDisposition {
  type: string;
  params?: Record<string, string | undefined>;
}

/** Content-Disposition: type lower-cased; `handling` is not kept (sip.js's grammar drops it). */
export function parseContentDisposition(value: string): ParsedContentDisposition {
  const r = typeAndParams(value, "Content-Disposition", ["handling"]);
  const parsed: ParsedContentDisposition = { type: r.type.toLowerCase() };
  if (r.params) parsed.params = r.params;
  return parsed;
}

export interface ParsedSubscriptionState {
  state: string;
  reason?: string;
  expires?: number;
  retry_after?: number;
  params?: Record<string, string | undefined>;
}

/**
 * Subscription-State (RFC 6665 §8.2.3). Field names follow sip.js's grammar, which knows only `retry_after`
 * (sic). The standard `retry-after` stays in `params["retry-after"]` as with sip.js's own parser, and its number
 * also fills `retry_after` (sip.js leaves that unset; the core does not read it, the application does).
 */
export function parseSubscriptionState(value: string): ParsedSubscriptionState {
  const r = typeAndParams(value, "Subscription-State", ["reason", "expires", "retry_after"]);
  const parsed: ParsedSubscriptionState = { state: r.type };
  const { reason, expires, retry_after: retryAfter } = r.special;
  if (reason !== undefined) parsed.reason = reason;
  if (expires !== undefined) setNumber(parsed, "expires", expires, r);
  if (retryAfter !== undefined) setNumber(parsed, "retry_after", retryAfter, r);
  const standard = r.params?.["retry-after"];
  if (parsed.retry_after === undefined && standard !== undefined && isDigits(standard)) {
    parsed.retry_after = parseInt(standard, 10);
  }
  if (r.params) parsed.params = r.params;
  return parsed;
}

function setNumber(parsed: ParsedSubscriptionState, key: "expires" | "retry_after", raw: string, r: TypeAndParams): void {
  if (isDigits(raw)) parsed[key] = parseInt(raw, 10);
  else (r.params ??= {})[key] = raw;
}

/** DIGIT+ as a number, or undefined. */
export function parseDigits(value: string): number | undefined {
  return isDigits(value) ? parseInt(value, 10) : undefined;
}
