/**
 * Via `received` / `rport` stamping of incoming requests.
 * RFC 3261 §18.2.1: when the sent-by host of the top Via differs from the packet's source address (or
 * is a domain name), the server MUST add `received=<source address>`.
 * RFC 3581 §4: when the top Via has a bare `rport`, the server MUST fill in the source port and MUST
 * also add `received`, even when the address matches.
 *
 * sip.js copies `message.headers.Via[i].raw` verbatim into every response it builds
 * (`constructOutgoingResponse`), so the stamp is written into that raw string (and into the parsed Via
 * objects, when present). The sent-by stays as it was, so transaction keys do not change.
 */
import type { Flow } from "./flow.js";
import { parseVia, topLevelComma } from "./via-parse.js";

/** The part of sip.js's `IncomingMessage` this needs (kept structural so tests may pass plain objects). */
export interface ViaCarrier {
  headers: { [name: string]: Array<{ raw: string; parsed?: unknown }> };
  via?: unknown;
}

function sameAddress(host: string, address: string): boolean {
  const h = host.startsWith("[") ? host.slice(1, -1) : host;
  return h.toLowerCase() === address.toLowerCase();
}

/** Rewrites the parameter list of one Via value: drops an old `received`, fills a bare `rport`. */
function rewriteParams(params: string, rport: number | undefined, received: string | undefined): string {
  let out = "";
  for (const segment of params.split(";")) {
    if (segment.trim() === "") continue;
    const eq = segment.indexOf("=");
    const name = (eq < 0 ? segment : segment.slice(0, eq)).trim().toLowerCase();
    if (name === "received") continue;
    if (name === "rport" && rport !== undefined && eq < 0) out += `;rport=${rport}`;
    else out += `;${segment.trim()}`;
  }
  if (received !== undefined) out += `;received=${received}`;
  return out;
}

function patchParsed(parsed: unknown, rport: number | undefined, received: string | undefined): void {
  if (typeof parsed !== "object" || parsed === null) return;
  const via = parsed as Record<string, unknown>;
  if (received !== undefined) via["received"] = received;
  if (rport !== undefined) via["rport"] = String(rport);
}

/**
 * Stamps `received`/`rport` on the top Via of a request that arrived on `flow`.
 * Returns true when it changed something.
 */
export function stampVia(message: ViaCarrier, flow: Flow): boolean {
  const line = message.headers["Via"]?.[0];
  if (!line) return false;
  const comma = topLevelComma(line.raw);
  const value = comma < 0 ? line.raw : line.raw.slice(0, comma);
  const via = parseVia(value.trim());
  if (!via) return false;
  const bareRport = via.rport === true;
  const received = bareRport || !sameAddress(via.host, flow.remoteAddress) ? flow.remoteAddress : undefined;
  if (received === undefined) return false;
  const rport = bareRport ? flow.remotePort : undefined;
  const trimmed = value.trim();
  const stamped = trimmed.slice(0, via.paramsStart).trimEnd() + rewriteParams(trimmed.slice(via.paramsStart), rport, received);
  line.raw = comma < 0 ? stamped : stamped + line.raw.slice(comma);
  patchParsed(line.parsed, rport, received);
  if (message.via !== line.parsed) patchParsed(message.via, rport, received);
  return true;
}
