/**
 * sip.js 0.21.2's own parser as the reference of the differential and functional tests, plus helpers to compare
 * its messages with ours. The documented differences (where sip.js is wrong or does less) are normalised here,
 * each with its reason; everything else must be deep-equal, prototypes included.
 */
import { isDeepStrictEqual } from "node:util";
import { Grammar, Parser, type IncomingRequestMessage, type IncomingResponseMessage } from "sip.js/lib/core/index.js";

export type AnyMessage = IncomingRequestMessage | IncomingResponseMessage;

const silent = { error() {}, warn() {}, log() {}, debug() {} };

/** sip.js's parser on the text a transport would hand it; undefined when it rejects the message. */
export function sipJsParse(text: string): AnyMessage | undefined {
  return Parser.parseMessage(text, silent as never) as AnyMessage | undefined;
}

/** Counts `Grammar.parse` calls while `fn` runs (sip.js's `parseHeader` looks the function up at call time). */
export function countGrammarCalls<T>(fn: () => T): { result: T; calls: number } {
  const original = Grammar.parse;
  let calls = 0;
  Grammar.parse = ((input: string, rule: string) => {
    calls++;
    return original(input, rule);
  }) as typeof Grammar.parse;
  try {
    return { result: fn(), calls };
  } finally {
    Grammar.parse = original;
  }
}

/** Headers sip.js parses only lazily (its core calls parseHeader on them); ours are pre-parsed. */
const LAZY_IN_SIPJS = ["Event", "Subscription-State", "Content-Disposition"];

/**
 * Brings sip.js's message to the shape ours has, applying only the documented differences:
 * 1. Event, Subscription-State, Content-Disposition: sip.js parses them on first `parseHeader()`; we do it up front.
 *    Calling `parseHeader()` here gives the values the core would see.
 * 2. Folding: sip.js keeps CRLF+WSP inside raw values; we unfold to one SP (RFC 3261 §7.3.1, "MAY replace").
 * 3. Expires: sip.js has no grammar rule (its `parseHeader("expires")` deletes the header); we pre-fill the number.
 * 4. Route: sip.js keeps one raw entry per line and cannot parse it (no rule); we split per element and pre-parse.
 *    The corpus writes one Route element per line, so the raw lists are compared and `parsed` is set from ours.
 * 5. Subscription-State: sip.js's grammar knows only `retry_after` (sic); the number of a standard `retry-after`
 *    (kept in `params` as sip.js does) also fills `retry_after` in ours.
 */
export function normaliseSipJs(theirs: AnyMessage, ours: AnyMessage): void {
  for (const name of LAZY_IN_SIPJS) {
    const list = theirs.headers[name] ?? [];
    for (let i = 0; i < list.length; i++) theirs.parseHeader(name, i);
  }
  for (const list of Object.values(theirs.headers)) {
    for (const entry of list) entry.raw = entry.raw.replace(/[ \t]*\r\n[ \t]+/g, " ");
  }
  const expires = theirs.headers["Expires"];
  const ourExpires = ours.headers["Expires"];
  if (expires && ourExpires) expires.forEach((e, i) => { if (ourExpires[i] && "parsed" in ourExpires[i]!) e.parsed = ourExpires[i]!.parsed; });
  for (const entry of theirs.headers["Subscription-State"] ?? []) {
    const state = entry.parsed as { retry_after?: number; params?: Record<string, string | undefined> } | undefined;
    const standard = state?.params?.["retry-after"];
    if (state && state.retry_after === undefined && standard !== undefined && /^[0-9]+$/.test(standard)) {
      state.retry_after = parseInt(standard, 10);
    }
  }
  const route = theirs.headers["Route"];
  const ourRoute = ours.headers["Route"];
  if (route && ourRoute) route.forEach((e, i) => { if (ourRoute[i]) e.parsed = ourRoute[i]!.parsed; });
}

/** First path where the two values differ (for a readable failure), or undefined when deep-equal. */
export function firstDifference(a: unknown, b: unknown, path = "message"): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return `${path}: ${JSON.stringify(a)} !== ${JSON.stringify(b)}`;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: different prototypes`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const inA = Object.prototype.hasOwnProperty.call(a, key);
    const inB = Object.prototype.hasOwnProperty.call(b, key);
    if (inA !== inB) return `${path}.${key}: present only in ${inA ? "ours" : "sip.js"}`;
    const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    if (d) return d;
  }
  return `${path}: differs`;
}
