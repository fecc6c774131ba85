/**
 * name-addr / addr-spec header values (RFC 3261 §20.10, §20.20, §20.30, §20.39, §25.1): From, To, Contact,
 * Record-Route and Route, as sip.js's `NameAddrHeader`. Multi-valued headers are split per element with the raw
 * text of each element, as sip.js's own parser stores them (`headers.Contact[i].raw/parsed`).
 */
import { NameAddrHeader } from "sip.js/lib/core/index.js";
import { TOKEN, isDigits, skipWs, spanClass } from "./chars.js";
import { SipParseErrors } from "./errors.js";
import { fail } from "./failure.js";
import { countElement } from "./limits.js";
import { nextSemi, readParam, skipQuoted } from "./params.js";
import { parseUri } from "./uri.js";

/** from-to: the tag parameter is added last (sip.js's From/To rules); plain: Refer-To (RFC 3515). */
export type NameAddrKind = "from-to" | "plain" | "contact" | "route";

export interface NameAddrElement {
  raw: string;
  parsed: NameAddrHeader;
}

interface ElementResult {
  parsed: NameAddrHeader;
  /** Index after the element's last significant character. */
  end: number;
}

const paramEnd = { end: 0 };

/** Parses one element starting at `i` (no leading whitespace). */
function parseElement(s: string, i: number, end: number, kind: NameAddrKind, where: string): ElementResult {
  let displayName: string | undefined;
  let k = i;
  const c = s.charCodeAt(k);
  if (c === 34 /* " */) {
    k = skipQuoted(s, k, end, where);
    displayName = s.slice(i + 1, k - 1);
    k = skipWs(s, k, end);
  } else if (c !== 60 /* < */) {
    const first = spanClass(s, k, end, TOKEN);
    if (first < end && s.charCodeAt(first) === 58 /* : */) {
      // Route and Record-Route values are always name-addr (RFC 3261 §20.30, §20.34).
      if (kind === "route") fail(SipParseErrors.headerValue, where, "URI not enclosed in <>");
      return parseAddrSpec(s, i, end, kind, where);
    }
    k = first;
    let last = first;
    while (k < end) {
      const next = skipWs(s, k, end);
      const tokenEnd = spanClass(s, next, end, TOKEN);
      if (tokenEnd === next) break;
      last = k = tokenEnd;
    }
    if (last === i) fail(SipParseErrors.headerValue, where, "expected a URI or a display name");
    displayName = s.slice(i, last);
    k = skipWs(s, last, end);
  }
  if (k >= end || s.charCodeAt(k) !== 60) fail(SipParseErrors.headerValue, where, "expected <");
  const close = s.indexOf(">", k + 1);
  if (close < 0 || close >= end) fail(SipParseErrors.headerValue, where, "missing >");
  const { uri, end: uriEnd } = parseUri(s, k + 1, close, { params: true, where });
  if (uriEnd !== close) fail(SipParseErrors.headerValue, where, "unexpected characters in <URI>");
  return withParams(s, close + 1, end, kind, where, uri, displayName);
}

function parseAddrSpec(s: string, i: number, end: number, kind: NameAddrKind, where: string): ElementResult {
  const { uri, end: uriEnd } = parseUri(s, i, end, { params: false, where });
  return withParams(s, uriEnd, end, kind, where, uri, undefined);
}

function withParams(
  s: string,
  i: number,
  end: number,
  kind: NameAddrKind,
  where: string,
  uri: NameAddrHeader["uri"],
  displayName: string | undefined,
): ElementResult {
  let params: Record<string, string | undefined> | undefined;
  let tag: string | undefined;
  let semi = nextSemi(s, i, end);
  while (semi >= 0) {
    const p = readParam(s, semi, end, where, paramEnd);
    i = paramEnd.end;
    params ??= {};
    if (kind === "from-to" && p.name === "tag" && p.value !== undefined) tag = p.value;
    else params[p.name] = kind === "contact" ? contactParamValue(p.name, p.value) : p.value;
    semi = nextSemi(s, i, end);
  }
  // The typings say string where sip.js's grammar passes undefined for "no display name".
  const parsed = new NameAddrHeader(uri, displayName as string, (params ?? {}) as Record<string, string>);
  // sip.js's From/To rules add the tag last, after the other parameters.
  if (tag) parsed.setParam("tag", tag);
  return { parsed, end: i };
}

/** sip.js's grammar normalises `q` (0.xxx) through parseFloat and `expires` (digits) through parseInt. */
function contactParamValue(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return value;
  if (name === "expires" && isDigits(value)) return String(parseInt(value, 10));
  if (name === "q" && /^0(\.[0-9]{0,3})?$/.test(value)) return String(parseFloat(value));
  return value;
}

/** A single name-addr / addr-spec value (From, To, Refer-To). */
export function parseSingleNameAddr(value: string, where: string, kind: "from-to" | "plain" = "from-to"): NameAddrHeader {
  const end = value.length;
  const result = parseElement(value, 0, end, kind, where);
  if (skipWs(value, result.end, end) !== end) fail(SipParseErrors.headerValue, where, "unexpected characters after the value");
  return result.parsed;
}

/**
 * A comma-separated list (Contact, Record-Route, Route). Each element's raw text runs from its first character
 * to its end; as in sip.js, whitespace after a closing ">" belongs to the element.
 */
export function parseNameAddrList(value: string, kind: NameAddrKind, where: string, out: NameAddrElement[]): void {
  const end = value.length;
  let i = skipWs(value, 0, end);
  for (;;) {
    if (i >= end) fail(SipParseErrors.headerValue, where, "empty element");
    countElement();
    const result = parseElement(value, i, end, kind, where);
    const after = skipWs(value, result.end, end);
    const rawEnd = value.charCodeAt(result.end - 1) === 62 /* > */ ? after : result.end;
    out.push({ raw: value.slice(i, rawEnd), parsed: result.parsed });
    if (after >= end) return;
    if (value.charCodeAt(after) !== 44 /* , */) fail(SipParseErrors.headerValue, where, "unexpected characters after an element");
    i = skipWs(value, after + 1, end);
  }
}
