/**
 * The top Via value (RFC 3261 §20.42, §18.2.1, RFC 3581), shaped like the object sip.js's grammar returns:
 * `{ protocol, transport, host_type, host, port?, branch?, received?, rport?, ttl?, maddr?, params? }`.
 * Only the first via-parm of the first Via line is parsed; the others stay raw (sip.js copies them raw into
 * responses). Unlike sip.js, a `maddr` does not overwrite `host`, and a second comma-separated value on the same
 * line does not overwrite the first.
 */
import { TOKEN, skipWs, spanClass } from "./chars.js";
import { SipParseErrors } from "./errors.js";
import { fail } from "./failure.js";
import { nextSemi, readParam } from "./params.js";
import { isIpv4, isIpv6, parseHost } from "./uri.js";

export interface ParsedVia {
  protocol: string;
  transport: string;
  host_type: "domain" | "IPv4" | "IPv6";
  host: string;
  port?: number;
  branch?: string;
  received?: string;
  rport?: string;
  ttl?: number;
  maddr?: string;
  params?: Record<string, string | undefined>;
}

const WHERE = "Via";
const paramEnd = { end: 0 };

function token(s: string, i: number, end: number, what: string): number {
  const stop = spanClass(s, i, end, TOKEN);
  if (stop === i) fail(SipParseErrors.headerValue, WHERE, what);
  return stop;
}

function slash(s: string, i: number, end: number): number {
  const k = skipWs(s, i, end);
  if (k >= end || s.charCodeAt(k) !== 47 /* / */) fail(SipParseErrors.headerValue, WHERE, "bad sent-protocol");
  return skipWs(s, k + 1, end);
}

function hostType(host: string): ParsedVia["host_type"] {
  if (host.charCodeAt(0) === 91) return "IPv6";
  return isIpv4(host) ? "IPv4" : "domain";
}

/** Parses the first via-parm of `value`. */
export function parseTopVia(value: string): ParsedVia {
  const end = value.length;
  let i = skipWs(value, 0, end);
  let k = token(value, i, end, "bad protocol name");
  const protocol = value.slice(i, k);
  i = slash(value, k, end);
  k = token(value, i, end, "bad protocol version");
  i = slash(value, k, end);
  k = token(value, i, end, "bad transport");
  const transport = value.slice(i, k);
  i = skipWs(value, k, end);
  if (i === k) fail(SipParseErrors.headerValue, WHERE, "missing space before sent-by");
  const host = parseHost(value, i, end, WHERE);
  const via: ParsedVia = { protocol, transport, host_type: hostType(host.text), host: host.text };
  i = host.end;
  const colon = skipWs(value, i, end);
  if (colon < end && value.charCodeAt(colon) === 58 /* : */) {
    const p = skipWs(value, colon + 1, end);
    let q = p;
    while (q < end && value.charCodeAt(q) >= 48 && value.charCodeAt(q) <= 57) q++;
    if (q === p || q - p > 5) fail(SipParseErrors.headerValue, WHERE, "bad port");
    via.port = parseInt(value.slice(p, q), 10);
    i = q;
  }
  let semi = nextSemi(value, i, end);
  while (semi >= 0) {
    const param = readParam(value, semi, end, WHERE, paramEnd);
    i = paramEnd.end;
    applyViaParam(via, param.name, param.value);
    semi = nextSemi(value, i, end);
  }
  const rest = skipWs(value, i, end);
  if (rest < end && value.charCodeAt(rest) !== 44 /* , */) fail(SipParseErrors.headerValue, WHERE, "unexpected characters");
  if (rest < end && skipWs(value, rest + 1, end) >= end) fail(SipParseErrors.headerValue, WHERE, "empty value after ,");
  return via;
}

/** sip.js's grammar stores these five parameters as fields (with its type rules) and the rest in `params`. */
function applyViaParam(via: ParsedVia, name: string, value: string | undefined): void {
  if (value !== undefined) {
    if (name === "branch" && isToken(value)) return void (via.branch = value);
    if (name === "received" && isAddress(value)) {
      via.received = value;
      // sip.js's grammar re-labels host_type after the received address; nothing reads it, we keep the parity.
      via.host_type = value.indexOf(":") >= 0 ? "IPv6" : "IPv4";
      return;
    }
    if (name === "rport" && isDigitsOrEmpty(value)) return void (via.rport = value);
    if (name === "ttl" && value.length <= 3 && isDigitsOrEmpty(value) && value.length > 0) {
      return void (via.ttl = parseInt(value, 10));
    }
    if (name === "maddr") return void (via.maddr = value);
  }
  (via.params ??= {})[name] = value;
}

function isToken(value: string): boolean {
  return spanClass(value, 0, value.length, TOKEN) === value.length;
}

function isDigitsOrEmpty(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isAddress(value: string): boolean {
  if (value.charCodeAt(0) === 91) return value.endsWith("]") && isIpv6(value, 1, value.length - 1);
  return isIpv4(value) || isIpv6(value, 0, value.length);
}
