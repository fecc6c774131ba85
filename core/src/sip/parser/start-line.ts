/**
 * Request-Line and Status-Line (RFC 3261 §7.1, §7.2, §25.1). Strict single SP separators (RFC 4475 §3.1.2.9 and
 * §3.1.2.10 allow rejecting extra SP), no headers in a Request-URI (§19.1.1 table 1; RFC 4475 §3.1.2.11), SIP/2.0
 * only (§21.5.6 → 505, RFC 4475 §3.1.2.16), status codes 100–699 (§7.2, RFC 4475 §3.1.2.19).
 */
import type { URI } from "sip.js/lib/core/index.js";
import { TOKEN, spanClass } from "./chars.js";
import { SipParseErrors } from "./errors.js";
import { ParseFailure, fail } from "./failure.js";
import { parseUri } from "./uri.js";

export type StartLine =
  | { kind: "request"; method: string; ruri: URI }
  | { kind: "response"; statusCode: number; reasonPhrase: string };

const SIP_2_0 = "SIP/2.0";

function isSipVersion(text: string): boolean {
  return /^SIP\/[0-9]+\.[0-9]+$/i.test(text);
}

/** RFC 3261 §7.1: the SIP-Version string is case-insensitive (senders use upper case). */
function checkVersion(text: string, errorIfGarbage: () => never): void {
  if (text === SIP_2_0 || (text.length === 7 && text.toUpperCase() === SIP_2_0)) return;
  if (isSipVersion(text)) fail(SipParseErrors.version, text);
  errorIfGarbage();
}

export function parseStartLine(line: string): StartLine {
  if (!looksLikeText(line)) fail(SipParseErrors.notSip, "binary start line");
  if (line.startsWith("SIP/") || line.slice(0, 4).toUpperCase() === "SIP/") return parseStatusLine(line);
  if (/^[A-Z]+ \S+ HTTP\/[0-9.]+$/.test(line)) fail(SipParseErrors.notSip, "an HTTP request");
  return parseRequestLine(line);
}

/** A start line is printable ASCII (a UTF-8 reason phrase aside). */
function looksLikeText(line: string): boolean {
  if (line.length === 0) return false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127 || c === 0xfffd) return false;
  }
  return true;
}

function parseStatusLine(line: string): StartLine {
  const sp = line.indexOf(" ");
  if (sp < 0) fail(SipParseErrors.statusLine, "no status code");
  checkVersion(line.slice(0, sp), () => fail(SipParseErrors.statusLine, "bad SIP-Version"));
  const code = line.slice(sp + 1, sp + 4);
  if (!/^[1-6][0-9][0-9]$/.test(code)) fail(SipParseErrors.statusLine, "status code not in 100-699");
  if (line.length > sp + 4 && line.charCodeAt(sp + 4) !== 32) fail(SipParseErrors.statusLine, "status code not in 100-699");
  if (line.length === sp + 4) fail(SipParseErrors.statusLine, "no SP after the status code");
  const reasonPhrase = line.slice(sp + 5);
  for (let i = 0; i < reasonPhrase.length; i++) {
    const c = reasonPhrase.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) fail(SipParseErrors.statusLine, "control character in the reason phrase");
  }
  return { kind: "response", statusCode: parseInt(code, 10), reasonPhrase };
}

function parseRequestLine(line: string): StartLine {
  const methodEnd = spanClass(line, 0, line.length, TOKEN);
  if (methodEnd === 0 || line.charCodeAt(methodEnd) !== 32) fail(SipParseErrors.requestLine, "bad method");
  const uriStart = methodEnd + 1;
  const uriEnd = line.indexOf(" ", uriStart);
  if (uriEnd < 0) fail(SipParseErrors.requestLine, "expected Method SP Request-URI SP SIP-Version");
  if (uriEnd === uriStart) fail(SipParseErrors.requestLine, "more than one SP before the Request-URI");
  const version = line.slice(uriEnd + 1);
  checkVersion(version, () =>
    fail(SipParseErrors.requestLine, version.trim() === SIP_2_0 || version.indexOf(" ") >= 0 ? "extra SP" : "bad SIP-Version"),
  );
  let ruri: URI;
  try {
    const result = parseUri(line, uriStart, uriEnd, { params: true, where: "Request-URI" });
    if (result.end !== uriEnd) fail(SipParseErrors.requestLine, "bad Request-URI");
    ruri = result.uri;
  } catch (e) {
    if (e instanceof ParseFailure && e.error === SipParseErrors.headerValue) fail(SipParseErrors.requestLine, "bad Request-URI");
    throw e;
  }
  if (Object.keys(ruri.headers).length > 0) fail(SipParseErrors.requestLine, "headers in the Request-URI");
  return { kind: "request", method: line.slice(0, methodEnd), ruri };
}
