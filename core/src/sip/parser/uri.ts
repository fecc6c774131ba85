/**
 * SIP/SIPS URI parser (RFC 3261 §19.1.1, §25.1) producing sip.js's own `URI` objects, shaped as sip.js's grammar
 * shapes them: user unescaped (password included, as sip.js does), host as written (normalised lower case by
 * `URI`), port a number, `transport`/`user` parameter values lower-cased, `lr` with a null value.
 * Other schemes (RFC 4475 §3.3.2/§3.3.4 must parse) become a `URI` whose host holds the opaque part, so the core's
 * scheme check answers 416 for a Request-URI and the application can see the scheme.
 */
import { URI } from "sip.js/lib/core/index.js";
import { ABSURI, HNVCHAR, HOSTNAME, PARAMCHAR, SCHEME, USERINFO, spanClass } from "./chars.js";
import { SipParseErrors } from "./errors.js";
import { fail } from "./failure.js";
import { countParameter } from "./limits.js";

export interface UriResult {
  uri: URI;
  /** Index just after the URI. */
  end: number;
}

export interface UriOptions {
  /** Parse uri-parameters and headers (false for an addr-spec, where `;` starts header parameters). */
  params: boolean;
  /** Name of the header (or "Request-URI") for error messages. */
  where: string;
}

export function parseUri(s: string, start: number, end: number, options: UriOptions): UriResult {
  let i = spanClass(s, start, end, SCHEME);
  if (i === start || i >= end || s.charCodeAt(i) !== 58 /* : */ || !isAlpha(s.charCodeAt(start))) {
    fail(SipParseErrors.headerValue, options.where, "URI without a scheme");
  }
  const scheme = s.slice(start, i);
  i++;
  if (!isSipScheme(s, start, i - 1)) return opaqueUri(s, scheme, i, end, options);
  let user: string | undefined;
  const userEnd = spanClass(s, i, end, USERINFO);
  if (userEnd > i && userEnd < end && s.charCodeAt(userEnd) === 64 /* @ */) {
    user = unescapeUser(s.slice(i, userEnd), options.where);
    i = userEnd + 1;
  }
  const host = parseHost(s, i, end, options.where);
  i = host.end;
  let port: number | undefined;
  if (i < end && s.charCodeAt(i) === 58 /* : */) {
    const portEnd = spanDigits(s, i + 1, end);
    if (portEnd === i + 1 || portEnd - i - 1 > 5) fail(SipParseErrors.headerValue, options.where, "bad port");
    port = parseInt(s.slice(i + 1, portEnd), 10);
    i = portEnd;
  }
  let params: Record<string, string | null> | undefined;
  let headers: Record<string, string[]> | undefined;
  if (options.params) {
    if (i < end && s.charCodeAt(i) === 59 /* ; */) {
      params = {};
      i = parseUriParams(s, i, end, params, options.where);
    }
    if (i < end && s.charCodeAt(i) === 63 /* ? */) {
      headers = {};
      i = parseUriHeaders(s, i, end, headers, options.where);
    }
  }
  // The typings say string where sip.js's own grammar passes undefined for a missing user.
  return { uri: new URI(scheme, user as string, host.text, port, params, headers), end: i };
}

/** "sip" or "sips", any case, without allocating. */
function isSipScheme(s: string, start: number, end: number): boolean {
  const n = end - start;
  if (n !== 3 && n !== 4) return false;
  if ((s.charCodeAt(start) | 0x20) !== 115 || (s.charCodeAt(start + 1) | 0x20) !== 105 || (s.charCodeAt(start + 2) | 0x20) !== 112) {
    return false;
  }
  return n === 3 || (s.charCodeAt(start + 3) | 0x20) === 115;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function spanDigits(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return i;
    i++;
  }
  return i;
}

function opaqueUri(s: string, scheme: string, i: number, end: number, options: UriOptions): UriResult {
  // In an addr-spec a ";" starts header parameters (RFC 3261 §20.10), so it ends the URI there.
  const table = options.params ? ABSURI_WITH_SEMI : ABSURI;
  const stop = spanClass(s, i, end, table);
  if (stop === i) fail(SipParseErrors.headerValue, options.where, "empty URI");
  return { uri: new URI(scheme, undefined as unknown as string, s.slice(i, stop)), end: stop };
}

