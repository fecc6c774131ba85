/**
 * Where an outgoing message goes, from its own text (sip.js's `Transport.send` gives no destination).
 * Requests (RFC 3261 §8.1.2, §18.1.1, RFC 3263 minus DNS): the top Route when it is a loose router
 * (`;lr`), else the Request-URI; its `transport` parameter, else TLS for `sips:`, else the caller's
 * default; its port, else 5060 (5061 for TLS). Host names are left to the OS resolver (no NAPTR/SRV).
 * Responses (§18.2.2, RFC 3581 §4): reliable transports use the connection the request came on; UDP
 * goes to `received` (else the sent-by host) and `rport` (else the sent-by port, else 5060), sent from
 * the socket the request arrived on.
 */
import type { SipTransportName } from "@tandem/sdk";
import { TransportErrors } from "./errors.js";
import { defaultPort, type Flow, type Target } from "./flow.js";
import { peekOutgoing, type OutgoingPeek } from "./outgoing-peek.js";
import { parseVia } from "./via-parse.js";

/** The routing-relevant parts of a SIP or SIPS URI. */
export interface UriHop {
  scheme: "sip" | "sips";
  /** Host without IPv6 brackets. */
  host: string;
  port: number | undefined;
  /** Lower-cased `transport` parameter, if any. */
  transport: string | undefined;
  lr: boolean;
}

/** Reads scheme, host, port and the `transport`/`lr` parameters of a URI or name-addr. */
export function parseUriHop(text: string): UriHop | undefined {
  let uri = text.trim();
  const lt = uri.indexOf("<");
  if (lt >= 0) {
    const gt = uri.indexOf(">", lt);
    if (gt < 0) return undefined;
    uri = uri.slice(lt + 1, gt);
  }
  const colon = uri.indexOf(":");
  const scheme = uri.slice(0, colon).toLowerCase();
  if (colon < 0 || (scheme !== "sip" && scheme !== "sips")) return undefined;
  let rest = uri.slice(colon + 1);
  const q = rest.indexOf("?");
  if (q >= 0) rest = rest.slice(0, q);
  const at = rest.lastIndexOf("@");
  if (at >= 0) rest = rest.slice(at + 1);
  const semi = rest.indexOf(";");
  const hostport = semi < 0 ? rest : rest.slice(0, semi);
  const { host, port } = splitHostPort(hostport);
  if (!host || (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))) return undefined;
  const hop: UriHop = { scheme, host, port, transport: undefined, lr: false };
  if (semi >= 0) {
    for (const param of rest.slice(semi + 1).split(";")) {
      const eq = param.indexOf("=");
      const name = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
      if (name === "lr") hop.lr = true;
      else if (name === "transport" && eq >= 0) hop.transport = param.slice(eq + 1).trim().toLowerCase();
    }
  }
  return hop;
}

function splitHostPort(hostport: string): { host: string; port: number | undefined } {
  if (hostport.startsWith("[")) {
    const close = hostport.indexOf("]");
    const after = hostport.slice(close + 1);
    return { host: hostport.slice(1, close), port: after.startsWith(":") ? Number(after.slice(1)) : undefined };
  }
  const c = hostport.lastIndexOf(":");
  return c < 0 ? { host: hostport, port: undefined } : { host: hostport.slice(0, c), port: Number(hostport.slice(c + 1)) };
}

function transportOf(hop: UriHop, fallback: SipTransportName): SipTransportName {
  return explicitTransport(hop) ?? fallback;
}

/** The transport a URI asks for (`transport` parameter, else TLS for `sips:`), or undefined. */
function explicitTransport(hop: UriHop): SipTransportName | undefined {
  if (hop.transport === "udp" || hop.transport === "tcp" || hop.transport === "tls") return hop.transport;
  return hop.scheme === "sips" ? "tls" : undefined;
}

/** The transport a target URI names, if it names one: decides our Contact/From for a request to it. */
export function uriTransport(text: string): SipTransportName | undefined {
  const hop = parseUriHop(text);
  return hop ? explicitTransport(hop) : undefined;
}

/** Next hop of an outgoing request. Throws `TANDEM_ERR_SIP_TRANSPORT_NO_ROUTE` when no usable URI is found. */
export function requestNextHop(peek: OutgoingPeek, defaultTransport: SipTransportName = "udp"): Target {
  const route = peek.route ? parseUriHop(peek.route) : undefined;
  // A strict router (no ;lr) was already moved into the Request-URI by the UAC (§12.2.1.1).
  const hop = route?.lr ? route : parseUriHop(peek.requestUri);
  if (!hop) throw TransportErrors.noRoute(peek.firstLine, peek.route ? `Route ${peek.route}` : `Request-URI ${peek.requestUri}`);
  const transport = transportOf(hop, defaultTransport);
  return { transport, address: hop.host, port: hop.port ?? defaultPort(transport) };
}

/**
 * Destination of an outgoing response, given the flow its request arrived on (when known).
 * Returns the flow itself for TCP/TLS; for UDP a flow on the same local socket aimed at the Via address.
 */
export function responseDestination(peek: OutgoingPeek, flow: Flow | undefined): Flow | Target {
  const via = parseVia(peek.topVia);
  const viaTransport = via?.transport.toLowerCase();
  const transport: SipTransportName = viaTransport === "tcp" || viaTransport === "tls" ? viaTransport : "udp";
  if (flow && flow.transport !== "udp") return flow;
  if (!via) {
    if (flow) return flow;
    throw TransportErrors.noRoute(peek.firstLine, "response without a usable Via");
  }
  const address = via.received ?? (via.host.startsWith("[") ? via.host.slice(1, -1) : via.host);
  if (transport !== "udp") return { transport, address, port: via.port ?? defaultPort(transport) };
  const port = typeof via.rport === "number" ? via.rport : (via.port ?? 5060);
  return flow ? { ...flow, remoteAddress: address, remotePort: port } : { transport, address, port };
}

/**
 * The connection of a Flow is gone. A response then goes to the top Via: the `received` address
 * (else the sent-by host) and the sent-by port (else the default port), RFC 3261 §18.2.2.
 * A request goes back to the flow's remote address.
 */
export function reconnectTarget(text: string, flow: Flow): Target {
  if (!text.startsWith("SIP/2.0 ")) return { transport: flow.transport, address: flow.remoteAddress, port: flow.remotePort };
  const via = parseVia(peekOutgoing(text).topVia);
  if (!via) return { transport: flow.transport, address: flow.remoteAddress, port: flow.remotePort };
  const host = via.host.startsWith("[") ? via.host.slice(1, -1) : via.host;
  return { transport: flow.transport, address: via.received ?? host, port: via.port ?? defaultPort(flow.transport) };
}
