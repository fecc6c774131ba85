/**
 * Header parameters (`generic-param`, RFC 3261 §25.1) and quoted strings, shared by the name-addr, Via and
 * event-style header parsers. Whitespace around ";" and "=" is allowed (SEMI / EQUAL include SWS).
 */
import { GENVALUE, TOKEN, skipWs, spanClass } from "./chars.js";
import { SipParseErrors } from "./errors.js";
import { fail } from "./failure.js";
import { countParameter } from "./limits.js";

/** Index just after the closing quote of the quoted-string that opens at `i` (which holds `"`). */
export function skipQuoted(s: string, i: number, end: number, where: string): number {
  let k = i + 1;
  while (k < end) {
    const c = s.charCodeAt(k);
    if (c === 34 /* " */) return k + 1;
    k += c === 92 /* \ */ ? 2 : 1;
  }
  return fail(SipParseErrors.quote, where);
}

export interface Param {
  /** Lower-cased name. */
  name: string;
  /** Value as written (quoted strings keep their quotes), undefined when valueless. */
  value: string | undefined;
}

/**
 * Reads one `;name[=value]` starting at `i` (which holds ";"), returning the param and the index after it.
 * `out.end` receives the index after the parameter.
 */
export function readParam(s: string, i: number, end: number, where: string, out: { end: number }): Param {
  countParameter();
  i = skipWs(s, i + 1, end);
  const nameEnd = spanClass(s, i, end, TOKEN);
  if (nameEnd === i) fail(SipParseErrors.headerValue, where, "empty parameter");
  const name = s.slice(i, nameEnd).toLowerCase();
  let k = skipWs(s, nameEnd, end);
  if (k < end && s.charCodeAt(k) === 61 /* = */) {
    k = skipWs(s, k + 1, end);
    let valueEnd: number;
    if (k < end && s.charCodeAt(k) === 34) valueEnd = skipQuoted(s, k, end, where);
    else valueEnd = spanClass(s, k, end, GENVALUE);
    if (valueEnd === k) fail(SipParseErrors.headerValue, where, "empty parameter value");
    out.end = valueEnd;
    return { name, value: s.slice(k, valueEnd) };
  }
  out.end = nameEnd;
  return { name, value: undefined };
}

/** Index of the next ";" after optional whitespace, or -1 when the next significant char is something else. */
export function nextSemi(s: string, i: number, end: number): number {
  const k = skipWs(s, i, end);
  return k < end && s.charCodeAt(k) === 59 ? k : -1;
}
