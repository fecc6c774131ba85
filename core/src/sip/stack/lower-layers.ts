/**
 * The one place the stack touches the parser and the transport/reliability layers,
 * so their shapes are adapted here and nowhere else.
 */
import { parseSipMessage, type ParseOutcome } from "../parser/parse-message.js";
import { peekOutgoing, type OutgoingPeek } from "../transport/outgoing-peek.js";

export { TransportLayer, type Flow, type Target } from "../transport/transport-layer.js";
export { ReliabilityLayer } from "../transactions/reliability-layer.js";
export { stampVia } from "../transport/via-stamp.js";
export { requestNextHop, responseDestination, uriTransport } from "../transport/next-hop.js";
export type { ParseOutcome };

/** What the send path needs of an outgoing message (D's peek, flattened). */
export interface PeekInfo {
  raw: OutgoingPeek;
  isResponse: boolean;
  /** Request method, or the CSeq method of a response. */
  method: string;
  status: number | undefined;
  branch: string;
  callId: string;
  ruri: string | undefined;
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
  };
}

export function parse(data: Buffer, datagram: boolean): ParseOutcome {
  return parseSipMessage(data, { datagram });
}
