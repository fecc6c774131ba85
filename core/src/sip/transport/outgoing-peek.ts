/**
 * A cheap look at a message sip.js is about to send. sip.js's `Transport.send(message: string)` gives
 * no destination, so the stack must learn the next hop and the transaction key from the text itself.
 * This runs for every outgoing message: one pass over the header lines, no regular expressions, no
 * full parse; the body is never touched.
 */
import { firstViaValue, parseVia, topLevelComma } from "./via-parse.js";

/** What the stack and the reliability layer need from an outgoing message. */
export interface OutgoingPeek {
  isRequest: boolean;
  /** Request: the method of the start line. Response: the CSeq method (the transaction's method). */
  method: string;
  /** Response status code; 0 for requests. */
  status: number;
  /** The start line without CRLF. */
  firstLine: string;
  /** Request-URI as written; "" for responses. */
  requestUri: string;
  /** The top Via value (first value of the first Via line), raw. */
  topVia: string;
  /** Branch of the top Via ("" when absent). */
  branch: string;
  /** Sent-by of the top Via, `host[:port]` with the host lower-cased (RFC 3261 §17.2.3 key part). */
  sentBy: string;
  /** Transport token of the top Via, upper case (`UDP`…); "" when there is no Via. */
  viaTransport: string;
  /** CSeq sequence number (NaN when missing). */
  cseq: number;
  /** CSeq method, upper case as written. */
  cseqMethod: string;
  callId: string;
  /** First element of the first Route header, raw (`<sip:…;lr>`); "" when there is none. */
  route: string;
}

/** Header names we look at, with their compact forms (RFC 3261 §7.3.3): 1 Via, 2 CSeq, 3 Call-ID, 4 Route. */
const KINDS: ReadonlyArray<readonly [name: string, kind: 1 | 2 | 3 | 4]> = [
  ["via", 1],
  ["v", 1],
  ["cseq", 2],
  ["call-id", 3],
  ["i", 3],
  ["route", 4],
];

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * The kind of the header named by `text[start, end)`, compared in place, case-insensitively (§7.3.1): it runs for
 * every header line of every outgoing message, and slicing, trimming and lower-casing each name made three strings
 * per line.
 */
function headerKindAt(text: string, start: number, end: number): 0 | 1 | 2 | 3 | 4 {
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  const length = end - start;
  for (const [name, kind] of KINDS) {
    if (name.length !== length) continue;
    let i = 0;
    // ASCII letters differ from their capitals by 0x20; '-' is compared as is.
    while (i < length && (text.charCodeAt(start + i) | 0x20) === name.charCodeAt(i)) i++;
    if (i === length) return kind;
  }
  return 0;
}

function readStartLine(first: string, out: OutgoingPeek): void {
  if (first.startsWith("SIP/2.0 ")) {
    out.isRequest = false;
    out.status = Number(first.slice(8, 11));
    return;
  }
  const sp1 = first.indexOf(" ");
  const sp2 = first.indexOf(" ", sp1 + 1);
  out.isRequest = true;
  out.method = sp1 < 0 ? first : first.slice(0, sp1);
  out.requestUri = sp1 < 0 ? "" : first.slice(sp1 + 1, sp2 < 0 ? undefined : sp2);
}

function readHeader(kind: number, value: string, out: OutgoingPeek): void {
  if (kind === 1 && out.viaTransport === "") {
    out.topVia = firstViaValue(value);
    const via = parseVia(out.topVia);
    out.viaTransport = via?.transport ?? "?";
    out.branch = via?.branch ?? "";
    out.sentBy = via?.sentBy ?? "";
  } else if (kind === 2) {
    const sp = value.indexOf(" ");
    out.cseq = Number(sp < 0 ? value : value.slice(0, sp));
    out.cseqMethod = sp < 0 ? "" : value.slice(sp + 1).trim();
  } else if (kind === 3) {
    out.callId = value;
  } else if (kind === 4 && out.route === "") {
    const comma = topLevelComma(value);
    out.route = (comma < 0 ? value : value.slice(0, comma)).trim();
  }
}

/** Reads the start line and the few headers the transport and reliability layers need. */
export function peekOutgoing(text: string): OutgoingPeek {
  const out: OutgoingPeek = {
    isRequest: true,
    method: "",
    status: 0,
    firstLine: "",
    requestUri: "",
    topVia: "",
    branch: "",
    sentBy: "",
    viaTransport: "",
    cseq: NaN,
    cseqMethod: "",
    callId: "",
    route: "",
  };
  let end = text.indexOf("\r\n");
  if (end < 0) end = text.length;
  out.firstLine = text.slice(0, end);
  readStartLine(out.firstLine, out);
  let pos = end + 2;
  while (pos < text.length) {
    let lineEnd = text.indexOf("\r\n", pos);
    if (lineEnd < 0) lineEnd = text.length;
    if (lineEnd === pos) break; // empty line: end of headers
    const colon = text.indexOf(":", pos);
    if (colon > pos && colon < lineEnd) {
      const kind = headerKindAt(text, pos, colon);
      if (kind !== 0) readHeader(kind, text.slice(colon + 1, lineEnd).trim(), out);
    }
    pos = lineEnd + 2;
  }
  if (!out.isRequest) out.method = out.cseqMethod;
  return out;
}
