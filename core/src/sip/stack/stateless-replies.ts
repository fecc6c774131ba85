/**
 * Responses our own layer gives without any transaction state (RFC 3261 §8.2.6, §8.2.7): 400 to
 * malformed requests, 403 to untrusted sources, 404 to unknown DNs, 420 to a Require we do not understand,
 * OPTIONS 200 for the server itself.
 */
import { randomBytes } from "node:crypto";
import { constructOutgoingResponse, type IncomingRequestMessage } from "sip.js/lib/core/index.js";
import { SUPPORTED_IN_RESPONSES } from "./option-tags.js";
import { ALLOW } from "../sip-methods.js";

export const ACCEPT = "application/sdp, application/pidf+xml, application/dtmf-relay";
export const USER_AGENT = "Tandem";

/**
 * The header fields RFC 3261 §8.2.6.2 copies from a request we could not fully parse. Only Via is sure: a
 * request missing From, To, Call-ID or CSeq still gets its 400, without the field it lacked.
 */
export interface RespondableFields {
  via: string[];
  from?: string | undefined;
  to?: string | undefined;
  callId?: string | undefined;
  cseq?: string | undefined;
}

/** Builds a 400 for a request whose essentials could still be read (RFC 3261 §16.3, §8.2). */
export function badRequestText(fields: RespondableFields, reason: string, status = 400): string {
  const phrase = status === 400 ? `Bad Request - ${sanitize(reason)}`.slice(0, 200) : sanitize(reason).slice(0, 200);
  const lines = [`SIP/2.0 ${status} ${phrase}`];
  for (const via of fields.via) lines.push(`Via: ${via}`);
  if (fields.from !== undefined) lines.push(`From: ${fields.from}`);
  if (fields.to !== undefined) {
    lines.push(`To: ${/;\s*tag=/i.test(fields.to) ? fields.to : `${fields.to};tag=${randomBytes(6).toString("hex")}`}`);
  }
  if (fields.callId !== undefined) lines.push(`Call-ID: ${fields.callId}`);
  if (fields.cseq !== undefined) lines.push(`CSeq: ${fields.cseq}`);
  lines.push(`Server: ${USER_AGENT}`, "Content-Length: 0", "", "");
  return lines.join("\r\n");
}

/** A stateless response to a parsed request; `extra` are full header lines. */
export function replyText(message: IncomingRequestMessage, status: number, reason?: string, extra: string[] = []): string {
  return constructOutgoingResponse(message, {
    statusCode: status,
    reasonPhrase: reason,
    userAgent: USER_AGENT,
    supported: [...SUPPORTED_IN_RESPONSES],
    extraHeaders: extra,
  }).message;
}

/** OPTIONS to the server itself (e.g. CUCM's keep-alive ping): 200 with what we can do (RFC 3261 §11.2). */
export function optionsOkText(message: IncomingRequestMessage): string {
  return replyText(message, 200, "OK", [`Allow: ${ALLOW}`, `Accept: ${ACCEPT}`]);
}

function sanitize(text: string): string {
  // A reason phrase is TEXT-UTF8 without CR/LF (RFC 3261 §25.1); parser reasons are ours, but be safe.
  return text.replace(/[\r\n\0]+/g, " ").replace(/[^\x20-\x7e]/g, "?");
}