const ABSURI_WITH_SEMI = (() => {
  const t = new Uint8Array(ABSURI);
  t[59] = 1;
  t[44] = 1;
  return t;
})();

function unescapeUser(text: string, where: string): string {
  if (text.indexOf("%") < 0) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(SipParseErrors.headerValue, where, "bad %-escape in the user part");
  }
}

interface HostResult {
  text: string;
  end: number;
}

/** host = hostname / IPv4address / IPv6reference (§25.1). */
export function parseHost(s: string, i: number, end: number, where: string): HostResult {
  if (i < end && s.charCodeAt(i) === 91 /* [ */) {
    const close = s.indexOf("]", i);
    if (close < 0 || close >= end || !isIpv6(s, i + 1, close)) fail(SipParseErrors.headerValue, where, "bad IPv6 reference");
    return { text: s.slice(i, close + 1), end: close + 1 };
  }
  const stop = spanClass(s, i, end, HOSTNAME);
  if (stop === i) fail(SipParseErrors.headerValue, where, "missing host");
  const text = s.slice(i, stop);
  if (looksNumeric(text) && !isIpv4(text)) fail(SipParseErrors.headerValue, where, "bad IPv4 address");
  return { text, end: stop };
}

function looksNumeric(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 46 && (c < 48 || c > 57)) return false;
  }
  return true;
}

export function isIpv4(text: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 46 : text.charCodeAt(i);
    if (c === 46 /* . */) {
      // dec-octet (RFC 3986 §3.2.2): 0-255 without leading zeros.
      if (digits === 0 || value > 255 || (digits > 1 && text.charCodeAt(i - digits) === 48)) return false;
      parts++;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + c - 48;
      digits++;
    } else {
      return false;
    }
  }
  return parts === 4;
}

export function isIpv6(s: string, i: number, end: number): boolean {
  if (end - i < 2 || end - i > 45) return false;
  let colons = 0;
  for (let k = i; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === 58) colons++;
    else if (!(c === 46 || (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return colons >= 2;
}

function parseUriParams(s: string, i: number, end: number, params: Record<string, string | null>, where: string): number {
  while (i < end && s.charCodeAt(i) === 59 /* ; */) {
    countParameter();
    const nameEnd = spanClass(s, i + 1, end, PARAMCHAR);
    if (nameEnd === i + 1) fail(SipParseErrors.headerValue, where, "empty URI parameter");
    const name = s.slice(i + 1, nameEnd).toLowerCase();
    i = nameEnd;
    let value: string | null = null;
    if (i < end && s.charCodeAt(i) === 61 /* = */) {
      const valueEnd = spanClass(s, i + 1, end, PARAMCHAR);
      if (valueEnd === i + 1) fail(SipParseErrors.headerValue, where, "empty URI parameter value");
      value = s.slice(i + 1, valueEnd);
      i = valueEnd;
    }
    params[name] = uriParamValue(name, value);
  }
  return i;
}

/** The normalisation sip.js's grammar applies (transport and user values lower-cased, lr valueless). */
function uriParamValue(name: string, value: string | null): string | null {
  if (name === "lr") return null;
  if (value !== null && (name === "transport" || name === "user")) return value.toLowerCase();
  return value;
}

function parseUriHeaders(s: string, i: number, end: number, headers: Record<string, string[]>, where: string): number {
  do {
    countParameter();
    const nameEnd = spanClass(s, i + 1, end, HNVCHAR);
    if (nameEnd === i + 1 || nameEnd >= end || s.charCodeAt(nameEnd) !== 61) {
      fail(SipParseErrors.headerValue, where, "bad URI header");
    }
    const name = s.slice(i + 1, nameEnd).toLowerCase();
    const valueEnd = spanClass(s, nameEnd + 1, end, HNVCHAR);
    const value = s.slice(nameEnd + 1, valueEnd);
    const list = headers[name];
    if (list) list.push(value);
    else headers[name] = [value];
    i = valueEnd;
  } while (i < end && s.charCodeAt(i) === 38 /* & */);
  return i;
}

