/**
 * Fast SIP message parser (RFC 3261 §7, §18.3, §20) that fills sip.js 0.21.2's own message objects
 * (`IncomingRequestMessage` / `IncomingResponseMessage` from `sip.js/lib/core/index.js`, the same module instance
 * the core uses) with every header the core reads already parsed, so sip.js's slow PEG grammar never runs on the
 * hot path. Headers we do not parse are stored raw under the key sip.js's `headerize()` gives; sip.js parses them
 * lazily if someone asks. The body is framed by Content-Length in octets (sip.js counts UTF-16 units).
 * Never throws: every failure is a coded `SipParseError`, with what a 400 needs when one can be built.
 */
import { IncomingRequestMessage, IncomingResponseMessage } from "sip.js/lib/core/index.js";
import { flat } from "../flat-string.js";
import { SipParseErrors } from "./errors.js";
import { ParseFailure, fail, reasonOf } from "./failure.js";
import { HeaderKind } from "./header-names.js";
import { parseHeaderSection, saw, type HeaderState } from "./header-section.js";
import { resetUsage } from "./limits.js";
import { salvageRespondable, type PartialRespondable } from "./salvage.js";
import { parseStartLine, type StartLine } from "./start-line.js";

export interface SipParseError {
  /** A `TANDEM_ERR_SIP_PARSE_*` code (docs/errors.md, `## sip-parser`). */
  code: string;
  /** Human reason, usable as the reason phrase of the 400 (printable ASCII, short). */
  reason: string;
  /** True unless the start line is a Status-Line (responses are dropped, never answered). */
  isRequest: boolean;
  /** Status to answer with: 400, 505 (version) or 513 (too large). */
  status: number;
  /** Present when a response can be built (RFC 3261 §8.2, §16.3): the raw values to copy into it. */
  respondable?: { via: string[]; from: string; to: string; callId: string; cseq: string };
  /**
   * A request missing some of From/To/Call-ID/CSeq whose top Via can still take a response (RFC 3261 §18.2.2):
   * what a 400 can copy. Never set together with `respondable`.
   */
  partial?: PartialRespondable;
}

export type ParsedSipMessage = IncomingRequestMessage | IncomingResponseMessage;

export type ParseOutcome =
  | { ok: true; message: ParsedSipMessage; size: number }
  | { ok: false; error: SipParseError };

export interface ParseOptions {
  /**
   * True (default) for a UDP datagram: octets beyond Content-Length are ignored (RFC 3261 §18.3) and a message
   * without Content-Length takes the rest of the datagram. False for one message framed from a stream, where
   * Content-Length is mandatory (§20.14).
   */
  datagram?: boolean;
}

/** Larger messages are refused with 513 (RFC 3261 §21.5.14); UDP cannot carry more than 64 KiB anyway. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** Start line plus header fields. */
export const MAX_HEADER_BYTES = 64 * 1024;

const HEADER_END = Buffer.from("\r\n\r\n");

export function parseSipMessage(data: Buffer, options?: ParseOptions): ParseOutcome {
  try {
    return parseOrThrow(data, options?.datagram !== false);
  } catch (e) {
    return { ok: false, error: toParseError(e, data) };
  }
}

function parseOrThrow(data: Buffer, datagram: boolean): ParseOutcome {
  resetUsage();
  if (data.length > MAX_MESSAGE_BYTES) fail(SipParseErrors.tooLarge, `${data.length} octets`);
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  let start = 0;
  while (start + 1 < data.length && data[start] === 13 && data[start + 1] === 10) start += 2;
  const headEnd = data.indexOf(HEADER_END, start);
  if (headEnd < 0) {
    if (data.length - start > MAX_HEADER_BYTES) fail(SipParseErrors.tooLarge, "header section over 64 KiB");
    fail(SipParseErrors.noHeaderEnd);
  }
  if (headEnd - start > MAX_HEADER_BYTES) fail(SipParseErrors.tooLarge, "header section over 64 KiB");
  const head = data.toString("utf8", start, headEnd);
  const firstEol = head.indexOf("\r\n");
  const startLine = parseStartLine(firstEol < 0 ? head : head.slice(0, firstEol));
  const message = newMessage(startLine);
  const state: HeaderState = parseHeaderSection(head, firstEol < 0 ? head.length : firstEol + 2, message);
  finishMessage(message, startLine, state);
  const bodyStart = headEnd + 4;
  const available = data.length - bodyStart;
  let bodyEnd = data.length;
  if (state.contentLength !== undefined) {
    if (state.contentLength > available) fail(SipParseErrors.truncatedBody, String(state.contentLength), String(available));
    bodyEnd = bodyStart + state.contentLength;
  } else if (!datagram) {
    fail(SipParseErrors.missingHeader, "Content-Length");
  }
  const body = bodyEnd > bodyStart ? data.toString("utf8", bodyStart, bodyEnd) : "";
  // RFC 3261 §7.4.1: a non-empty body needs a Content-Type. sip.js's getBody() throws without one, and when it
  // does so inside the SessionDialog constructor of an accepted INVITE it leaves a 2xx retransmission timer armed
  // that later crashes the process (found by the fuzz test): reject such messages here, before sip.js sees them.
  if (body.length > 0 && !message.hasHeader("Content-Type")) fail(SipParseErrors.missingHeader, "Content-Type");
  message.body = body;
  message.data = head + "\r\n\r\n" + body;
  return { ok: true, message, size: bodyEnd };
}

