/**
 * The Request-URI of the RFC 4240 announcement service: `sip:annc@<media server>;play=<prompt URL>;repeat=<n>`,
 * built on a media server's contact URI (its host, port and URI parameters such as `transport` are kept).
 */
import type { SipTransportName } from "@tandem/sdk";
import type { Repeat } from "./manifest.js";

/** A contact URI taken apart: scheme, `host[:port]` and its `;params` (the user part is dropped). */
export interface ContactParts {
  readonly scheme: "sip" | "sips";
  readonly hostPort: string;
  /** URI parameters as written, each with its leading `;` (empty when none). */
  readonly params: string;
}

const CONTACT = /^(sips?):(?:[^@;?>\s]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?((?:;[^;?>\s]+)*)$/i;

/** Splits `sip:[user@]host[:port][;params]` (angle brackets allowed); undefined when it is no SIP URI. */
export function parseContact(contact: string): ContactParts | undefined {
  const match = CONTACT.exec(contact.trim().replace(/^<|>$/g, ""));
  if (!match) return undefined;
  const port = match[3];
  if (port !== undefined && Number(port.slice(1)) > 65_535) return undefined;
  return {
    scheme: (match[1] ?? "sip").toLowerCase() as "sip" | "sips",
    hostPort: `${match[2]}${port ?? ""}`,
    params: match[4] ?? "",
  };
}

/** The transport a contact names (`;transport=`), if any. */
export function contactTransport(parts: ContactParts): SipTransportName | undefined {
  const value = /;transport=([a-z]+)/i.exec(parts.params)?.[1]?.toLowerCase();
  return value === "udp" || value === "tcp" || value === "tls" ? value : undefined;
}

/** Adds `;transport=<t>` from the DN's `transport` option unless the URI names one (RFC 3261 §19.1.1). */
export function withTransport(parts: ContactParts, transport: SipTransportName | undefined): ContactParts {
  if (transport === undefined || contactTransport(parts) !== undefined) return parts;
  return { ...parts, params: `${parts.params};transport=${transport}` };
}

/*
 * RFC 3261 §25.1: a URI parameter value is made of `paramchar` = param-unreserved / unreserved / escaped, with
 * param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" and unreserved = alphanum / mark. Everything else
 * in the prompt URL (`;`, `?`, `=`, `,`, `@`, `#`, `%`, spaces, non-ASCII) is escaped, as RFC 4240 §3 asks.
 * `%` is escaped too, so a URL that already holds escapes reaches the media server unchanged once it unescapes.
 */
const PARAMCHAR = /[A-Za-z0-9\-_.!~*'()[\]/:&+$]/;

/** Escapes a prompt URL for the `play=` URI parameter (RFC 4240 §3, RFC 3261 §25.1 `paramchar`). */
export function escapeParamValue(value: string): string {
  let out = "";
  for (const char of value) {
    if (PARAMCHAR.test(char)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** What to play through the announcement service. */
export interface Announcement {
  readonly play: string;
  readonly repeat: Repeat;
}

/**
 * `sip:annc@host:port;transport=udp;play=<escaped URL>;repeat=forever` (RFC 4240 §3). The contact's own URI
 * parameters come first so that routing parameters stay where the operator wrote them.
 */
export function announcementUri(contact: ContactParts, announcement: Announcement, user = "annc"): string {
  const repeat = announcement.repeat === "forever" ? "forever" : String(announcement.repeat);
  return `${contact.scheme}:${user}@${contact.hostPort}${contact.params};play=${escapeParamValue(announcement.play)};repeat=${repeat}`;
}
