/**
 * Where to send a request (RFC 3261 §8.1.2 / §18.1.1): the top Route when it is a loose router, else the
 * Request-URI; host, port and `transport` parameter taken from that URI. Kept off sip.js's slow Grammar,
 * because every outgoing request passes here.
 */
import type { SipTransportName } from "@tandem/sdk";

export interface UriHop {
  host: string;
  port: number | undefined;
  transport: SipTransportName | undefined;
  secure: boolean;
}

/** Reads host/port/transport from `sip:`/`sips:` URI text (name-addr brackets allowed); undefined if unusable. */
export function uriHop(text: string): UriHop | undefined {
  let s = text.trim();
  const lt = s.indexOf("<");
  if (lt >= 0) {
    const gt = s.indexOf(">", lt);
    s = s.slice(lt + 1, gt < 0 ? undefined : gt);
  }
  const lower = s.slice(0, 5).toLowerCase();
  const secure = lower.startsWith("sips:");
  if (!secure && !lower.startsWith("sip:")) return undefined;
  s = s.slice(secure ? 5 : 4);
  // The user part may hold ';' (RFC 4475 §3.1.1.9) but host and params never hold '@'; headers may.
  const q = s.indexOf("?");
  const at = s.lastIndexOf("@", q < 0 ? s.length : q);
  const hostPart = at >= 0 ? s.slice(at + 1) : s;
  const paramStart = firstOf(hostPart, ";?");
  const hostPort = hostPart.slice(0, paramStart);
  const params = hostPart.slice(paramStart);
  const hp = splitHostPort(hostPort);
  if (!hp) return undefined;
  return { ...hp, transport: transportParam(params) ?? (secure ? "tls" : undefined), secure };
}

function firstOf(s: string, chars: string): number {
  let best = s.length;
  for (const c of chars) {
    const i = s.indexOf(c);
    if (i >= 0 && i < best) best = i;
  }
  return best;
}

function splitHostPort(text: string): { host: string; port: number | undefined } | undefined {
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0) return undefined;
    return { host: text.slice(1, end), port: portOf(text.slice(end + 1)) };
  }
  const colon = text.indexOf(":");
  const host = colon < 0 ? text : text.slice(0, colon);
  if (host.length === 0) return undefined;
  return { host, port: colon < 0 ? undefined : portOf(text.slice(colon)) };
}

function portOf(text: string): number | undefined {
  if (!text.startsWith(":")) return undefined;
  const port = Number(text.slice(1));
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

function transportParam(params: string): SipTransportName | undefined {
  const m = /;\s*transport=([a-z]+)/i.exec(params);
  const value = m?.[1]?.toLowerCase();
  return value === "udp" || value === "tcp" || value === "tls" ? value : undefined;
}

/** True when the Route URI carries `lr` (RFC 3261 §19.1.1); strict routers are not supported. */
export function isLooseRoute(route: string): boolean {
  return /;\s*lr(?=[;>=\s]|$)/i.test(route);
}
