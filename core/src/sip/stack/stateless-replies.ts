/**
 * Responses our own layer gives without any transaction state (RFC 3261 §8.2.6, §8.2.7): 400 to
 * malformed requests, 403 to untrusted sources, 404 to unknown DNs, 420 to a Require we do not understand,
 * OPTIONS 200 for the server itself.
 */
import { randomBytes } from "node:crypto";
import { constructOutgoingResponse, type IncomingRequestMessage } from "sip.js/lib/core/index.js";
import { SUPPORTED_IN_RESPONSES } from "./option-tags.js";

/** Methods we answer (sip.js's list plus UPDATE, which our layer handles: RFC 3311). */
export const ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY, UPDATE, PRACK, REFER, MESSAGE, SUBSCRIBE";
export const ACCEPT = "application/sdp, application/pidf+xml, application/dtmf-relay";
export const USER_AGENT = "Tandem";

/** The header fields RFC 3261 §8.2.6.2 copies from a request we could not fully parse. */
export interface RespondableFields {
  via: string[];
  from: string;
  to: string;
  callId: string;
  cseq: string;
}

/** Builds a 400 for a request whose essentials could still be read (RFC 3261 §16.3, §8.2). */
export function badRequestText(fields: RespondableFields, reason: string, status = 400): string {
  const phrase = status === 400 ? `Bad Request - ${sanitize(reason)}`.slice(0, 200) : sanitize(reason).slice(0, 200);
  const to = /;\s*tag=/i.test(fields.to) ? fields.to : `${fields.to};tag=${randomBytes(6).toString("hex")}`;
  const lines = [`SIP/2.0 ${status} ${phrase}`];
  for (const via of fields.via) lines.push(`Via: ${via}`);
  lines.push(`From: ${fields.from}`, `To: ${to}`, `Call-ID: ${fields.callId}`, `CSeq: ${fields.cseq}`);
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
