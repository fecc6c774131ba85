/** Small builders for sip.js bodies and extra header lines. */
import type { ExtraHeaders, SipMessageBody } from "@tandem/sdk";
import type { Body } from "sip.js/lib/core/index.js";
import { flat } from "../flat-string.js";

/** An SDP offer/answer body (RFC 3264; disposition `session`, which sip.js's offer/answer state reads). */
export function sdpBody(sdp: string): Body {
  return { contentDisposition: "session", contentType: "application/sdp", content: sdp };
}

/** A caller's own body (e.g. multipart/mixed for SIPREC, RFC 7866 §8); its parts carry their own dispositions. */
export function otherBody(body: SipMessageBody): Body {
  return { contentDisposition: "session", contentType: body.contentType, content: body.content };
}

/** `{ Name: value }` to `Name: value` lines; CR/LF in values are dropped so a header cannot be injected. */
export function headerLines(headers: ExtraHeaders | undefined): string[] {
  if (!headers) return [];
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[A-Za-z0-9!%*_+`'~.-]+$/.test(name)) continue;
    // Flat: sip.js keeps an INVITE's header lines for the dialog's life (flat-string.ts).
    lines.push(flat(`${name}: ${String(value).replace(/[\r\n]+/g, " ")}`));
  }
  return lines;
}
