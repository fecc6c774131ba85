/**
 * After a parse failure: can a response still be built? RFC 3261 §8.2 (and §16.3 for proxies) answers a malformed
 * request with a 400 only if Via, From, To, Call-ID and CSeq can be copied into it. This lenient scan finds their
 * raw values without validating them; responses are never answered. It looks at no more than the first
 * `MAX_SALVAGE_LINES` lines, so a hostile message costs little here too.
 * A request that lacks From, To, Call-ID or CSeq but whose top Via parses can still be told it is bad: the Via is
 * all §18.2.2 needs to send a response back (`partial`), and the peer's transaction matches it by branch (§17.1.3).
 */
import { unfold } from "./chars.js";
import { ParseFailure } from "./failure.js";
import { parseTopVia } from "./via.js";

export interface Salvage {
  isRequest: boolean;
  respondable?: { via: string[]; from: string; to: string; callId: string; cseq: string };
  /** Set instead of `respondable` when only some of From/To/Call-ID/CSeq are there and the top Via is usable. */
  partial?: PartialRespondable;
}

/** What a 400 can copy from a request missing some of the fields §8.1.1 makes mandatory. */
export interface PartialRespondable {
  via: string[];
  from?: string;
  to?: string;
  callId?: string;
  cseq?: string;
}

const MAX_SALVAGE_LINES = 512;

/** Lower-cased names (compact forms too) of the headers a 400 copies. */
const WANTED: Record<string, "via" | "from" | "to" | "callId" | "cseq"> = {
  via: "via",
  v: "via",
  from: "from",
  f: "from",
  to: "to",
  t: "to",
  "call-id": "callId",
  i: "callId",
  cseq: "cseq",
};

function isWsp(c: number): boolean {
  return c === 32 || c === 9;
}

export function salvageRespondable(data: Buffer, maxHeaderBytes: number): Salvage {
  let start = 0;
  while (start + 1 < data.length && data[start] === 13 && data[start + 1] === 10) start += 2;
  const limit = Math.min(data.length, start + maxHeaderBytes);
  let end = data.indexOf("\r\n\r\n", start);
  if (end < 0 || end > limit) end = limit;
  const head = data.toString("utf8", start, end);
  const isRequest = head.slice(0, 4).toUpperCase() !== "SIP/";
  if (!isRequest) return { isRequest };
  const via: string[] = [];
  const found: Partial<Record<"from" | "to" | "callId" | "cseq", string>> = {};
  let pos = head.indexOf("\r\n");
  for (let lines = 0; pos >= 0 && lines < MAX_SALVAGE_LINES; lines++) {
    const lineStart = pos + 2;
    let lineEnd = head.indexOf("\r\n", lineStart);
    // Continuation lines belong to this field (RFC 3261 §7.3.1).
    while (lineEnd >= 0 && isWsp(head.charCodeAt(lineEnd + 2))) lineEnd = head.indexOf("\r\n", lineEnd + 2);
    const line = head.slice(lineStart, lineEnd < 0 ? head.length : lineEnd);
    pos = lineEnd;
    const colon = line.indexOf(":");
    if (colon <= 0 || colon > 16) continue;
    const which = WANTED[line.slice(0, colon).trim().toLowerCase()];
    if (which === undefined) continue;
    const value = unfold(line.slice(colon + 1)).trim();
    if (!value) continue;
    if (which === "via") via.push(value);
    else found[which] ??= value;
  }
  const { from, to, callId, cseq } = found;
  if (via.length === 0) return { isRequest };
  if (!from || !to || !callId || !cseq) return usableVia(via[0] ?? "") ? { isRequest, partial: { via, ...found } } : { isRequest };
  return { isRequest, respondable: { via, from, to, callId, cseq } };
}

/** RFC 3261 §18.2.2 sends a response by the top Via's sent-by (or source): it must name SIP/2.0 and a host. */
function usableVia(value: string): boolean {
  try {
    const via = parseTopVia(value);
    return via.protocol.toUpperCase() === "SIP" && via.host.length > 0;
  } catch (error) {
    if (error instanceof ParseFailure) return false;
    throw error;
  }
}