/** Fields of sip.js's message classes as the core reads them (the typings omit `undefined`). */
interface MessageFields {
  method: string;
  ruri: unknown;
  statusCode: number;
  reasonPhrase: string;
}

function finishMessage(
  message: ParsedSipMessage,
  startLine: StartLine,
  state: HeaderState,
): void {
  // RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are mandatory.
  if (!saw(state, HeaderKind.Via)) fail(SipParseErrors.missingHeader, "Via");
  if (!saw(state, HeaderKind.From)) fail(SipParseErrors.missingHeader, "From");
  if (!saw(state, HeaderKind.To)) fail(SipParseErrors.missingHeader, "To");
  if (!saw(state, HeaderKind.CallId)) fail(SipParseErrors.missingHeader, "Call-ID");
  if (state.cseqMethod === undefined) fail(SipParseErrors.missingHeader, "CSeq");
  if (startLine.kind === "request") {
    // RFC 3261 §8.1.1.6 makes Max-Forwards mandatory for RFC 3261 UACs (magic cookie in the branch, §8.1.1.7);
    // RFC 2543 requests lack it and are still accepted (RFC 4475 §3.4.1).
    if (!saw(state, HeaderKind.MaxForwards) && message.viaBranch?.startsWith("z9hG4bK")) fail(SipParseErrors.missingHeader, "Max-Forwards");
    // RFC 3261 §8.1.1.5 / RFC 4475 §3.1.2.17: the CSeq method matches the request method.
    if (state.cseqMethod !== startLine.method) fail(SipParseErrors.cseqMethod, state.cseqMethod, startLine.method);
  } else {
    (message as unknown as MessageFields).method = state.cseqMethod;
    // A dialog keeps the To-tag of the response that created it for its life (RFC 3261 §12.1.2): a copy, so the
    // tag does not keep this whole response alive.
    if (message.toTag) message.toTag = flat(message.toTag);
  }
}

/** The start-line fields are set first, in the order sip.js's own parser sets them. */
function newMessage(startLine: StartLine): ParsedSipMessage {
  if (startLine.kind === "request") {
    const request = new IncomingRequestMessage();
    const fields = request as unknown as MessageFields;
    fields.method = startLine.method;
    fields.ruri = startLine.ruri;
    return request;
  }
  const response = new IncomingResponseMessage();
  const fields = response as unknown as MessageFields;
  fields.statusCode = startLine.statusCode;
  fields.reasonPhrase = startLine.reasonPhrase;
  return response;
}

function toParseError(e: unknown, data: Buffer): SipParseError {
  const failure =
    e instanceof ParseFailure ? e : new ParseFailure(SipParseErrors.internal, [e instanceof Error ? e.message : String(e)]);
  let isRequest = true;
  let respondable: SipParseError["respondable"];
  let partial: PartialRespondable | undefined;
  try {
    const salvage = salvageRespondable(data, MAX_HEADER_BYTES);
    isRequest = salvage.isRequest;
    respondable = salvage.respondable;
    partial = salvage.partial;
  } catch {
    // Nothing can be salvaged; the message is dropped.
  }
  const error: SipParseError = {
    code: failure.error.code,
    reason: reasonOf(failure),
    isRequest,
    status: failure.error.definition.sipStatus ?? 400,
  };
  if (respondable && isRequest) error.respondable = respondable;
  if (partial && isRequest) error.partial = partial;
  return error;
}
