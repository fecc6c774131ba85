/**
 * The header fields (RFC 3261 §7.3): line splitting with unfolding (§7.3.1; a fold becomes one SP), compact forms
 * (§7.3.3), and per-header parsing into the `headers[key][i].raw/parsed` entries of a sip.js message, plus the
 * message fields sip.js's own parser sets (`via`, `viaBranch`, `from`, `fromTag`, `to`, `toTag`, `callId`, `cseq`).
 */
import type { IncomingRequestMessage, IncomingResponseMessage } from "sip.js/lib/core/index.js";
import { TOKEN, skipWs, unfold } from "./chars.js";
import { SipParseErrors } from "./errors.js";
import { fail } from "./failure.js";
import { HeaderKind, classifyHashedName, type HeaderName } from "./header-names.js";
import { HeaderCollector } from "./headers-builder.js";
import { countField } from "./limits.js";
import { parseNameAddrList, parseSingleNameAddr, type NameAddrElement } from "./name-addr.js";
import {
  checkCallId,
  checkContentType,
  internContentType,
  parseCSeq,
  parseContentDisposition,
  parseDigits,
  parseEvent,
  parseSubscriptionState,
} from "./simple-headers.js";
import { parseTopVia } from "./via.js";

export interface HeaderState {
  /** Bit (1 << HeaderKind) per header kind seen. */
  seen: number;
  cseqMethod: string | undefined;
  contentLength: number | undefined;
}

export function saw(state: HeaderState, kind: HeaderKind): boolean {
  return (state.seen & (1 << kind)) !== 0;
}

type Message = IncomingRequestMessage | IncomingResponseMessage;
type Entry = { raw: string; parsed?: unknown };
type Headers = HeaderCollector;

/** The fields sip.js's parser sets, typed as they really are (tags may be undefined or null). */
interface Fields {
  via: unknown;
  viaBranch: string | undefined;
  from: unknown;
  fromTag: string | null | undefined;
  to: unknown;
  toTag: string | null | undefined;
  callId: string;
  cseq: number;
  referTo: unknown;
}

/** RFC 3261 §20.22 / RFC 4475 §3.1.2.4: Max-Forwards is 0–255. */
const MAX_FORWARDS_LIMIT = 255;
/** RFC 3261 §20.19 / RFC 4475 §3.1.2.4: a delta-seconds above 2^32-1 is not a usable Expires. */
const MAX_DELTA_SECONDS = 2 ** 32 - 1;

/** RFC 4475 §3.3.8 / §3.3.9: two values in a single-valued field is a 400. */
function single(headers: Headers, state: HeaderState, name: HeaderName, entry: Entry): void {
  if (saw(state, name.kind)) fail(SipParseErrors.duplicateHeader, name.key);
  state.seen |= 1 << name.kind;
  headers.push(name.slot, entry);
}

/** Parses every header line of `head` from `pos` (just after the start line's CRLF). */
export function parseHeaderSection(head: string, pos: number, message: Message): HeaderState {
  if (head.indexOf("\0") >= 0) checkNul(head);
  const state: HeaderState = { seen: 0, cseqMethod: undefined, contentLength: undefined };
  const headers = new HeaderCollector();
  const length = head.length;
  while (pos < length) {
    let eol = lineEnd(head, pos, length);
    let folded = false;
    while (eol < length) {
      const c = head.charCodeAt(eol + 2);
      if (c !== 32 && c !== 9) break;
      folded = true;
      eol = lineEnd(head, eol + 2, length);
    }
    countField();
    parseHeaderLine(head, pos, eol, folded, message, headers, state);
    pos = eol + 2;
  }
  message.headers = headers.build();
  return state;
}

/** Index of the CR of the next CRLF (or `length`); a bare CR or LF is a framing error (RFC 3261 §7.3.1). */
function lineEnd(head: string, pos: number, length: number): number {
  const lf = head.indexOf("\n", pos);
  const end = lf < 0 ? length : lf - 1;
  if (lf >= 0 && head.charCodeAt(end) !== 13) fail(SipParseErrors.headerLine, "bare LF");
  const cr = head.indexOf("\r", pos);
  if (cr >= 0 && cr < end) fail(SipParseErrors.headerLine, "bare CR");
  return end;
}

/** NUL is legal only as a quoted-pair inside a quoted string (RFC 3261 §25.1; RFC 4475 §3.1.1.2). */
function checkNul(head: string): void {
  let inQuotes = false;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 10) inQuotes = false;
    else if (c === 34) inQuotes = !inQuotes;
    else if (c === 92 && inQuotes) {
      i++;
      if (head.charCodeAt(i) === 10) inQuotes = false;
    } else if (c === 0) fail(SipParseErrors.nul, "header section");
  }
}

function isTrimmable(c: number): boolean {
  return c === 32 || c === 9;
}

/** The value of the header line `head[from, eol)`, folds unfolded, trimmed like sip.js's `String.trim()`. */
function headerValue(head: string, from: number, eol: number, folded: boolean): string {
  if (folded) return unfold(head.slice(from, eol)).trim();
  let start = from;
  let end = eol;
  while (start < end && isTrimmable(head.charCodeAt(start))) start++;
  while (end > start && isTrimmable(head.charCodeAt(end - 1))) end--;
  const value = head.slice(start, end);
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  // Rare whitespace that String.trim() also removes (VT, FF, NBSP, BOM, …).
  if (first === 11 || first === 12 || first >= 128 || last === 11 || last === 12 || last >= 128) return value.trim();
  return value;
}

