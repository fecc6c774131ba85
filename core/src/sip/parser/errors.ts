/**
 * Coded errors of the SIP parser (`TANDEM_ERR_SIP_PARSE_*`). Each one becomes a {@link SipParseError}; the
 * message is the reason phrase text of the 400 (or 505/513) answered when the request is respondable
 * (RFC 3261 §8.2, §16.3). `docs/errors.md` (`## sip-parser`) lists them.
 */
import { defineError } from "@tandem/sdk";

export const SipParseErrors = {
  notSip: defineError("TANDEM_ERR_SIP_PARSE_NOT_SIP", "Not a SIP message: %s", { sipStatus: 400 }),
  tooLarge: defineError("TANDEM_ERR_SIP_PARSE_TOO_LARGE", "Message Too Large: %s", { sipStatus: 513 }),
  noHeaderEnd: defineError("TANDEM_ERR_SIP_PARSE_NO_HEADER_END", "No empty line after the header fields", {
    sipStatus: 400,
  }),
  requestLine: defineError("TANDEM_ERR_SIP_PARSE_REQUEST_LINE", "Malformed Request-Line: %s", { sipStatus: 400 }),
  statusLine: defineError("TANDEM_ERR_SIP_PARSE_STATUS_LINE", "Malformed Status-Line: %s", { sipStatus: 400 }),
  version: defineError("TANDEM_ERR_SIP_PARSE_VERSION", "Version Not Supported: %s", { sipStatus: 505 }),
  headerLine: defineError("TANDEM_ERR_SIP_PARSE_HEADER_LINE", "Malformed header line: %s", { sipStatus: 400 }),
  headerValue: defineError("TANDEM_ERR_SIP_PARSE_HEADER_VALUE", "Malformed %s header: %s", { sipStatus: 400 }),
  quote: defineError("TANDEM_ERR_SIP_PARSE_QUOTE", "Unterminated quoted string in %s header", { sipStatus: 400 }),
  nul: defineError("TANDEM_ERR_SIP_PARSE_NUL", "NUL octet outside a quoted string in the %s", { sipStatus: 400 }),
  missingHeader: defineError("TANDEM_ERR_SIP_PARSE_MISSING_HEADER", "Missing %s header", { sipStatus: 400 }),
  duplicateHeader: defineError("TANDEM_ERR_SIP_PARSE_DUPLICATE_HEADER", "More than one %s header", {
    sipStatus: 400,
  }),
  cseq: defineError("TANDEM_ERR_SIP_PARSE_CSEQ", "Bad CSeq: %s", { sipStatus: 400 }),
  cseqMethod: defineError("TANDEM_ERR_SIP_PARSE_CSEQ_METHOD", "CSeq method %s does not match request method %s", {
    sipStatus: 400,
  }),
  contentLength: defineError("TANDEM_ERR_SIP_PARSE_CONTENT_LENGTH", "Bad Content-Length: %s", { sipStatus: 400 }),
  truncatedBody: defineError(
    "TANDEM_ERR_SIP_PARSE_TRUNCATED_BODY",
    "Content-Length %s is larger than the %s octets of body received",
    { sipStatus: 400 },
  ),
  maxForwards: defineError("TANDEM_ERR_SIP_PARSE_MAX_FORWARDS", "Bad Max-Forwards: %s", { sipStatus: 400 }),
  internal: defineError("TANDEM_ERR_SIP_PARSE_INTERNAL", "Parser failure: %s", { sipStatus: 400 }),
} as const;

export type SipParseErrorFactory = (typeof SipParseErrors)[keyof typeof SipParseErrors];
