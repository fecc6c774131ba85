/**
 * The one place the stack touches the parser (helper C) and the transport/reliability layers (helper D),
 * so their shapes are adapted here and nowhere else.
 */
import type { SipTransportName } from "@tandem/sdk";
import { parseSipMessage, type ParseOutcome } from "../parser/parse-message.js";
import { peekOutgoing, type OutgoingPeek } from "../transport/outgoing-peek.js";
import { parseVia } from "../transport/via-parse.js";
import type { Flow, Target } from "../transport/transport-layer.js";

export { TransportLayer, type Flow, type Target } from "../transport/transport-layer.js";
export { ReliabilityLayer } from "../reliability/reliability-layer.js";
export { stampVia } from "../transport/via-stamp.js";
export type { ParseOutcome };

/** What the send path needs of an outgoing message (D's peek plus the Via fallback target). */
export interface PeekInfo {
  raw: OutgoingPeek;
  isResponse: boolean;
  /** Request method, or the CSeq method of a response. */
  method: string;
  status: number | undefined;
  branch: string;
  callId: string;
  ruri: string | undefined;
  topRoute: string | undefined;
  /** For responses: where the top Via says to send it (received/rport, else sent-by; RFC 3261 §18.2.2, RFC 3581). */
  viaTarget: Target | undefined;
}

export function peek(text: string): PeekInfo {
  const raw = peekOutgoing(text);
  return {
    raw,
    isResponse: !raw.isRequest,
    method: raw.method,
    status: raw.isRequest ? undefined : raw.status,
    branch: raw.branch,
    callId: raw.callId,
    ruri: raw.isRequest ? raw.requestUri : undefined,
    topRoute: raw.route === "" ? undefined : raw.route,
    viaTarget: raw.isRequest ? undefined : viaTarget(raw.topVia),
  };
}

function viaTarget(topVia: string): Target | undefined {
  const via = parseVia(topVia);
  if (!via) return undefined;
  const transport = via.transport.toLowerCase() as SipTransportName;
  if (transport !== "udp" && transport !== "tcp" && transport !== "tls") return undefined;
  const address = via.received ?? via.host.replace(/^\[|\]$/g, "");
  const port = typeof via.rport === "number" ? via.rport : (via.port ?? (transport === "tls" ? 5061 : 5060));
  return { transport, address, port };
}

export function parse(data: Buffer, datagram: boolean): ParseOutcome {
  return parseSipMessage(data, { datagram });
}