function parseHeaderLine(
  head: string,
  pos: number,
  eol: number,
  folded: boolean,
  message: Message,
  headers: Headers,
  state: HeaderState,
): void {
  let hash = 0;
  let nameEnd = pos;
  while (nameEnd < eol) {
    const c = head.charCodeAt(nameEnd);
    if (c >= 128 || TOKEN[c] !== 1) break;
    hash = (Math.imul(hash, 31) + c) & 0x3fffffff;
    nameEnd++;
  }
  const colon = skipWs(head, nameEnd, eol);
  if (nameEnd === pos || colon >= eol || head.charCodeAt(colon) !== 58) {
    fail(SipParseErrors.headerLine, head.slice(pos, Math.min(eol, pos + 40)));
  }
  const name = classifyHashedName(head, pos, nameEnd, hash);
  const value = headerValue(head, colon + 1, eol, folded);
  dispatch(name, value, message, headers, state);
}

function dispatch(name: HeaderName, value: string, message: Message, headers: Headers, state: HeaderState): void {
  const fields = message as unknown as Fields;
  switch (name.kind) {
    case HeaderKind.Via:
      return parseVia(name, value, headers, fields, state);
    case HeaderKind.From:
    case HeaderKind.To:
      return parseFromTo(name, value, headers, fields, state);
    case HeaderKind.CallId:
      checkCallId(value);
      single(headers, state, name, { raw: value, parsed: value });
      fields.callId = value;
      return;
    case HeaderKind.CSeq: {
      const parsed = parseCSeq(value);
      single(headers, state, name, { raw: value, parsed });
      fields.cseq = parsed.value;
      state.cseqMethod = parsed.method;
      return;
    }
    case HeaderKind.Contact:
      return parseList(name, value, headers, "contact");
    case HeaderKind.RecordRoute:
    case HeaderKind.Route:
      return parseList(name, value, headers, "route");
    case HeaderKind.ContentLength:
      return parseContentLength(name, value, headers, state);
    case HeaderKind.ContentType: {
      checkContentType(value);
      const type = internContentType(value);
      return single(headers, state, name, { raw: type, parsed: type });
    }
    case HeaderKind.MaxForwards:
      return parseMaxForwards(name, value, headers, state);
    case HeaderKind.Event:
      return headers.push(name.slot, { raw: value, parsed: parseEvent(value) });
    case HeaderKind.SubscriptionState:
      return headers.push(name.slot, { raw: value, parsed: parseSubscriptionState(value) });
    case HeaderKind.ContentDisposition:
      return headers.push(name.slot, { raw: value, parsed: parseContentDisposition(value) });
    case HeaderKind.Expires:
      return parseExpires(name, value, headers);
    case HeaderKind.ReferTo: {
      // RFC 3515 §2.1: exactly one Refer-To; sip.js's parser also sets `referTo` (a NameAddrHeader at runtime).
      const parsed = parseSingleNameAddr(value, name.key, "plain");
      single(headers, state, name, { raw: value, parsed });
      fields.referTo = parsed;
      return;
    }
    default:
      return headers.push(name.slot, { raw: value });
  }
}

function parseFromTo(name: HeaderName, value: string, headers: Headers, fields: Fields, state: HeaderState): void {
  const parsed = parseSingleNameAddr(value, name.key);
  single(headers, state, name, { raw: value, parsed });
  if (name.kind === HeaderKind.From) {
    fields.from = parsed;
    fields.fromTag = parsed.getParam("tag");
  } else {
    fields.to = parsed;
    fields.toTag = parsed.getParam("tag");
  }
}

function parseVia(name: HeaderName, value: string, headers: Headers, fields: Fields, state: HeaderState): void {
  if (saw(state, HeaderKind.Via)) return headers.push(name.slot, { raw: value });
  const parsed = parseTopVia(value);
  headers.push(name.slot, { raw: value, parsed });
  fields.via = parsed;
  fields.viaBranch = parsed.branch;
  state.seen |= 1 << HeaderKind.Via;
}

function parseList(name: HeaderName, value: string, headers: Headers, kind: "contact" | "route"): void {
  // "Contact: *" (REGISTER, RFC 3261 §10.2.2) has no name-addr; it stays raw.
  if (kind === "contact" && value === "*") return headers.push(name.slot, { raw: value });
  const elements: NameAddrElement[] = [];
  parseNameAddrList(value, kind, name.key, elements);
  for (const element of elements) headers.push(name.slot, element);
}

function parseContentLength(name: HeaderName, value: string, headers: Headers, state: HeaderState): void {
  const length = parseDigits(value);
  // RFC 4475 §3.1.2.3: a negative or non-numeric length is never used as a count.
  if (length === undefined) fail(SipParseErrors.contentLength, value.length > 0 ? "not a non-negative number" : "empty");
  single(headers, state, name, { raw: value, parsed: length });
  state.contentLength = length;
}

function parseMaxForwards(name: HeaderName, value: string, headers: Headers, state: HeaderState): void {
  const hops = parseDigits(value);
  if (hops === undefined) fail(SipParseErrors.maxForwards, "not a number");
  if (hops > MAX_FORWARDS_LIMIT) fail(SipParseErrors.maxForwards, "above 255");
  single(headers, state, name, { raw: value, parsed: hops });
}

/**
 * sip.js has no Expires rule: its parseHeader("expires") would delete the header, so we pre-fill the number.
 * An overlarge or non-numeric value stays raw (RFC 4475 §3.1.2.4: the application applies its default).
 * Read it with getHeader() or `headers.Expires[0].parsed`, never parseHeader(): sip.js treats a parsed 0 as
 * absent, runs its grammar, fails and deletes the header (the core itself only uses getHeader("Expires")).
 */
function parseExpires(name: HeaderName, value: string, headers: Headers): void {
  const seconds = parseDigits(value);
  if (seconds === undefined || seconds > MAX_DELTA_SECONDS) return headers.push(name.slot, { raw: value });
  headers.push(name.slot, { raw: value, parsed: seconds });
}
